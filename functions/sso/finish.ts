/**
 * The end of every SSO sign-in: the same tokens a password sign-in gets, in
 * the same place — the refresh token in the console's HttpOnly session cookie
 * (lib/http/session-cookie.ts) — and the browser sent to the sign-in page
 * (`?sso=done`), which resumes the session from the cookie as a new tab does
 * and goes on into the console.
 */
import { type CallbackInput, completeSignIn } from '../../lib/app/sso.ts';
import { config } from '../../lib/config.ts';
import type { Reply } from '../../lib/http/reply.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';
import { clearedSsoBindingCookie } from '../../lib/http/sso-cookie.ts';

export async function finishSso(
  input: CallbackInput,
  headers: Record<string, string | undefined>,
  now: Date,
): Promise<Reply> {
  const result = await completeSignIn(input, now);
  const token = 'refreshToken' in result ? result.refreshToken : undefined;
  return {
    status: 303,
    headers: { location: `${config().appUrl}/sign-in?sso=done`, 'cache-control': 'no-store' },
    cookies: [...(token ? [refreshCookie(token, headers)] : []), clearedSsoBindingCookie(headers)],
  };
}
