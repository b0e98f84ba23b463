import { readAssignment } from '../../lib/app/assignments.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ConversationPath } from '../../lib/http/schemas.ts';

export const handler = route('getAssignment', {
  params: ConversationPath,
  run: async ({ access, params }) => ok(await readAssignment(access, params.conversationId)),
});
