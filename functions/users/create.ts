import * as z from 'zod';
import { createMember } from '../../lib/app/members.ts';
import { idempotencyFrom } from '../../lib/http/idempotency.ts';
import { reply } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberFields, Password, PersonName, TenantPath } from '../../lib/http/schemas.ts';

const Body = z
  .object({
    ...MemberFields,
    name: PersonName,
    password: Password.optional(),
    /** false: the initial password is the person's own (no change at first sign-in). */
    temporaryPassword: z.boolean().optional(),
  })
  .strict();

export const handler = route('createMember', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const { password: _secret, ...fingerprint } = body;
    const idempotency = idempotencyFrom(headers, access, 'createMember', fingerprint);
    return reply(await createMember(access, body, now, idempotency));
  },
});
