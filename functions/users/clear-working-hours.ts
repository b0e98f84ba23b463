import { setWorkingHours } from '../../lib/app/working-hours.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

/** Back to "available whenever online": the person themselves, or someone with teams:manage. */
export const handler = route('clearWorkingHours', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    const member = await setWorkingHours(access, params.userId, null, now);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
