import { deleteMember } from '../../lib/app/lifecycle.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

export const handler = route('deleteMember', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    await deleteMember(access, params.userId, now);
    return noContent();
  },
});
