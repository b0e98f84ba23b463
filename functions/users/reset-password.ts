import * as z from 'zod';
import { resetPassword } from '../../lib/app/lifecycle.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath, Password } from '../../lib/http/schemas.ts';

/** `temporary` (default true): the person must choose a new password at next sign-in. */
const Body = z.object({ password: Password, temporary: z.boolean().optional() }).strict();

export const handler = route('resetMemberPassword', {
  params: MemberPath,
  body: Body,
  run: async ({ access, params, body, now }) => {
    await resetPassword(access, params.userId, body, now);
    return noContent();
  },
});
