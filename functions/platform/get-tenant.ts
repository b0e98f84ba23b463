import { tenantView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { requireTenant } from '../../lib/store/tenants.ts';

export const handler = route('platformGetTenant', {
  params: TenantPath,
  run: async ({ params }) => {
    const tenant = await requireTenant(params.tenantId);
    return ok(tenantView(tenant), { etag: etagOf(tenant.version) });
  },
});
