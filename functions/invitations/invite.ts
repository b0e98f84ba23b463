import * as z from 'zod';
import { inviteMember } from '../../lib/app/members.ts';
import { idempotencyFrom } from '../../lib/http/idempotency.ts';
import { reply } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberFields, TenantPath } from '../../lib/http/schemas.ts';

const Body = z.object(MemberFields).strict();

export const handler = route('inviteMember', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const idempotency = idempotencyFrom(headers, access, 'inviteMember', body);
    return reply(await inviteMember(access, body, now, idempotency));
  },
});
