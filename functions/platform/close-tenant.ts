import { changeTenant } from '../../lib/app/tenants.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { requireTenant } from '../../lib/store/tenants.ts';

/** Closing keeps every record (audit included); members lose access at once. PATCH status 'active' reopens. */
export const handler = route('platformCloseTenant', {
  params: TenantPath,
  run: async ({ params, caller, now }) => {
    const principal = caller.kind === 'platform' ? caller.principal : 'platform';
    const current = await requireTenant(params.tenantId);
    const closed = await changeTenant(current, { status: 'closed' }, { type: 'platform', id: principal }, now);
    return ok(tenantView(closed), { etag: etagOf(closed.version) });
  },
});
