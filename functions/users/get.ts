import { targetMember } from '../../lib/app/access.ts';
import { memberView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

/** Also the inbox backend's (platform twin): who a person is. */
export const handler = route('getMember', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    const member = await targetMember(access, params.userId);
    return ok(memberView(member, now), { etag: etagOf(member.version) });
  },
});
