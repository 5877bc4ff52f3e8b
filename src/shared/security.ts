/**
 * The Content-Security-Policy of every Drydock page, in Electron (meta tag and header) and in
 * browser mode. Scripts and styles only from the app itself; calls only back to the app.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
