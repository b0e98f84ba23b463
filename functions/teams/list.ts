import { listTenantTeams } from '../../lib/app/teams.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listTeams', {
  params: TenantPath,
  query: Pagination,
  run: async ({ access, query }) => ok(await listTenantTeams(access, query)),
});
