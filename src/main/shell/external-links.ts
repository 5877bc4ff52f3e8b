/** The only URLs Drydock hands to the user's browser (documentation it links to). */
const EXTERNAL_ALLOW_LIST = [/^https:\/\/docs\.docker\.com\//]

export function isAllowedExternalUrl(url: string): boolean {
  return EXTERNAL_ALLOW_LIST.some((pattern) => pattern.test(url))
}
