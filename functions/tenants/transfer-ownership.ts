import * as z from 'zod';
import { transferOwnership } from '../../lib/app/ownership.ts';
import { tenantView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath, TenantPath } from '../../lib/http/schemas.ts';

/** Only the owner; the new owner must be an active admin. */
const Body = z.object({ memberId: MemberPath.shape.userId }).strict();

export const handler = route('transferOwnership', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, now }) => {
    const tenant = await transferOwnership(access, body.memberId, now);
    return ok(tenantView(tenant), { etag: etagOf(tenant.version) });
  },
});
