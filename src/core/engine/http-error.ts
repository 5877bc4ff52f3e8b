/** An engine's error answer, shaped like docker-modem's so callers read `statusCode` and the
 * engine's own words (`json.message`) either way. */
export class EngineHttpError extends Error {
  readonly json: { message: string }

  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`)
    this.json = { message }
  }
}
