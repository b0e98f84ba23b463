import { memberView, tenantView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('getMyMembership', {
  params: TenantPath,
  run: async ({ access: { member, tenant, permissions }, now }) =>
    ok(
      {
        ...memberView(member, now),
        owner: tenant.ownerId === member.id,
        permissions,
        tenant: tenantView(tenant),
      },
      { etag: etagOf(member.version) },
    ),
});
