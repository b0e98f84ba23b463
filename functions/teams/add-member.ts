import * as z from 'zod';
import { drainBudget } from '../../lib/app/drain.ts';
import { addTeamMember } from '../../lib/app/teams.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamMemberPath } from '../../lib/http/schemas.ts';

/** No body, or an empty JSON object. */
const Body = z.object({}).strict().optional();

/** Idempotent: adding a current member changes nothing. Returns the member with their `teamIds`. */
export const handler = route('addTeamMember', {
  params: TeamMemberPath,
  body: Body,
  run: async ({ access, params, now, remainingMs }) => {
    const member = await addTeamMember(access, params.teamId, params.userId, now, drainBudget(remainingMs));
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
