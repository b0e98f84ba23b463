import * as z from 'zod';
import { reinviteOwner } from '../../lib/app/tenants.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Email, PersonName, TenantPath } from '../../lib/http/schemas.ts';

/** `{}` re-sends the owner's invitation; `{email, name}` invites a new owner while none has joined. */
const Body = z.object({ email: Email.optional(), name: PersonName.optional() }).strict().optional();

export const handler = route('platformOwnerInvitation', {
  params: TenantPath,
  body: Body,
  run: async ({ params, body, caller, now }) => {
    const principal = caller.kind === 'platform' ? caller.principal : 'platform';
    return ok(await reinviteOwner(params.tenantId, body ?? {}, { type: 'platform', id: principal }, now));
  },
});
