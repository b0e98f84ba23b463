/**
 * The console's session per browser (issue 18 item 13): the refresh token in
 * an HttpOnly, SameSite=Strict cookie scoped to `/v1/auth`, so no script can
 * read it (no token in localStorage or sessionStorage) and a new tab resumes
 * the session by `POST /v1/auth/refresh` with no token in the body.
 *
 * CSRF: SameSite=Strict keeps the browser from sending the cookie on any
 * request started by another site; the cookie is read only by `refresh` and
 * `sign-out`, and `refresh` reads it only with the `X-Roster-Session: cookie`
 * header, which a cross-site form cannot set and a cross-origin script cannot
 * send without a CORS preflight Roster never grants. A refresh answers tokens
 * in its body, which another origin cannot read anyway.
 */
export const REFRESH_COOKIE = 'roster_refresh';
export const COOKIE_PATH = '/v1/auth';
/** The header a cookie refresh must carry (see above). */
export const COOKIE_HEADER = 'x-roster-session';
/** Cognito's refresh token validity (infra/constructs/auth.ts): the cookie lasts as long. */
const MAX_AGE_SECONDS = 30 * 86_400;

/** `Secure` everywhere but plain http on localhost (the local stack), where a browser would drop it. */
export function secure(headers: Record<string, string | undefined>): boolean {
  const host = (headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const local = host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  const proto = (headers['x-forwarded-proto'] ?? (local ? 'http' : 'https')).toLowerCase();
  return !(local && proto === 'http');
}

function cookie(value: string, maxAge: number, headers: Record<string, string | undefined>): string {
  const parts = [
    `${REFRESH_COOKIE}=${value}`,
    `Path=${COOKIE_PATH}`,
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (secure(headers)) parts.push('Secure');
  return parts.join('; ');
}

/** The Set-Cookie value keeping this refresh token for the browser. */
export const refreshCookie = (token: string, headers: Record<string, string | undefined>) =>
  cookie(token, MAX_AGE_SECONDS, headers);

/** The Set-Cookie value removing it (sign-out). */
export const clearedRefreshCookie = (headers: Record<string, string | undefined>) => cookie('', 0, headers);

/** The value of cookie `name` the browser sent (API Gateway v2 `cookies`: `name=value` each), if any and not empty. */
export function cookieValue(cookies: readonly string[] | undefined, name: string): string | undefined {
  for (const entry of cookies ?? []) {
    const at = entry.indexOf('=');
    if (at > 0 && entry.slice(0, at).trim() === name) return entry.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** The refresh token the browser sent, if any. */
export const refreshFromCookies = (cookies: readonly string[] | undefined) => cookieValue(cookies, REFRESH_COOKIE);
