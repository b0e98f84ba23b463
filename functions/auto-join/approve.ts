import { approveJoinRequest } from '../../lib/app/auto-join.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { JoinRequestPath } from '../../lib/http/schemas.ts';

/** The person joins with the default role (seat permitting), the request and its answer one transaction. */
export const handler = route('approveJoinRequest', {
  params: JoinRequestPath,
  run: async ({ access, params, now }) => ok(await approveJoinRequest(access, params.requestId, now)),
});
