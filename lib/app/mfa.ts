/**
 * Two-factor authentication (DESIGN §1 "Enterprise sign-in"): TOTP through
 * Cognito's own software-token MFA. Cognito holds the secret and checks every
 * code (enrolment and sign-in); Roster records on the login's IDENTITY item
 * that it is enrolled (`mfaEnrolledAt`, read in the authorisation round trip
 * for the tenants' policies), binds each sign-in challenge to the password
 * step that issued it (lib/store/mfa-challenges.ts), and lets an admin reset
 * a member's factor under the reset-password rules (§2a rules 1, 2, 4, 7).
 *
 * Enrolment and its reset are the login's, not one tenant's: like a password
 * change they are audited in every tenant where the login has joined
 * (`identity.mfa_enrolled`), and an admin's reset in that tenant
 * (`member.mfa_reset`, the only tenant that may do it: it manages the login).
 */
import {
  answerTotpChallenge,
  associateTotp,
  clearTotp,
  findLogin,
  type SignIn,
  signOutEverywhere,
  verifyTotp,
} from '../aws/identity.ts';
import { readClaims, tokenClaims } from '../aws/jwt.ts';
import { conflict, forbidden } from '../domain/errors.ts';
import { assertManaged, freshAfter, type IdentityState, isAccepted } from '../domain/identity.ts';
import { otpauthUri } from '../domain/mfa.ts';
import { auditPut } from '../store/audit.ts';
import { getIdentity, identityUpdate } from '../store/identities.ts';
import { challengeRefused, claimAttempt, recordChallenge, spendChallenge } from '../store/mfa-challenges.ts';
import { transact } from '../store/transact.ts';
import { actOn, actorOf } from './access.ts';
import { credentialAudit } from './credentials.ts';
import type { TenantAccess } from './tenant-access.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const alreadyEnrolled = () =>
  conflict(
    'Two-factor authentication is already set up for this login. To move it to a new device, ask an admin to reset it.',
  );

/** Step 1: a new secret for the signed-in login, and the URI its QR code shows. */
export async function startTotpSetup(
  identity: IdentityState,
  bearer: string,
  email: string | undefined,
): Promise<{ secret: string; otpauthUri: string }> {
  // A second association would replace the secret Cognito checks at sign-in with one not yet confirmed.
  if (identity.mfaEnrolledAt) throw alreadyEnrolled();
  const secret = await associateTotp(bearer);
  return { secret, otpauthUri: otpauthUri(email ?? identity.email ?? identity.id, secret) };
}

/** Step 2: the app's first code confirms the secret; from now on every sign-in asks for a code. */
export async function finishTotpSetup(
  identity: IdentityState,
  bearer: string,
  code: string,
  now: Date,
): Promise<{ enrolled: true; enrolledAt: string }> {
  if (identity.mfaEnrolledAt) throw alreadyEnrolled();
  await verifyTotp(bearer, code);
  const at = now.toISOString();
  const update = identityUpdate(identity.id, { mfaEnrolledAt: at });
  await transact([
    ...(update ? [update] : []),
    ...credentialAudit(identity, 'identity.mfa_enrolled', { type: 'user', id: identity.id }, at, { method: 'totp' }),
  ]);
  return { enrolled: true, enrolledAt: at };
}

/** The password step answered SOFTWARE_TOKEN_MFA: remembered so that only this sign-in can answer it. */
export async function rememberChallenge(result: SignIn, loginId: string, now: Date): Promise<SignIn> {
  if ('challenge' in result && result.challenge === 'SOFTWARE_TOKEN_MFA') {
    await recordChallenge(result.session, loginId, now);
  }
  return result;
}

/**
 * The sign-in's second step: tokens for the right code on a challenge Roster
 * issued to this login, at most once. A wrong code counts against the
 * challenge (lib/store/mfa-challenges.ts) and is 401 `mfa-required`.
 */
export async function answerMfaChallenge(email: string, session: string, code: string, now: Date): Promise<SignIn> {
  const login = await findLogin(email);
  if (!login) throw challengeRefused();
  await claimAttempt(session, login.id, now);
  const identity = await getIdentity(login.id);
  // Tokens carry whole seconds: one issued in the second of a credential change would look revoked.
  const after = identity ? freshAfter(identity) : 0;
  const wait = after > 0 ? Math.ceil(after / 1000) * 1000 - Date.now() : 0;
  if (wait > 0) await sleep(wait + 20);
  const result = await answerTotpChallenge(login.id, session, code);
  if (!(await spendChallenge(session))) throw challengeRefused();
  if (!('accessToken' in result)) throw challengeRefused();
  if (identity?.mustChangePassword) {
    const reason = identity.tokensValidAfter > 0 ? 'admin-reset' : 'first-sign-in';
    return { challenge: 'NEW_PASSWORD_REQUIRED', session: result.accessToken, reason };
  }
  // Guard: never hand out a token the login's stamp already refuses.
  const claims = tokenClaims(readClaims(result.accessToken));
  if (identity && after > 0 && (claims.authTime ?? claims.issuedAt ?? 0) * 1000 < after) throw challengeRefused();
  return result;
}

/**
 * An admin resets a member's two-factor authentication (the person lost their
 * device): dominance as for a password (only the owner resets the owner's),
 * only for a login this tenant manages, audited, every session of the login
 * ended; the person sets it up again at their next sign-in.
 */
export async function resetMemberMfa(access: TenantAccess, memberId: string, now: Date): Promise<void> {
  if (memberId === access.member.id) {
    throw forbidden(
      'Your own two-factor authentication is reset by another admin of a tenant that manages your login.',
    );
  }
  const { member, identity } = await actOn(access, memberId, 'password');
  if (!isAccepted(member.status)) throw forbidden('This person has not joined yet.');
  assertManaged(identity, access.tenant.id, 'two-factor authentication');
  if (!identity.mfaEnrolledAt) throw conflict('This person has not set up two-factor authentication.');
  // Cognito first: a retry after a failed write still finds the login enrolled and clears it again.
  await clearTotp(member.id);
  const update = identityUpdate(member.id, {
    mfaEnrolledAt: null,
    revokeSessionsAt: now.getTime(),
    expectVersion: identity.version,
  });
  await transact([
    ...(update ? [update] : []),
    auditPut({
      tenantId: access.tenant.id,
      actor: actorOf(access),
      action: 'member.mfa_reset',
      target: { type: 'member', id: member.id },
      after: { mfaEnrolled: false, sessionsRevoked: true },
      at: now.toISOString(),
    }),
  ]);
  await signOutEverywhere(member.id);
}
