import { listTeamMembers } from '../../lib/app/teams.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TeamPath } from '../../lib/http/schemas.ts';

export const handler = route('listTeamMembers', {
  params: TeamPath,
  query: Pagination,
  run: async ({ access, params, query }) => ok(await listTeamMembers(access, params.teamId, query)),
});
