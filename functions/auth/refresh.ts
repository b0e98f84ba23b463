import * as z from 'zod';
import { refreshSession } from '../../lib/app/credentials.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';

export const handler = route('refresh', {
  body: z.object({ refreshToken: z.string().min(1).max(8192) }).strict(),
  run: async ({ body }) => ok(await refreshSession(body.refreshToken)),
});
