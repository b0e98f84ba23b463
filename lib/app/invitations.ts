/**
 * Invitation use cases reachable with only the emailed link: preview and
 * accept. Accepting for a login that already has a password needs proof that
 * it is the person's (DESIGN §2a rule 3): its password, or its access token.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { passwordMatches, scramblePassword, setName, setPassword } from '../aws/identity.ts';
import { verifyAccessToken } from '../aws/jwt.ts';
import { shownInviter } from '../aws/mail.ts';
import { DomainError } from '../domain/errors.ts';
import {
  type AcceptanceProof,
  acceptanceNeeds,
  type IdentityState,
  passwordPolicyProblems,
  sessionStale,
} from '../domain/identity.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { parseInvitationToken, tokenMatches } from '../domain/tokens.ts';
import { logger } from '../log.ts';
import { normaliseEmail } from '../store/keys.ts';
import { claimInvitation, getMember, loadAccess, releaseInvitationClaim, writeMemberChange } from '../store/members.ts';
import { credentialAudit } from './credentials.ts';

/** How long one accept may hold a link before another may try (a request that died leaves it this long). */
const CLAIM_MS = 30_000;

const beingAccepted = () =>
  new DomainError('conflict', 'This invitation is being accepted in another request right now; reload in a moment.');

const invalid = () =>
  new DomainError('invitation-invalid', 'This invitation link is no longer valid: it was used, replaced or expired.');

interface OpenInvitation {
  tenant: TenantRecord;
  member: MemberRecord;
  identity: IdentityState;
}

/** The live invitation a link names, with the login it is for — one read — or 410 for anything else. */
async function openInvitation(token: string, now: Date): Promise<OpenInvitation> {
  const parsed = parseInvitationToken(token);
  if (!parsed) throw invalid();
  const { tenant, member, identity } = await loadAccess(parsed.tenantId, parsed.memberId);
  const invitation = member?.invitation;
  if (tenant?.status !== 'active' || !member || member.status !== 'invited' || !invitation) throw invalid();
  if (!tokenMatches(parsed.secret, invitation.tokenHash)) throw invalid();
  if (Date.parse(invitation.expiresAt) <= now.getTime()) throw invalid();
  return { tenant, member, identity };
}

export async function previewInvitation(token: string, now: Date) {
  const { tenant, member, identity } = await openInvitation(token, now);
  const inviter = member.invitedBy ? await getMember(tenant.id, member.invitedBy) : undefined;
  return {
    tenant: { id: tenant.id, name: tenant.name },
    email: member.email,
    name: member.name,
    role: member.role,
    expiresAt: member.invitation?.expiresAt,
    // The inviter's name when it is one mail could show; never their address (DESIGN §2a rule 5).
    inviterName: shownInviter(inviter?.name) ?? null,
    hasLogin: identity.hasPassword,
  };
}

export interface Acceptance {
  token: string;
  name?: string;
  password?: string;
  /** An access token offered as proof (the `Authorization` header). */
  bearer?: string;
}

async function proofOf(input: Acceptance, identity: IdentityState): Promise<AcceptanceProof> {
  // A password an admin set (still to be replaced) proves nothing about the person: the admin knows it too.
  if (identity.mustChangePassword) return input.bearer ? 'token-of-other' : 'none';
  if (input.bearer) {
    const claims = await verifyAccessToken(input.bearer);
    if (!claims?.sub || claims.sub !== identity.id || sessionStale(identity, claims)) return 'token-of-other';
    return 'token-of-identity';
  }
  if (identity.hasPassword && input.password !== undefined) {
    if (!(await passwordMatches(identity.id, input.password))) {
      throw new DomainError('unauthenticated', 'That is not the password of this login.');
    }
    return 'password';
  }
  return 'none';
}

/**
 * A login nobody has a password for: the person sets name and password now.
 * A login with a password: linked once the person proved it is theirs; its
 * password is never touched. The accept claims the link before it touches
 * Cognito (one claimant among concurrent accepts; the others get 409
 * `conflict`, or 410 once it is used), so a failure leaves the member invited
 * and the same link usable again, and no loser ever sets or scrambles the
 * winner's password.
 */
/** Only a transaction cancelled by concurrent writes (no condition failed) is retried, a few times. */
async function retryOnTransactionConflict(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
      const conflictOnly =
        e.name === 'TransactionConflictException' ||
        (e.name === 'TransactionCanceledException' &&
          (e.CancellationReasons ?? []).every((r) => r.Code !== 'ConditionalCheckFailed'));
      if (!conflictOnly || attempt >= 5) throw error;
      await sleep(Math.random() * 20 * attempt);
    }
  }
}

async function undoPassword(member: MemberRecord, claimId: string): Promise<void> {
  await releaseInvitationClaim(member, claimId);
  const now = await getMember(member.tenantId, member.id);
  // Someone else's accept (another link) activated the login, or holds a live claim: their password stands.
  if (now?.status === 'active') return;
  if (now?.invitation?.acceptingId && now.invitation.acceptingId !== claimId) return;
  await scramblePassword(member.id).catch((error: unknown) => {
    // The login went with the member (rule 6): nothing is left to scramble.
    if ((error as { name?: string }).name !== 'UserNotFoundException') throw error;
  });
}

export async function acceptInvitation(input: Acceptance, now: Date) {
  const { member, identity } = await openInvitation(input.token, now);
  const mode = acceptanceNeeds(identity, await proofOf(input, identity));
  // The login's address moved since this invitation was sent to it: the link no longer names that login.
  if (mode === 'new-login' && identity.email !== undefined && identity.email !== normaliseEmail(member.email)) {
    throw invalid();
  }
  const name = input.name ?? member.name;
  const claim = { id: randomUUID(), until: new Date(now.getTime() + CLAIM_MS).toISOString() };
  if (mode === 'new-login') {
    const weak = input.password ? passwordPolicyProblems(input.password) : [];
    const missing = [
      ...(input.password ? [] : [{ path: 'body.password', message: 'Required to create your login' }]),
      ...weak.map((message) => ({ path: 'body.password', message })),
      ...(name ? [] : [{ path: 'body.name', message: 'Required to create your login' }]),
    ];
    if (missing.length)
      throw new DomainError('validation-failed', 'Choose a name and a password.', { errors: missing });
    // Claim first: of concurrent accepts of this link only the claimant ever sets the password.
    const claimed = await claimInvitation(member, claim, now);
    if (claimed === 'gone') throw invalid();
    if (claimed === 'busy') throw beingAccepted();
    await setPassword(identity.id, input.password as string).catch(async (error: unknown) => {
      await releaseInvitationClaim(member, claim.id);
      throw error;
    });
  }
  const at = now.toISOString();
  const active: MemberRecord = { ...member, status: 'active', name, updatedAt: at, version: member.version + 1 };
  delete active.invitation;
  const linked = mode === 'link';
  const activate = () =>
    writeMemberChange({
      current: member,
      next: active,
      actor: { type: 'invitee', id: member.id },
      action: 'member.activated',
      at,
      // Resent (token rotated), expired or accepted meanwhile: this link is dead.
      onStale: invalid,
      // The password set above is this accept's only while it still holds its claim.
      condition:
        mode === 'new-login'
          ? { expression: 'invitation.acceptingId = :claim', values: { ':claim': claim.id } }
          : undefined,
      // The link was mailed to this address: using it proves the address is the person's (auto-join trusts it).
      identity: linked
        ? { emailProven: member.email }
        : { hasPassword: true, mustChangePassword: false, emailProven: member.email },
      // DESIGN §2a rule 7: the tenants this login already joined see it join another.
      extra: linked
        ? credentialAudit(
            { ...identity, acceptedTenants: [...identity.acceptedTenants, member.tenantId] },
            'identity.linked',
            { type: 'invitee', id: member.id },
            at,
            { linked: true },
          )
        : [],
    });
  // The losers' claim attempts write the same item: a transaction they collide with is cancelled as a
  // conflict (not refused), so the claimant tries again rather than lose the accept it holds.
  const activation = retryOnTransactionConflict(activate);
  // Refused meanwhile (the link was replaced, e.g. the address corrected): the password this dead link chose
  // must not stay on the login — it goes back to one nobody knows.
  await activation.catch(async (error: unknown) => {
    if (mode === 'new-login') await undoPassword(member, claim.id);
    throw error;
  });
  // The display name on the login is cosmetic: the membership is already active if Cognito is slow to take it.
  if (mode === 'new-login') {
    await setName(identity.id, name).catch((error: unknown) =>
      logger.warn('login name not set', { memberId: member.id, error: error as Error }),
    );
  }
  return { tenantId: active.tenantId, memberId: active.id, email: active.email, status: active.status, linked };
}
