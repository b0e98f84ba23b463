import { z } from 'zod';
import { confirmPasswordReset } from '../../lib/aws/identity.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Email, Password } from '../../lib/http/schemas.ts';

const Body = z.object({ email: Email, code: z.string().trim().min(1).max(64), password: Password }).strict();

export const handler = route('confirmForgotPassword', {
  body: Body,
  run: async ({ body }) => {
    await confirmPasswordReset(body.email, body.code, body.password);
    return noContent();
  },
});
