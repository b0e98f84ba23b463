import { teamQueue } from '../../lib/app/assignments.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TeamPath } from '../../lib/http/schemas.ts';

/** The team's waiting conversations, oldest first, with when and why each queued. */
export const handler = route('listTeamQueue', {
  params: TeamPath,
  query: Pagination,
  run: async ({ access, params, query }) => ok(await teamQueue(access, params.teamId, query)),
});
