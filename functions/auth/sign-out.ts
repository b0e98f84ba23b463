import * as z from 'zod';
import { signOut } from '../../lib/app/credentials.ts';
import { unknownIdentity } from '../../lib/domain/identity.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route, signedIn } from '../../lib/http/route.ts';
import { clearedRefreshCookie, refreshFromCookies } from '../../lib/http/session-cookie.ts';

const Body = z.union([
  z.object({ refreshToken: z.string().min(1).max(8192) }).strict(),
  z.object({ everywhere: z.literal(true) }).strict(),
  z
    .object({
      cookie: z
        .literal(true)
        .meta({ description: "Ends the session kept in this browser's `roster_refresh` cookie (the console)" }),
    })
    .strict(),
]);

/**
 * `{refreshToken}` ends this session; `{everywhere: true}` ends every session of the login; `{cookie: true}`
 * the one in the browser's session cookie. The cookie is cleared in every case.
 */
export const handler = route('signOut', {
  body: Body,
  run: async ({ caller, identity, body, now, headers, cookies }) => {
    const { id } = signedIn(caller);
    const input = 'cookie' in body ? { refreshToken: refreshFromCookies(cookies) } : body;
    await signOut(identity ?? unknownIdentity(id), input, now);
    return { ...noContent(), cookies: [clearedRefreshCookie(headers)] };
  },
});
