import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';

export const handler = publicRoute('health', {
  run: async ({ now }) => ok({ status: 'ok', time: now.toISOString() }),
});
