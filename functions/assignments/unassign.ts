import { unassign } from '../../lib/app/assignments.ts';
import { drainBudget } from '../../lib/app/drain.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath } from '../../lib/http/schemas.ts';

/**
 * Hand back: one's own conversation, or anyone's with conversations:assign. A team conversation goes
 * back to its queue (which drains), one without a team becomes unassigned; a queued one stays queued.
 */
export const handler = route('unassignConversation', {
  params: ConversationPath,
  run: async ({ access, params, now, remainingMs }) => {
    await unassign(access, params.conversationId, now, drainBudget(remainingMs));
    return noContent();
  },
});
