import * as z from 'zod';
import { discover } from '../../lib/app/sso.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { Email } from '../../lib/http/schemas.ts';

const Body = z.object({ email: Email }).strict();

/** Same shape for every address: an unknown or unverified domain is an empty list, password allowed. */
export const handler = publicRoute('ssoDiscover', {
  body: Body,
  run: async ({ body, now }) => ok(await discover(body.email, now)),
});
