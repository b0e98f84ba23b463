import { resetMemberMfa } from '../../lib/app/mfa.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

/** An admin turns off a member's two-factor authentication (lost device); their sessions end. */
export const handler = route('resetMemberMfa', {
  params: MemberPath,
  run: async ({ access, params, now }) => {
    await resetMemberMfa(access, params.userId, now);
    return noContent();
  },
});
