import { tenantView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('getTenant', {
  params: TenantPath,
  run: async ({ access }) => ok(tenantView(access.tenant), { etag: etagOf(access.tenant.version) }),
});
