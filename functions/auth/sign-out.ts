import * as z from 'zod';
import { signOut } from '../../lib/app/credentials.ts';
import { unknownIdentity } from '../../lib/domain/identity.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route, signedIn } from '../../lib/http/route.ts';

const Body = z.union([
  z.object({ refreshToken: z.string().min(1).max(8192) }).strict(),
  z.object({ everywhere: z.literal(true) }).strict(),
]);

/** `{refreshToken}` ends this session; `{everywhere: true}` ends every session of the login. */
export const handler = route('signOut', {
  body: Body,
  run: async ({ caller, identity, body, now }) => {
    const { id } = signedIn(caller);
    await signOut(identity ?? unknownIdentity(id), body, now);
    return noContent();
  },
});
