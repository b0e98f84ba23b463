import * as z from 'zod';
import { previewInvitation } from '../../lib/app/invitations.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Token } from '../../lib/http/schemas.ts';

export const handler = publicRoute('previewInvitation', {
  body: z.object({ token: Token }).strict(),
  run: async ({ body, now }) => ok(await previewInvitation(body.token, now)),
});
