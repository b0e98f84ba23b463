import { addTeamMember } from '../../lib/app/teams.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamMemberPath } from '../../lib/http/schemas.ts';

/** Idempotent: adding a current member changes nothing. Returns the member with their `teamIds`. */
export const handler = route('addTeamMember', {
  params: TeamMemberPath,
  run: async ({ access, params, now }) => {
    const member = await addTeamMember(access, params.teamId, params.userId, now);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
