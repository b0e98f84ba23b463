/**
 * The end of every SSO sign-in: the same tokens a password sign-in gets, in
 * the same place — the refresh token in the console's HttpOnly session cookie
 * (lib/http/session-cookie.ts) — and the browser sent to the sign-in page
 * (`?sso=done`), which resumes the session from the cookie as a new tab does
 * and goes on into the console.
 *
 * A refusal is words on that page for a browser (the request accepts
 * text/html): 303 to `/sign-in?sso=failed&reason=<code>`, or — when the
 * login exists and needs its password to be linked (lib/app/sso-link.ts) —
 * to the confirm-password step, `/sign-in?sso=link#link=<token>` (a fragment:
 * the token never reaches a server log or a Referer). API clients keep the
 * RFC 9457 problem.
 */

import { type CallbackInput, completeSignIn } from '../../lib/app/sso.ts';
import { reasonOf } from '../../lib/app/sso-link.ts';
import { config } from '../../lib/config.ts';
import { isDomainError } from '../../lib/domain/errors.ts';
import { preferredMedia } from '../../lib/http/negotiate.ts';
import type { Reply } from '../../lib/http/reply.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';
import { clearedSsoBindingCookies } from '../../lib/http/sso-cookie.ts';

const toPage = (location: string): Reply => ({
  status: 303,
  headers: { location, 'cache-control': 'no-store' },
});

export async function finishSso(
  input: CallbackInput,
  headers: Record<string, string | undefined>,
  now: Date,
): Promise<Reply> {
  const browser = preferredMedia(headers.accept, ['application/json', 'text/html']) === 'text/html';
  let result: Awaited<ReturnType<typeof completeSignIn>>;
  try {
    result = await completeSignIn(input, now, browser);
  } catch (error) {
    if (!browser || !isDomainError(error)) throw error;
    const { reason, linkToken } = reasonOf(error);
    const signIn = `${config().appUrl}/sign-in`;
    if (reason === 'link' && linkToken) return toPage(`${signIn}?sso=link#link=${linkToken}`);
    return toPage(`${signIn}?sso=failed&reason=${reason}`);
  }
  const token = 'refreshToken' in result ? result.refreshToken : undefined;
  return {
    ...toPage(`${config().appUrl}/sign-in?sso=done`),
    cookies: [...(token ? [refreshCookie(token, headers)] : []), ...clearedSsoBindingCookies(headers)],
  };
}
