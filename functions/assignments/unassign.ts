import { unassign } from '../../lib/app/assignments.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath } from '../../lib/http/schemas.ts';

/** One's own conversation, or anyone's with conversations:assign; a team conversation goes back to its queue. */
export const handler = route('unassignConversation', {
  params: ConversationPath,
  run: async ({ access, params, now }) => {
    await unassign(access, params.conversationId, now);
    return noContent();
  },
});
