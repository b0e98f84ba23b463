import * as z from 'zod';
import { drainBudget } from '../../lib/app/drain.ts';
import { updateTeam } from '../../lib/app/teams.ts';
import { teamView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamFields, TeamPath } from '../../lib/http/schemas.ts';

const Body = z.object(TeamFields).partial().strict();

export const handler = route('updateTeam', {
  params: TeamPath,
  body: Body,
  run: async ({ access, params, body, headers, now, remainingMs }) => {
    // A raised capacity or a changed strategy drains the queue in this request.
    const team = await updateTeam(access, params.teamId, body, now, ifMatchVersion(headers), drainBudget(remainingMs));
    return ok(teamView(team), { etag: etagOf(team.version) });
  },
});
