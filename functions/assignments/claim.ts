import { claim } from '../../lib/app/assignments.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath } from '../../lib/http/schemas.ts';

/** The caller takes an unassigned (or team-queued) conversation; someone else's is a 409. */
export const handler = route('claimConversation', {
  params: ConversationPath,
  run: async ({ access, params, now }) => ok(await claim(access, params.conversationId, now)),
});
