import * as z from 'zod';
import { assignToMember, assignToTeam } from '../../lib/app/assignments.ts';
import { drainBudget } from '../../lib/app/drain.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath, MemberPath, TeamId } from '../../lib/http/schemas.ts';

/** Exactly one of: a person, or a team whose strategy picks (or queues). */
const Body = z.union([
  z.object({ assigneeId: MemberPath.shape.userId }).strict(),
  z.object({ teamId: TeamId }).strict(),
]);

export const handler = route('assignConversation', {
  params: ConversationPath,
  body: Body,
  run: async ({ access, params, body, now, remainingMs }) => {
    const budget = drainBudget(remainingMs);
    return ok(
      'assigneeId' in body
        ? await assignToMember(access, params.conversationId, body.assigneeId, now, budget)
        : await assignToTeam(access, params.conversationId, body.teamId, now, budget),
    );
  },
});
