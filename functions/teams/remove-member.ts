import { removeTeamMember } from '../../lib/app/teams.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamMemberPath } from '../../lib/http/schemas.ts';

export const handler = route('removeTeamMember', {
  params: TeamMemberPath,
  run: async ({ access, params, now }) => {
    await removeTeamMember(access, params.teamId, params.userId, now);
    return noContent();
  },
});
