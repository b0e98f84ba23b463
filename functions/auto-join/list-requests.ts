import { listTenantJoinRequests } from '../../lib/app/auto-join.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listJoinRequests', {
  params: TenantPath,
  query: Pagination,
  run: async ({ access, query }) => ok(await listTenantJoinRequests(access, query)),
});
