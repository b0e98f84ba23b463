/**
 * Lifecycle actions on a member (DESIGN §1): suspend, deactivate, reactivate,
 * delete/revoke, resend the invitation, admin password reset. The transition
 * table (lib/domain/lifecycle) decides; the store writes one transaction.
 */
import { deleteLogin, setPassword, signOutEverywhere } from '../aws/identity.ts';
import { config } from '../config.ts';
import { forbidden } from '../domain/errors.ts';
import { ownerProtected } from '../domain/escalation.ts';
import { assertManaged, isAccepted, resendWait, tooManySends } from '../domain/identity.ts';
import { type LifecycleAction, transition } from '../domain/lifecycle.ts';
import type { MemberRecord } from '../domain/records.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import { auditPut } from '../store/audit.ts';
import { identityUpdate, retireIdentity } from '../store/identities.ts';
import { membersOfIdentity, writeMemberChange } from '../store/members.ts';
import { checkSendGate, sendGateItems } from '../store/sends.ts';
import { teamLinkItems } from '../store/teams.ts';
import { releaseTicketPut } from '../store/tickets.ts';
import { type TxItem, transact } from '../store/transact.ts';
import { actOn, actorOf, assertNotDirectoryManaged, isOwner } from './access.ts';
import { deliverInvitation, inviterName } from './delivery.ts';
import { drainTeams } from './drain.ts';
import { type ReleaseSummary, releaseAssignments } from './release.ts';
import type { TenantAccess } from './tenant-access.ts';

type StatusAction = Extract<LifecycleAction, 'suspend' | 'deactivate' | 'reactivate'>;

/** Stop releasing inline this long before the Lambda's time limit (revoking sessions and replying still fit). */
export const RELEASE_MARGIN_MS = 3_000;

/** When to stop releasing a departed member's conversations inline (the release job does the rest). */
export interface Budget {
  shouldStop?: () => boolean;
}

/** A member who could hold conversations (active or suspended) leaves: their queue must be released. */
const mayHoldConversations = (member: MemberRecord) => member.status === 'active' || member.status === 'suspended';

/**
 * The departed member's open conversations go back to their team queues:
 * the ticket was written with the lifecycle change, so what this run leaves
 * (time ran short) the release job finishes.
 */
async function releaseInline(
  access: TenantAccess,
  member: MemberRecord,
  budget: Budget,
  reason: 'assignee.left' | 'assignee.suspended' = 'assignee.left',
): Promise<ReleaseSummary> {
  return releaseAssignments(access.tenant, member.id, {
    now: () => new Date(),
    shouldStop: budget.shouldStop,
    actor: actorOf(access),
    reason,
  });
}

// ── the team queues (issue 13): suspension releases like deactivation; reactivation drains ──
/** Suspending or deactivating a member who may hold conversations returns them to their teams' queues. */
const releasesOn = (action: StatusAction, current: MemberRecord) =>
  (action === 'deactivate' || action === 'suspend') && mayHoldConversations(current);
const releaseReason = (action: StatusAction) => (action === 'suspend' ? 'assignee.suspended' : 'assignee.left');

/** A member back to active is room in their teams: their queues drain (they do not get their old conversations back as such). */
async function drainOnReturn(access: TenantAccess, member: MemberRecord, budget: Budget): Promise<void> {
  if (member.status === 'active' && member.teamIds.length > 0) {
    await drainTeams(access.tenant, member.teamIds, {
      actor: actorOf(access),
      budget: { shouldStop: budget.shouldStop },
    });
  }
}
// ──

const PROTECTED: Partial<Record<LifecycleAction, string>> = {
  suspend: 'suspended',
  deactivate: 'deactivated',
  delete: 'deleted',
};

/** The owner keeps their seat and status until ownership moves (dominance was checked by `actOn`). */
function guard(access: TenantAccess, member: MemberRecord, action: LifecycleAction): void {
  const what = PROTECTED[action];
  if (what && isOwner(access, member)) throw ownerProtected(what);
}

export async function changeStatus(
  access: TenantAccess,
  memberId: string,
  action: StatusAction,
  now: Date,
  budget: Budget = {},
): Promise<MemberRecord> {
  const { member: current, identity } = await actOn(access, memberId, 'status');
  guard(access, current, action);
  assertNotDirectoryManaged(access, current, 'status');
  const step = transition(current.status, action);
  const at = now.toISOString();
  const next: MemberRecord = {
    ...current,
    status: step.to as MemberRecord['status'],
    // An admin's decision to restore access: auto-suspension gives the person a full period again.
    ...(action === 'reactivate' ? { reactivatedAt: at } : {}),
    // DESIGN §2a rule 11: suspension and deactivation end the person's sessions in THIS tenant (the stamp on
    // the member item authorisation reads); their sessions in other tenants, and their login, are untouched.
    ...(action === 'reactivate' ? {} : { sessionsValidAfter: now.getTime() }),
    updatedAt: at,
    version: current.version + 1,
  };
  // Committing the status first takes the member out of every rotation at once.
  const leaves = releasesOn(action, current);
  await writeMemberChange({
    current,
    next,
    actor: actorOf(access),
    action: step.audit,
    at,
    // Not a login-wide stamp: only so that a sign-in in this very second waits it out (credentials.ts). Only on a
    // login Roster has recorded: a bare record would read as "no memberships" and mislead a later deletion.
    identity: action !== 'reactivate' && identity.version > 0 ? { tenantStampAt: now.getTime() } : undefined,
    extra: leaves ? [releaseTicketPut(current.tenantId, current.id, at, releaseReason(action))] : [],
  });
  // The counter read above says whether there is anything to release now; a conversation assigned
  // meanwhile is still caught: the ticket stays and the release job drains it.
  if (leaves && current.openAssignments > 0) await releaseInline(access, next, budget, releaseReason(action));
  if (action === 'reactivate') await drainOnReturn(access, next, budget);
  return next;
}

/** Delete (or revoke an invitation): permanent, frees the seat, keeps the audit trail. */
export async function deleteMember(
  access: TenantAccess,
  memberId: string,
  now: Date,
  budget: Budget = {},
  /** Further items of the same transaction (the directory's userName claim going with the member). */
  extra: TxItem[] = [],
): Promise<void> {
  const { member: current, identity } = await actOn(access, memberId, 'delete');
  guard(access, current, 'delete');
  assertNotDirectoryManaged(access, current, 'membership (delete it in the directory)');
  // A login Roster recorded knows its membership count; one from before these records is looked up.
  const legacy = identity.version === 0;
  const last = !legacy && identity.membershipCount <= 1;
  // No other tenant holds an accepted membership: ending the login's sessions ends no other tenant's.
  const alone = !legacy && isAccepted(current.status) && identity.acceptedTenants.every((t) => t === current.tenantId);
  const step = transition(current.status, 'delete');
  const at = now.toISOString();
  // The member's team links go with them; a member who may hold conversations gets a release ticket.
  const holds = mayHoldConversations(current) || current.status === 'deactivated';
  await writeMemberChange({
    current,
    next: undefined,
    actor: actorOf(access),
    action: step.audit,
    at,
    // The login's last membership: its record is retired in the same transaction (a racing join cancels it),
    // stamped, and the login deleted below. Otherwise the person keeps their login and their sessions in their
    // other tenants (DESIGN §2a rule 11): with the member item gone, this tenant no longer knows them at all.
    identity: last
      ? { revokeSessionsAt: now.getTime(), retiredAt: at, expectVersion: identity.version }
      : alone
        ? { revokeSessionsAt: now.getTime() }
        : undefined,
    extra: [
      ...teamLinkItems(current.tenantId, current.id, { added: [], removed: current.teamIds ?? [] }, at),
      ...(holds ? [releaseTicketPut(current.tenantId, current.id, at)] : []),
      ...extra,
    ],
  });
  if (holds && current.openAssignments > 0) await releaseInline(access, current, budget);
  // DESIGN §2a rule 6: a login left with no membership anywhere is removed.
  if (last) await deleteLogin(current.id);
  else if (legacy && (await membersOfIdentity(current.id)).length === 0 && (await retireIdentity(current.id, at))) {
    await deleteLogin(current.id);
  } else if (alone) await signOutEverywhere(current.id);
}

/** New token (the old link dies), new expiry; an expired invitation takes a seat again. */
export async function resendInvitation(access: TenantAccess, memberId: string, now: Date): Promise<MemberRecord> {
  const { member: current } = await actOn(access, memberId, 'resend');
  const step = transition(current.status, 'resend');
  const wait = resendWait(current.invitation, now, config().invitationResendIntervalSeconds);
  if (wait > 0) throw tooManySends(wait);
  // Issue 17: the address's own spacing and the tenant's daily budget hold across revokes and re-invites.
  const gate = await checkSendGate(access.tenant, current.email, now);
  const at = now.toISOString();
  const { token, hash } = issueInvitationToken(access.tenant.id, current.id);
  const next: MemberRecord = {
    ...current,
    status: 'invited',
    invitation: {
      tokenHash: hash,
      expiresAt: expiryFrom(now, config().invitationTtlSeconds),
      sendCount: (current.invitation?.sendCount ?? 0) + 1,
      lastSentAt: at,
    },
    updatedAt: at,
    version: current.version + 1,
  };
  await writeMemberChange({
    current,
    next,
    actor: actorOf(access),
    action: step.audit,
    at,
    extra: sendGateItems(gate, now),
  });
  return deliverInvitation(next, token, access.tenant.name, inviterName(access), access.tenant.ownerId === next.id);
}

/**
 * Admin sets a password; by default the person must choose a new one at next
 * sign-in. Only for a login this tenant manages (DESIGN §2a rule 2); every
 * session of the person ends (rule 4).
 */
export async function resetPassword(
  access: TenantAccess,
  memberId: string,
  input: { password: string; temporary?: boolean },
  now: Date,
): Promise<void> {
  // One's own password changes only with the current one (a stolen session must not lock the person out).
  if (memberId === access.member.id) {
    throw forbidden('Change your own password with POST /v1/auth/change-password; it asks for the current one.');
  }
  const { member, identity } = await actOn(access, memberId, 'password');
  if (!isAccepted(member.status)) {
    throw forbidden('This person has not joined yet; resend the invitation instead.');
  }
  assertManaged(identity, access.tenant.id, 'password');
  const temporary = input.temporary ?? true;
  const update = identityUpdate(member.id, {
    revokeSessionsAt: now.getTime(),
    hasPassword: true,
    mustChangePassword: temporary,
    expectVersion: identity.version,
  });
  await transact([
    ...(update ? [update] : []),
    auditPut({
      tenantId: access.tenant.id,
      actor: actorOf(access),
      action: 'member.password_reset',
      target: { type: 'member', id: member.id },
      after: { mustChangePassword: temporary, sessionsRevoked: true },
      at: now.toISOString(),
    }),
  ]);
  await setPassword(member.id, input.password);
  await signOutEverywhere(member.id);
}
