import { resolve } from '../../lib/app/assignments.ts';
import { drainBudget } from '../../lib/app/drain.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath } from '../../lib/http/schemas.ts';

/** The inbox closed it: the assignment ends, capacity frees, the assignee's team queues drain. Idempotent. */
export const handler = route('resolveConversation', {
  params: ConversationPath,
  run: async ({ access, params, now, remainingMs }) => {
    await resolve(access, params.conversationId, now, drainBudget(remainingMs));
    return noContent();
  },
});
