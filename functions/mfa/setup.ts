import { startTotpSetup } from '../../lib/app/mfa.ts';
import { unknownIdentity } from '../../lib/domain/identity.ts';
import { ok } from '../../lib/http/reply.ts';
import { route, signedIn } from '../../lib/http/route.ts';

/** Step 1 of enrolment: a new TOTP secret (Cognito's) and its otpauth URI for the QR code. Nothing is on yet. */
export const handler = route('setupTotp', {
  run: async ({ caller, identity }) => {
    const { id, bearer } = signedIn(caller);
    const email = caller.kind === 'user' ? caller.email : undefined;
    return ok(await startTotpSetup(identity ?? unknownIdentity(id), bearer, email));
  },
});
