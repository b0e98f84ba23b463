/**
 * A person's own credentials (DESIGN §2a rules 4 and 7): sign-in that never
 * hands out an already-revoked token, Roster's first-login new-password step,
 * refresh, self-service password change, forgot-password, sign-out. Every
 * credential change stamps the login's `tokensValidAfter` and is audited in
 * each tenant where the login has joined, in one transaction.
 */
import {
  changeOwnPassword,
  confirmPasswordReset,
  findLogin,
  refreshTokens,
  revokeRefreshToken,
  type SignIn,
  setPassword,
  signIn,
  signOutEverywhere,
} from '../aws/identity.ts';
import { readClaims, tokenClaims, verifyAccessToken } from '../aws/jwt.ts';
import { DomainError } from '../domain/errors.ts';
import {
  expiredRefusals,
  freshAfter,
  type IdentityState,
  sessionRevoked,
  sessionStale,
  startedBefore,
  type TokenTimes,
  tokensToRefuse,
  unknownIdentity,
} from '../domain/identity.ts';
import { type Actor, auditPut } from '../store/audit.ts';
import { getIdentity, type IdentityPatch, identityUpdate } from '../store/identities.ts';
import { membersOfIdentity, refuseTokens } from '../store/members.ts';
import type { TxItem } from '../store/transact.ts';
import { transact } from '../store/transact.ts';
import { rememberChallenge } from './mfa.ts';

const badCredentials = () => new DomainError('unauthenticated', 'Incorrect email or password.');

/** One audit item per tenant the login has joined: every one of them sees its credential events. */
export function credentialAudit(
  identity: IdentityState,
  action: string,
  actor: Actor,
  at: string,
  after: Record<string, unknown> = {},
): TxItem[] {
  return identity.acceptedTenants.map((tenantId) =>
    auditPut({ tenantId, actor, action, target: { type: 'member', id: identity.id }, after, at }),
  );
}

/** Stamps the login (sessions before `now` end), with `patch` and the audit items, as ONE transaction. */
export async function recordCredentialChange(
  identity: IdentityState,
  action: string,
  actor: Actor,
  now: Date,
  patch: IdentityPatch = {},
  after: Record<string, unknown> = {},
): Promise<void> {
  const update = identityUpdate(identity.id, { ...patch, revokeSessionsAt: now.getTime() });
  await transact([...(update ? [update] : []), ...credentialAudit(identity, action, actor, now.toISOString(), after)]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tokens carry their sign-in time in whole seconds: right after a credential
 * change (or a tenant's own stamp, rule 11), a fresh sign-in in the same
 * second would look stale. Such a sign-in
 * waits for the next second (at most one) and signs in again.
 */
export async function freshTokens(identity: IdentityState | undefined, again: () => Promise<SignIn>, first: SignIn) {
  if (!('accessToken' in first) || !identity) return first;
  const after = freshAfter(identity);
  if (!startedBefore(after, tokenClaims(readClaims(first.accessToken)))) return first;
  await sleep(Math.max(0, Math.ceil(after / 1000) * 1000 - Date.now()) + 20);
  return again();
}

/**
 * Email and password → tokens. A login whose password an admin set answers
 * Roster's own NEW_PASSWORD_REQUIRED challenge (its session is the access
 * token, good for nothing but that step). Cognito's own challenge never counts.
 */
export async function signInPerson(
  email: string,
  password: string,
  now: Date = new Date(),
  refusal?: (loginId: string) => Promise<DomainError | undefined>,
): Promise<SignIn> {
  const first = await signIn(email, password);
  // The login has TOTP: no tokens before the code (POST /v1/auth/mfa/challenge answers this very sign-in).
  if ('challenge' in first && first.challenge === 'SOFTWARE_TOKEN_MFA') {
    const login = await findLogin(email);
    if (!login) throw badCredentials();
    // A password the policy refuses (sso.required) gets no challenge either: refused before it is recorded.
    const refused = await refusal?.(login.id);
    if (refused) throw refused;
    return rememberChallenge(first, login.id, now);
  }
  if (!('accessToken' in first)) throw badCredentials();
  const { sub } = tokenClaims(readClaims(first.accessToken));
  const refused = sub ? await refusal?.(sub) : undefined;
  if (refused) throw refused;
  const identity = sub ? await getIdentity(sub) : undefined;
  const result = await freshTokens(identity, () => signIn(email, password), first);
  if (!('accessToken' in result)) throw badCredentials();
  if (identity?.mustChangePassword) {
    // An admin's reset stamps the login (its sessions end); a login created with a password has never been stamped.
    const reason = identity.tokensValidAfter > 0 ? 'admin-reset' : 'first-sign-in';
    return { challenge: 'NEW_PASSWORD_REQUIRED', session: result.accessToken, reason };
  }
  return result;
}

/** Whether `password` still signs `email` in: the password an admin set, which the person must not keep. */
async function stillSignsIn(email: string, password: string): Promise<boolean> {
  try {
    const result = await signIn(email, password);
    // A login with TOTP is asked for its code only once the password was right.
    return 'accessToken' in result || ('challenge' in result && result.challenge === 'SOFTWARE_TOKEN_MFA');
  } catch {
    return false;
  }
}

/** Roster's first-login step: the person replaces the password an admin set. */
export async function answerNewPassword(email: string, session: string, newPassword: string, now: Date) {
  const claims = await verifyAccessToken(session);
  const identity = claims?.sub ? await getIdentity(claims.sub) : undefined;
  const login = claims?.sub ? await findLogin(email) : undefined;
  if (!claims || !identity?.mustChangePassword || login?.id !== identity.id || sessionStale(identity, claims)) {
    throw new DomainError('unauthenticated', 'The sign-in session is invalid or expired; sign in again.');
  }
  // The point of the step is a password only the person knows: the admin's own is refused (nothing is written).
  if (await stillSignsIn(email, newPassword)) {
    throw new DomainError('validation-failed', 'Choose a password different from the one you were given.', {
      errors: [{ path: 'body.newPassword', message: 'This is the password you were given; choose your own.' }],
    });
  }
  await setPassword(identity.id, newPassword);
  const actor: Actor = { type: 'user', id: identity.id };
  await recordCredentialChange(identity, 'identity.password_changed', actor, now, {
    mustChangePassword: false,
    hasPassword: true,
  });
  const stamped = { ...identity, tokensValidAfter: now.getTime() };
  const next = await freshTokens(stamped, () => signIn(email, newPassword), await signIn(email, newPassword));
  return rememberChallenge(next, identity.id, now);
}

/**
 * New tokens for a session that is still valid. A refresh token from before
 * the login's last credential change is refused: by its own issue time where
 * it shows one, else by the session's original sign-in time (Cognito keeps
 * `auth_time` across refreshes; in AWS the token is revoked as well).
 *
 * A tenant that ended this session (DESIGN §2a rule 11) never refuses the
 * refresh — the person's other tenants keep it — but the new tokens must not
 * bring that tenant back: where the refresh restarted `auth_time`
 * (cognito-local), that tenant records the new tokens' ids as refused.
 */
export async function refreshSession(refreshToken: string, now: Date = new Date()): Promise<SignIn> {
  const result = await refreshTokens(refreshToken);
  if (!('accessToken' in result)) throw badCredentials();
  const claims = tokenClaims(readClaims(result.accessToken));
  const identity = claims.sub ? await getIdentity(claims.sub) : undefined;
  if (identity) {
    const issued = tokenClaims(readClaims(refreshToken)).issuedAt;
    const sessionStart = issued === undefined ? claims : { authTime: Math.min(issued, claims.authTime ?? issued) };
    if (sessionStale(identity, sessionStart) || identity.mustChangePassword) throw sessionRevoked();
    if ((claims.authTime ?? 0) > (sessionStart.authTime ?? 0)) {
      await refuseInEndedTenants(identity, sessionStart, [claims, tokenClaims(readClaims(result.idToken))], now);
    }
  }
  return result;
}

/** Rule 11 across a refresh that restarted `auth_time`: each tenant that ended the session refuses the new tokens. */
async function refuseInEndedTenants(
  identity: IdentityState,
  sessionStart: TokenTimes,
  issued: (TokenTimes & { expiresAt?: number })[],
  now: Date,
): Promise<void> {
  if (identity.acceptedTenants.length === 0) return;
  const members = await membersOfIdentity(identity.id);
  await Promise.all(
    members.map(async (member) => {
      const refuse = tokensToRefuse(member, sessionStart, issued);
      if (refuse.length > 0) await refuseTokens(member, refuse, expiredRefusals(member.refusedTokens, now.getTime()));
    }),
  );
}

/** The signed-in person changes their password; every other session ends. Returns fresh tokens. */
export async function changePassword(
  identity: IdentityState,
  bearer: string,
  input: { currentPassword: string; newPassword: string },
  now: Date,
): Promise<SignIn> {
  await changeOwnPassword(bearer, input.currentPassword, input.newPassword);
  const actor: Actor = { type: 'user', id: identity.id };
  await recordCredentialChange(identity, 'identity.password_changed', actor, now, {
    hasPassword: true,
    mustChangePassword: false,
  });
  const stamped = { ...identity, tokensValidAfter: now.getTime() };
  const again = () => signIn(identity.id, input.newPassword);
  // A login with TOTP gets the code step (answerable: remembered for this login), not tokens.
  return rememberChallenge(await freshTokens(stamped, again, await again()), identity.id, now);
}

/** Ends this session (its refresh token), or every session of the login. */
export async function signOut(
  identity: IdentityState,
  input: { refreshToken?: string; everywhere?: boolean },
  now: Date,
): Promise<void> {
  if (input.refreshToken) await revokeRefreshToken(input.refreshToken);
  if (!input.everywhere) return;
  await recordCredentialChange(identity, 'identity.signed_out_everywhere', { type: 'user', id: identity.id }, now);
  await signOutEverywhere(identity.id);
}

/** Forgot-password, confirmed with the mailed code: the new password ends every session. */
export async function recoverPassword(email: string, code: string, newPassword: string, now: Date): Promise<void> {
  await confirmPasswordReset(email, code, newPassword);
  const login = await findLogin(email);
  if (!login) return;
  const known = (await getIdentity(login.id)) ?? unknownIdentity(login.id);
  await recordCredentialChange(known, 'identity.password_recovered', { type: 'user', id: login.id }, now, {
    hasPassword: true,
    mustChangePassword: false,
    // The code was mailed to this address: the person proved it is theirs (auto-join trusts it).
    emailProven: email,
  });
  await signOutEverywhere(login.id);
}
