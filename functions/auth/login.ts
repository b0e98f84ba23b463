import * as z from 'zod';
import { signInPerson } from '../../lib/app/credentials.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email } from '../../lib/http/schemas.ts';

const Body = z.object({ email: Email, password: z.string().min(1).max(256) }).strict();

export const handler = publicRoute('login', {
  body: Body,
  run: async ({ body }) => ok(await signInPerson(body.email, body.password)),
});
