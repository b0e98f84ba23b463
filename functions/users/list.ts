import { z } from 'zod';
import { STATUSES } from '../../lib/domain/lifecycle.ts';
import { memberView } from '../../lib/domain/records.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, RoleName, TenantPath } from '../../lib/http/schemas.ts';
import { listMembers } from '../../lib/store/members.ts';

const Query = Pagination.extend({
  status: z.enum(STATUSES).optional(),
  role: RoleName.optional(),
  team: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional(),
}).strict();

/** Also the inbox backend's (platform twin): the tenant's people. */
export const handler = route('listMembers', {
  params: TenantPath,
  query: Query,
  run: async ({ access, query: { limit, cursor, ...filter } }) => {
    const page = await listMembers(access.tenant.id, { limit, cursor }, filter);
    return ok({ items: page.items.map(memberView), nextCursor: page.nextCursor });
  },
});
