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
 * A SAML IdP sends it back by a cross-site form POST, which carries no Lax
 * cookie: the same value rides in a second cookie, `roster_sso_post`
 * (SameSite=None, so always Secure — browsers take Secure cookies from
 * http://localhost too), scoped to the callback alone. Either one binds: the
 * value is this browser's own, so a cross-site POST an attacker makes carries
 * a binding that matches no sign-in of theirs.
 */
import { cookieValue, secure } from './session-cookie.ts';

export const SSO_COOKIE = 'roster_sso';
export const SSO_POST_COOKIE = 'roster_sso_post';
const PATH = '/v1/auth/sso';
const POST_PATH = '/v1/auth/sso/callback';
/** As long as a started sign-in lives (lib/app/sso.ts START_TTL_MS). */
const MAX_AGE_SECONDS = 600;

function cookie(value: string, maxAge: number, headers: Record<string, string | undefined>): string {
  const parts = [`${SSO_COOKIE}=${value}`, `Path=${PATH}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure(headers)) parts.push('Secure');
  return parts.join('; ');
}

const postCookie = (value: string, maxAge: number) =>
  [`${SSO_POST_COOKIE}=${value}`, `Path=${POST_PATH}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=None', 'Secure'].join(
    '; ',
  );

/** Both cookies of a started sign-in: the Lax one (OIDC's GET callback) and the cross-site one (SAML's POST). */
export const ssoBindingCookies = (value: string, headers: Record<string, string | undefined>) => [
  cookie(value, MAX_AGE_SECONDS, headers),
  postCookie(value, MAX_AGE_SECONDS),
];

export const clearedSsoBindingCookies = (headers: Record<string, string | undefined>) => [
  cookie('', 0, headers),
  postCookie('', 0),
];

/** The binding the browser sent, if any: either cookie. */
export const ssoBindingFromCookies = (cookies: readonly string[] | undefined) =>
  cookieValue(cookies, SSO_COOKIE) ?? cookieValue(cookies, SSO_POST_COOKIE);
