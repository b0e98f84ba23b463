import { getMember } from '../../lib/app/members.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

export const handler = route('getMember', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    const member = await getMember(access, params.userId);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
