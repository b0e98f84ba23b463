import * as z from 'zod';
import { changePassword } from '../../lib/app/credentials.ts';
import { unknownIdentity } from '../../lib/domain/identity.ts';
import { ok } from '../../lib/http/reply.ts';
import { route, signedIn } from '../../lib/http/route.ts';
import { Password } from '../../lib/http/schemas.ts';

const Body = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }).strict();

/** The signed-in person's own password; every other session ends, fresh tokens come back. */
export const handler = route('changePassword', {
  body: Body,
  run: async ({ caller, identity, body, now }) => {
    const { id, bearer } = signedIn(caller);
    return ok(await changePassword(identity ?? unknownIdentity(id), bearer, body, now));
  },
});
