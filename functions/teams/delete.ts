import { deleteTeam } from '../../lib/app/teams.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamPath } from '../../lib/http/schemas.ts';

/** Refused with 409 while the team still has members. */
export const handler = route('deleteTeam', {
  params: TeamPath,
  run: async ({ access, params, headers, now }) => {
    await deleteTeam(access, params.teamId, now, ifMatchVersion(headers));
    return noContent();
  },
});
