/**
 * An SSO identity meets an existing Roster login (docs/sso-oidc.md, "Moving
 * existing members to SSO"; DESIGN §2a rules 2, 3, 7, 11, 13). The IdP's
 * email alone never links (rule 13):
 *
 * - a login the connection's tenant MANAGES (rule 2: it created the login and
 *   the login has joined no other tenant) of an active member, not the owner,
 *   is bound at the first SSO sign-in — the tenant could set its password
 *   anyway, so this gives it no new power;
 * - any other login of an active member is bound only once the person proves
 *   it is theirs (rule 3): the callback stores a pending link (connection,
 *   subject, login — single use, 10 minutes, 5 password tries) and the
 *   browser confirms with the login's password (and its two-factor code,
 *   when it has one) at POST /v1/auth/sso/link.
 *
 * A login binds to at most one subject per connection. Every binding is one
 * transaction with its audit item in each tenant the login has joined.
 */
import { randomBytes } from 'node:crypto';
import { answerTotpChallenge, revokeRefreshToken, type SignIn, signIn } from '../aws/identity.ts';
import { DomainError } from '../domain/errors.ts';
import { type IdentityState, tenantManages, unknownIdentity } from '../domain/identity.ts';
import type { TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from '../store/audit.ts';
import { getIdentity } from '../store/identities.ts';
import { keys } from '../store/keys.ts';
import { getMember, writeMemberChange } from '../store/members.ts';
import { getSsoConnection, getSsoSubject, type SsoConnection, ssoSubjectPut } from '../store/sso.ts';
import {
  countLinkAttempt,
  getPendingLink,
  loginBindingPut,
  loginBoundOn,
  type PendingLink,
  pendingLinkSpend,
  putPendingLink,
} from '../store/sso-link.ts';
import { getTenant } from '../store/tenants.ts';
import { check, type TxItem, transact } from '../store/transact.ts';
import { type Asserted, issueSession, ssoFailed } from './sso.ts';

/** A pending link waits this long for the person's password. */
export const LINK_TTL_MS = 10 * 60_000;

/**
 * Why an SSO sign-in was refused, as the hosted sign-in page words it
 * (`/sign-in?sso=failed&reason=…`): a code, never the detail text itself.
 */
export type SsoReason = 'domain' | 'not-member' | 'expired' | 'idp' | 'unavailable' | 'bound' | 'link' | 'failed';

const tags = new WeakMap<Error, { reason: SsoReason; linkToken?: string }>();

/** Marks a refusal with the reason the sign-in page shows (and, for `link`, the pending link's token). */
export function tagged<E extends Error>(error: E, reason: SsoReason, linkToken?: string): E {
  tags.set(error, { reason, ...(linkToken ? { linkToken } : {}) });
  return error;
}

export function reasonOf(error: unknown): { reason: SsoReason; linkToken?: string } {
  if (error instanceof Error) {
    const tag = tags.get(error);
    if (tag) return tag;
    if (error instanceof DomainError && error.code === 'seat-limit-reached') return { reason: 'unavailable' };
  }
  return { reason: 'failed' };
}

const LINK_DETAIL =
  'A Roster login with this email already exists. Confirm it is yours with its password on the sign-in page to use single sign-on from now on.';

/**
 * The IdP asserted (in a verified domain of the tenant) the email of an existing login: bound now when the
 * tenant manages it; else a pending link (when the caller is a browser that can confirm) and a refusal.
 */
export async function linkExistingLogin(
  tenant: TenantRecord,
  connection: SsoConnection,
  asserted: Asserted,
  loginId: string,
  now: Date,
  offerLink: boolean,
): Promise<string> {
  const [member, recorded, bound] = await Promise.all([
    getMember(tenant.id, loginId),
    getIdentity(loginId),
    loginBoundOn(connection.id, loginId),
  ]);
  // A live invitation only: one past its expiry (not yet swept to `expired`) is no offer any more, as at accept.
  const invitationLive =
    member?.status === 'invited' && !!member.invitation && Date.parse(member.invitation.expiresAt) > now.getTime();
  if (member && invitationLive && recorded && !bound && !recorded.ssoOnly && tenant.ownerId !== loginId) {
    if (tenantManages(recorded, tenant.id)) {
      // Invited by this tenant (by an admin or its directory) to a login it made and manages: the tenant's own
      // IdP, in the tenant's own verified domain, accepts the invitation for it — the membership activated and
      // the subject bound in one transaction, conditional on the login being unchanged (rule 2 still holding).
      const at = now.toISOString();
      const active = { ...member, status: 'active' as const, updatedAt: at, version: member.version + 1 };
      delete active.invitation;
      await writeMemberChange({
        current: member,
        next: active,
        actor: { type: 'system', id: `sso:${connection.id}` },
        action: 'member.activated',
        at,
        reason: 'sso-sign-in',
        identity: { expectVersion: recorded.version },
        // Not while an accept through the invitation's link holds it (it is setting the login's password now):
        // that accept activates the member, and the next SSO sign-in binds the then-active managed login.
        condition: {
          expression: 'attribute_not_exists(invitation.acceptingUntil) OR invitation.acceptingUntil < :now',
          values: { ':now': at },
        },
        onStale: () =>
          tagged(
            ssoFailed('This invitation is being accepted (or changed) right now; continue with SSO again in a moment.'),
            'failed',
          ),
        extra: bindingItems(recorded, tenant.id, connection.id, asserted.subject, 'managed', now),
      });
      return loginId;
    }
  }
  if (member?.status !== 'active') {
    throw tagged(
      ssoFailed(
        `A Roster login with this email exists, but it has no active membership of ${tenant.name}; ask its admin.`,
      ),
      'not-member',
    );
  }
  const identity = recorded ?? unknownIdentity(loginId);
  // One SSO identity per login and connection: a second subject asserting the same email is somebody else.
  if (bound || identity.ssoOnly) {
    throw tagged(
      ssoFailed('This login already signs in through another single sign-on identity; ask your admin.'),
      'bound',
    );
  }
  if (recorded && tenantManages(identity, tenant.id) && tenant.ownerId !== loginId) {
    // Rule 2: the tenant could set this login's password anyway (the owner's only the owner may: proof needed).
    await transact([
      check(
        {
          Key: keys.identity(loginId),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': identity.version },
        },
        () => ssoFailed('This login changed meanwhile (it joined another tenant); continue with SSO again.'),
      ),
      ...bindingItems(identity, tenant.id, connection.id, asserted.subject, 'managed', now),
    ]);
    return loginId;
  }
  if (!offerLink) throw tagged(ssoFailed(LINK_DETAIL), 'link');
  const token = randomBytes(32).toString('base64url');
  await putPendingLink(token, {
    tenantId: tenant.id,
    connectionId: connection.id,
    subject: asserted.subject,
    identityId: loginId,
    expiresAt: now.getTime() + LINK_TTL_MS,
  });
  throw tagged(ssoFailed(LINK_DETAIL), 'link', token);
}

/** The SSO identity, the login's binding, and the audit items (every tenant the login has joined). */
function bindingItems(
  identity: IdentityState,
  tenantId: string,
  connectionId: string,
  subject: string,
  method: 'managed' | 'password',
  now: Date,
): TxItem[] {
  const at = now.toISOString();
  const actor: Actor =
    method === 'managed' ? { type: 'system', id: `sso:${connectionId}` } : { type: 'user', id: identity.id };
  // The connection's tenant sees which connection; the login's other tenants see only that it happened (rule 9).
  const tenants = [...new Set([tenantId, ...identity.acceptedTenants])];
  const audits = tenants.map((t) =>
    auditPut({
      tenantId: t,
      actor,
      action: 'identity.sso_linked',
      target: { type: 'member', id: identity.id },
      after: t === tenantId ? { connectionId, method } : { method },
      at,
    }),
  );
  return [
    ssoSubjectPut(connectionId, subject, identity.id, at),
    loginBindingPut(connectionId, identity.id, subject, at),
    ...audits,
  ];
}

const spent = () =>
  tagged(ssoFailed('This confirmation was used or has expired: continue with single sign-on again.'), 'expired');
const wrongPassword = () =>
  new DomainError('unauthenticated', 'Incorrect password.', {
    errors: [{ path: 'body.password', message: 'Incorrect password' }],
  });
const codeNeeded = () =>
  new DomainError('mfa-required', 'This login has two-factor authentication: enter the code from your app too.');
const wrongCode = () => new DomainError('mfa-required', 'The code is not correct or has expired; try again.');

/**
 * The person confirms a pending link: the login's password (and its TOTP code, when it has one) verified by
 * Cognito; then the subject is bound (one transaction with the audit items, the link spent) and the person is
 * signed in exactly as the callback signs in. Allowed under `sso.required`: the IdP has just proven control too.
 */
export async function confirmLink(
  input: { linkToken: string; password: string; code?: string },
  now: Date,
): Promise<SignIn> {
  const link = await getPendingLink(input.linkToken, now);
  if (!link) throw spent();
  await assertStillLinkable(link);
  const proven = await provePassword(input, link);
  const recorded = await getIdentity(link.identityId);
  const identity = recorded ?? unknownIdentity(link.identityId);
  await transact([
    pendingLinkSpend(input.linkToken, link, now),
    ...bindingItems(identity, link.tenantId, link.connectionId, link.subject, 'password', now),
  ]);
  // The password step's own session is not the one handed out: the SSO session is (same as the callback's).
  if (proven.refreshToken) await revokeRefreshToken(proven.refreshToken).catch(() => undefined);
  return issueSession(link.identityId, now);
}

/** Nothing changed since the callback: the connection, the tenant, an active membership, no other binding. */
async function assertStillLinkable(link: PendingLink): Promise<void> {
  const [connection, tenant, member, known, bound] = await Promise.all([
    getSsoConnection(link.connectionId),
    getTenant(link.tenantId),
    getMember(link.tenantId, link.identityId),
    getSsoSubject(link.connectionId, link.subject),
    loginBoundOn(link.connectionId, link.identityId),
  ]);
  if (!connection || connection.tenantId !== link.tenantId || !tenant || tenant.status !== 'active') {
    throw tagged(ssoFailed('This organisation’s single sign-on is no longer available.'), 'unavailable');
  }
  if (member?.status !== 'active') {
    throw tagged(ssoFailed(`You have no active membership of ${tenant.name}; ask its admin.`), 'not-member');
  }
  if (known || bound) {
    throw tagged(ssoFailed('This login or identity is already linked; continue with single sign-on.'), 'bound');
  }
}

/**
 * Cognito checks the password (and the code). Every try takes one of the link's attempts BEFORE Cognito is
 * asked (a conditional counter), so requests sent at once check no more than `MAX_LINK_ATTEMPTS` passwords
 * between them; the right one spends the link in the binding's transaction.
 */
async function provePassword(
  input: { linkToken: string; password: string; code?: string },
  link: PendingLink,
): Promise<{ refreshToken?: string }> {
  if (!(await countLinkAttempt(input.linkToken))) throw spent();
  let first: SignIn;
  try {
    first = await signIn(link.identityId, input.password);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'unauthenticated') throw wrongPassword();
    throw error;
  }
  if ('accessToken' in first) return { refreshToken: first.refreshToken };
  if (first.challenge !== 'SOFTWARE_TOKEN_MFA') throw wrongPassword();
  // Two-factor authentication is never bypassed by linking: the code too, or no link.
  if (!input.code) throw codeNeeded();
  try {
    const done = await answerTotpChallenge(link.identityId, first.session, input.code);
    return 'accessToken' in done ? { refreshToken: done.refreshToken } : {};
  } catch (error) {
    if (error instanceof DomainError && error.code === 'mfa-required') throw wrongCode();
    throw error;
  }
}
