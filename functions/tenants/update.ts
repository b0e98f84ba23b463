import * as z from 'zod';
import { changeTenant } from '../../lib/app/tenants.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { InactiveDays, TenantName, TenantPath } from '../../lib/http/schemas.ts';

/** Tenant admins rename and set the tenant's own settings; plan and seats belong to the platform routes. */
const Body = z
  .object({ name: TenantName.optional(), autoSuspendInactiveDays: InactiveDays.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one field to change');

export const handler = route('updateTenant', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const actor = { type: 'user', id: access.member.id } as const;
    const next = await changeTenant(access.tenant, body, actor, now, ifMatchVersion(headers));
    return ok(tenantView(next), { etag: etagOf(next.version) });
  },
});
