import { changeStatus, RELEASE_MARGIN_MS } from '../../lib/app/lifecycle.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

export const handler = route('reactivateMember', {
  params: MemberPath,
  run: async ({ access, params, now, remainingMs }) => {
    // Back to active: their teams' queues drain (to them too, if they have room).
    const member = await changeStatus(access, params.userId, 'reactivate', now, {
      shouldStop: () => remainingMs() < RELEASE_MARGIN_MS,
    });
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
