import * as z from 'zod';
import { drainBudget } from '../../lib/app/drain.ts';
import { setAvailability } from '../../lib/app/teams.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Availability, MemberPath } from '../../lib/http/schemas.ts';

const Body = z.object({ availability: Availability }).strict();

/**
 * The person themselves (any active member), or someone with teams:manage — the route's `self` rule.
 * Online drains their teams' queues; away starts the teams' away release.
 */
export const handler = route('setAvailability', {
  params: MemberPath,
  body: Body,
  run: async ({ access, params, body, now, remainingMs }) => {
    const member = await setAvailability(access, params.userId, body.availability, now, drainBudget(remainingMs));
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
