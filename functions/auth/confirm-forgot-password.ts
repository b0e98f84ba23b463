import * as z from 'zod';
import { recoverPassword } from '../../lib/app/credentials.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { noContent } from '../../lib/http/reply.ts';
import { Email, Password } from '../../lib/http/schemas.ts';

/** `newPassword`, the same name as the first-login challenge's field. */
const Body = z.object({ email: Email, code: z.string().trim().min(1).max(64), newPassword: Password }).strict();

export const handler = publicRoute('confirmForgotPassword', {
  body: Body,
  run: async ({ body, now }) => {
    await recoverPassword(body.email, body.code, body.newPassword, now);
    return noContent();
  },
});
