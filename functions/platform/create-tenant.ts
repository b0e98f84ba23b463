import * as z from 'zod';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { created, etagOf } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Email, PersonName, Plan, SeatLimit, TenantId, TenantName } from '../../lib/http/schemas.ts';

const Body = z
  .object({
    id: TenantId.optional(),
    name: TenantName,
    plan: Plan,
    seatLimit: SeatLimit.nullable().optional(),
    owner: z.object({ email: Email, name: PersonName }).strict(),
  })
  .strict();

export const handler = route('platformCreateTenant', {
  body: Body,
  run: async ({ body, caller, now }) => {
    const principal = caller.kind === 'platform' ? caller.principal : 'platform';
    const tenant = await provisionTenant(body, { type: 'platform', id: principal }, now);
    return created(tenant, { etag: etagOf(1), location: `/v1/platform/tenants/${tenant.id}` });
  },
});
