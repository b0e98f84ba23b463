/**
 * The paths that answer with the single-page app (its index.html): the hosted
 * pages and the console's screens. The local gateway and the CloudFront
 * function both serve index.html for exactly these; anything else is the API
 * (`/v1/…`), the docs, a built asset (`/assets/…`) or a 404.
 */
export const HOSTED_PAGES = [
  '/sign-in',
  '/login',
  '/new-password',
  '/forgot-password',
  '/reset-password',
  '/accept-invitation',
  '/two-factor-setup',
] as const;

export const CONSOLE_SCREENS = [
  '/',
  '/users',
  '/roles',
  '/teams',
  '/audit',
  '/access-review',
  '/profile',
  '/settings',
  '/tenants',
] as const;

export const PAGE_PATHS: readonly string[] = [...HOSTED_PAGES, ...CONSOLE_SCREENS];

export const isPagePath = (path: string): boolean =>
  PAGE_PATHS.includes(path.length > 1 ? path.replace(/\/$/, '') : path);

/**
 * The Content-Security-Policy of every page: its own scripts, styles, images
 * and API only; no inline script, no framing, no other origin.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every page and asset carries besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};
