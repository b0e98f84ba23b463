/** The reference page's Content-Security-Policy (GET /docs and its assets). */

/** Its own scripts and styles only, inline styles (Swagger UI sets them), data: icons, requests to this API. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
