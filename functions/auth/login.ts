import * as z from 'zod';
import { signInPerson } from '../../lib/app/credentials.ts';
import { passwordRefusal } from '../../lib/app/sso-policy.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email } from '../../lib/http/schemas.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';

const Body = z.object({ email: Email, password: z.string().min(1).max(256) }).strict();

/** Also sets the refresh token as an HttpOnly cookie on `/v1/auth` (lib/http/session-cookie.ts). */
export const handler = publicRoute('login', {
  body: Body,
  run: async ({ body, headers, now }) => {
    // sso.required: judged once the password is proven (nobody learns more than discovery tells), before any
    // token or two-factor challenge leaves.
    const result = await signInPerson(body.email, body.password, now, (loginId) =>
      passwordRefusal(loginId, body.email, now),
    );
    const token = 'refreshToken' in result ? result.refreshToken : undefined;
    return { ...ok(result), ...(token ? { cookies: [refreshCookie(token, headers)] } : {}) };
  },
});
