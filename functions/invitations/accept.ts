import { z } from 'zod';
import { acceptInvitation } from '../../lib/app/invitations.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Password, PersonName, Token } from '../../lib/http/schemas.ts';

const Body = z.object({ token: Token, name: PersonName.optional(), password: Password.optional() }).strict();

export const handler = route('acceptInvitation', {
  body: Body,
  run: async ({ body, now }) => ok(await acceptInvitation(body, now)),
});
