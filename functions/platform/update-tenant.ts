import * as z from 'zod';
import { changeTenant } from '../../lib/app/tenants.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Plan, SeatLimit, TenantName, TenantPath } from '../../lib/http/schemas.ts';
import { requireTenant } from '../../lib/store/tenants.ts';

const Body = z
  .object({
    name: TenantName.optional(),
    plan: Plan.optional(),
    /** null returns the tenant to its plan's limit. */
    seatLimit: SeatLimit.nullable().optional(),
    /** 'active' reopens a closed tenant; closing is DELETE. */
    status: z.literal('active').optional(),
  })
  .strict();

export const handler = route('platformUpdateTenant', {
  params: TenantPath,
  body: Body,
  run: async ({ params, body, headers, caller, now }) => {
    const current = await requireTenant(params.tenantId);
    const principal = caller.kind === 'platform' ? caller.principal : 'platform';
    const next = await changeTenant(current, body, { type: 'platform', id: principal }, now, ifMatchVersion(headers));
    return ok(tenantView(next), { etag: etagOf(next.version) });
  },
});
