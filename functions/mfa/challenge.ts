import * as z from 'zod';
import { answerMfaChallenge } from '../../lib/app/mfa.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email, TotpCode } from '../../lib/http/schemas.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';

const Body = z.object({ email: Email, session: z.string().min(1).max(8192), code: TotpCode }).strict();

/** The sign-in's second step; also sets the refresh token as an HttpOnly cookie on `/v1/auth`, as sign-in does. */
export const handler = publicRoute('answerMfaChallenge', {
  body: Body,
  run: async ({ body, headers, now }) => {
    const result = await answerMfaChallenge(body.email, body.session, body.code, now);
    const token = 'refreshToken' in result ? result.refreshToken : undefined;
    return { ...ok(result), ...(token ? { cookies: [refreshCookie(token, headers)] } : {}) };
  },
});
