import * as z from 'zod';
import { createRole } from '../../lib/app/roles.ts';
import type { RoleView } from '../../lib/domain/records.ts';
import { idempotencyFrom } from '../../lib/http/idempotency.ts';
import { etagOf, reply } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { RoleFields, TenantPath } from '../../lib/http/schemas.ts';

const Body = z.object(RoleFields).strict();

export const handler = route('createRole', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const idempotency = idempotencyFrom(headers, access, 'createRole', body);
    const stored = await createRole(access, body, now, idempotency);
    const { id } = stored.body as RoleView;
    return {
      ...reply(stored),
      headers: { etag: etagOf(1), location: `/v1/tenants/${access.tenant.id}/roles/${id}` },
    };
  },
});
