import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { ERROR_CODES } from './drydock-error'

/**
 * Errors that cross a transport: the zod-free part lives in drydock-error.ts (so code that runs
 * before zod is loaded, such as the CLI's first requests, can use it); the schema is here.
 */
export * from './drydock-error'

export const ErrorPayloadSchema = lazySchema(() =>
  z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
)
