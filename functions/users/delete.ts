import { deleteMember, RELEASE_MARGIN_MS } from '../../lib/app/lifecycle.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath } from '../../lib/http/schemas.ts';

export const handler = route('deleteMember', {
  params: MemberPath,
  run: async ({ access, params, now, remainingMs }) => {
    // Their conversations are released inline while time allows; the release job finishes the rest.
    await deleteMember(access, params.userId, now, { shouldStop: () => remainingMs() < RELEASE_MARGIN_MS });
    return noContent();
  },
});
