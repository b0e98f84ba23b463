import * as z from 'zod';
import { refreshSession } from '../../lib/app/credentials.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';

export const handler = publicRoute('refresh', {
  body: z.object({ refreshToken: z.string().min(1).max(8192) }).strict(),
  run: async ({ body }) => ok(await refreshSession(body.refreshToken)),
});
