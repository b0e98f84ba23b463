import * as z from 'zod';
import { previewInvitation } from '../../lib/app/invitations.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Token } from '../../lib/http/schemas.ts';

export const handler = route('previewInvitation', {
  body: z.object({ token: Token }).strict(),
  run: async ({ body, now }) => ok(await previewInvitation(body.token, now)),
});
