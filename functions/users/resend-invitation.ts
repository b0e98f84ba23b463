import { resendInvitation } from '../../lib/app/lifecycle.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

export const handler = route('resendInvitation', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    const member = await resendInvitation(access, params.userId, now);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
