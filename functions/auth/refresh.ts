import { z } from 'zod';
import { refreshTokens } from '../../lib/aws/identity.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';

export const handler = route('refresh', {
  body: z.object({ refreshToken: z.string().min(1).max(8192) }).strict(),
  run: async ({ body }) => ok(await refreshTokens(body.refreshToken)),
});
