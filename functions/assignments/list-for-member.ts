import { memberQueue } from '../../lib/app/assignments.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { MemberPath, Pagination } from '../../lib/http/schemas.ts';

/** One's own queue, or anyone's with conversations:view (the route's `self` rule); oldest first. */
export const handler = route('listMemberAssignments', {
  params: MemberPath,
  query: Pagination,
  run: async ({ access, params, query }) => ok(await memberQueue(access, params.userId, query)),
});
