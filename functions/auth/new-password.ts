import * as z from 'zod';
import { answerNewPassword } from '../../lib/app/credentials.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email, Password } from '../../lib/http/schemas.ts';

const Body = z.object({ email: Email, session: z.string().min(1).max(8192), newPassword: Password }).strict();

export const handler = publicRoute('newPassword', {
  body: Body,
  run: async ({ body, now }) => ok(await answerNewPassword(body.email, body.session, body.newPassword, now)),
});
