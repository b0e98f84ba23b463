import { denyTenantJoinRequest } from '../../lib/app/auto-join.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { JoinRequestPath } from '../../lib/http/schemas.ts';

export const handler = route('denyJoinRequest', {
  params: JoinRequestPath,
  run: async ({ access, params, now }) => {
    await denyTenantJoinRequest(access, params.requestId, now);
    return noContent();
  },
});
