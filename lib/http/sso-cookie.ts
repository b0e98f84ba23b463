/**
 * The SSO sign-in's browser binding (login CSRF, docs/security.md "Single
 * sign-on attacks (round 4)"): the start sets a random value in an HttpOnly
 * cookie scoped to `/v1/auth/sso` and keeps its hash with the state; the
 * callback completes an OIDC sign-in only when the browser presents it. So a
 * callback URL an attacker obtained by signing in at the IdP as themselves
 * signs nobody else's browser into the attacker's account.
 *
 * SameSite=Lax: the IdP sends the browser back by a top-level GET navigation
 * from another site, which Lax lets the cookie ride along on (Strict would not).
 */
import { secure } from './session-cookie.ts';

export const SSO_COOKIE = 'roster_sso';
const PATH = '/v1/auth/sso';
/** As long as a started sign-in lives (lib/app/sso.ts START_TTL_MS). */
const MAX_AGE_SECONDS = 600;

function cookie(value: string, maxAge: number, headers: Record<string, string | undefined>): string {
  const parts = [`${SSO_COOKIE}=${value}`, `Path=${PATH}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure(headers)) parts.push('Secure');
  return parts.join('; ');
}

export const ssoBindingCookie = (value: string, headers: Record<string, string | undefined>) =>
  cookie(value, MAX_AGE_SECONDS, headers);

export const clearedSsoBindingCookie = (headers: Record<string, string | undefined>) => cookie('', 0, headers);

/** The binding the browser sent (API Gateway v2 `cookies`: `name=value` each), if any. */
export function ssoBindingFromCookies(cookies: readonly string[] | undefined): string | undefined {
  for (const entry of cookies ?? []) {
    const at = entry.indexOf('=');
    if (at > 0 && entry.slice(0, at).trim() === SSO_COOKIE) return entry.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
