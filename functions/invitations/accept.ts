import * as z from 'zod';
import { acceptInvitation } from '../../lib/app/invitations.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { PersonName, Token } from '../../lib/http/schemas.ts';

/** `password`: a new login's chosen one, or an existing login's own as proof; a bearer token is proof too. */
const Body = z
  .object({ token: Token, name: PersonName.optional(), password: z.string().min(1).max(256).optional() })
  .strict();

export const handler = publicRoute('acceptInvitation', {
  body: Body,
  run: async ({ body, headers, now }) => {
    const bearer = headers.authorization?.replace(/^Bearer\s+/i, '').trim() || undefined;
    return ok(await acceptInvitation({ ...body, bearer }, now));
  },
});
