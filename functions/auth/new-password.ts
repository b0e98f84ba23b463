import * as z from 'zod';
import { answerNewPassword } from '../../lib/app/credentials.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email, Password } from '../../lib/http/schemas.ts';
import { refreshCookie } from '../../lib/http/session-cookie.ts';

const Body = z.object({ email: Email, session: z.string().min(1).max(8192), newPassword: Password }).strict();

/** Also sets the refresh token as an HttpOnly cookie on `/v1/auth` (lib/http/session-cookie.ts). */
export const handler = publicRoute('newPassword', {
  body: Body,
  run: async ({ body, headers, now }) => {
    const result = await answerNewPassword(body.email, body.session, body.newPassword, now);
    const token = 'refreshToken' in result ? result.refreshToken : undefined;
    return { ...ok(result), ...(token ? { cookies: [refreshCookie(token, headers)] } : {}) };
  },
});
