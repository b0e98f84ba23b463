import * as z from 'zod';
import { startPasswordReset } from '../../lib/aws/identity.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { accepted } from '../../lib/http/reply.ts';
import { Email } from '../../lib/http/schemas.ts';

export const handler = publicRoute('forgotPassword', {
  body: z.object({ email: Email }).strict(),
  run: async ({ body }) => {
    await startPasswordReset(body.email);
    return accepted({ message: 'If this email has a login, a reset code is on its way.' });
  },
});
