import { requireTeam } from '../../lib/app/teams.ts';
import { teamView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamPath } from '../../lib/http/schemas.ts';

export const handler = route('getTeam', {
  params: TeamPath,
  run: async ({ access, params }) => {
    const team = await requireTeam(access, params.teamId);
    return ok(teamView(team), { etag: etagOf(team.version) });
  },
});
