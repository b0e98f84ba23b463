import { z } from 'zod';
import { listTenantMembers } from '../../lib/app/members.ts';
import { STATUSES } from '../../lib/domain/lifecycle.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, RoleName, TenantPath } from '../../lib/http/schemas.ts';

const Query = Pagination.extend({
  status: z.enum(STATUSES).optional(),
  role: RoleName.optional(),
  team: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional(),
}).strict();

export const handler = route('listMembers', {
  params: TenantPath,
  query: Query,
  run: async ({ access, query: { limit, cursor, ...filter } }) =>
    ok(await listTenantMembers(access, { limit, cursor }, filter)),
});
