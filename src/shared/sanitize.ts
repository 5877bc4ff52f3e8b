/**
 * Strings that come from the engine (tags, digests, error messages, host facts) or from the log
 * are made safe before a terminal or a spreadsheet sees them: an image tag or an engine error
 * must not be able to move the cursor, rewrite a line, set the window title or run a formula.
 * Pure: no Node, no DOM.
 */

/**
 * Escape sequences, whole: CSI (`ESC [ … final`), OSC/DCS/SOS/PM/APC strings (up to BEL or
 * ST), the two-byte ESC forms, and the 8-bit CSI. Whatever is left of a broken sequence is
 * caught by the control character pass after this one.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|[ -/]*[0-~])|\u009b[0-?]*[ -/]*[@-~]/g

/**
 * C0 controls (but tab, line feed and carriage return, handled by each caller), DEL, C1
 * controls, and the Unicode controls that reorder or break what is displayed (bidi overrides and
 * isolates, line and paragraph separators).
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function stripEscapes(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '')
}

export interface TerminalTextOptions {
  /** Keep line breaks (`\n`; `\r\n` and lone `\r` become `\n`). Default: one line. */
  newlines?: boolean
}

/** Text a terminal prints as text: no escape sequences, no control characters. Tabs become
 * spaces; line breaks become spaces unless the caller allows them. */
export function forTerminal(text: string, options: TerminalTextOptions = {}): string {
  const clean = stripEscapes(String(text)).replace(/\t/g, ' ')
  return options.newlines ? clean.replace(/\r\n?/g, '\n') : clean.replace(/\r\n|[\r\n]/g, ' ')
}

/**
 * One CSV cell's text: escape sequences and controls removed (line breaks are kept, the CSV
 * writer quotes them), and a cell a spreadsheet would read as a formula (starting with = + - @,
 * a tab or a carriage return) prefixed with `'` so it stays text.
 */
export function forCsv(text: string): string {
  const clean = String(text).replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '')
  return /^[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean
}
