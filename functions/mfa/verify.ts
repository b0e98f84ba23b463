import * as z from 'zod';
import { finishTotpSetup } from '../../lib/app/mfa.ts';
import { unknownIdentity } from '../../lib/domain/identity.ts';
import { ok } from '../../lib/http/reply.ts';
import { route, signedIn } from '../../lib/http/route.ts';
import { TotpCode } from '../../lib/http/schemas.ts';

const Body = z.object({ code: TotpCode }).strict();

/** Step 2 of enrolment: the app's current code; from now on every sign-in asks for one. */
export const handler = route('verifyTotp', {
  body: Body,
  run: async ({ caller, identity, body, now }) => {
    const { id, bearer } = signedIn(caller);
    return ok(await finishTotpSetup(identity ?? unknownIdentity(id), bearer, body.code, now));
  },
});
