import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';

export const handler = route('health', {
  run: async ({ now }) => ok({ status: 'ok', time: now.toISOString() }),
});
