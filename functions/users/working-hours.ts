import { setWorkingHours } from '../../lib/app/working-hours.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath, WorkingHours } from '../../lib/http/schemas.ts';

/** The person themselves (any active member), or someone with teams:manage — the route's `self` rule. */
export const handler = route('setWorkingHours', {
  params: MemberPath,
  body: WorkingHours,
  run: async ({ access, params, body, now }) => {
    const member = await setWorkingHours(access, params.userId, body, now);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
