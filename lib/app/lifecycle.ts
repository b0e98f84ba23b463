/**
 * Lifecycle actions on a member (DESIGN §1): suspend, deactivate, reactivate,
 * delete/revoke, resend the invitation, admin password reset. The transition
 * table (lib/domain/lifecycle) decides; the store writes one transaction.
 */
import { deleteIdentity, findIdentity, setPassword, signOutEverywhere } from '../aws/identity.ts';
import { config } from '../config.ts';
import { forbidden } from '../domain/errors.ts';
import { ownerProtected } from '../domain/escalation.ts';
import { type LifecycleAction, transition } from '../domain/lifecycle.ts';
import type { MemberRecord } from '../domain/records.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import { auditPut } from '../store/audit.ts';
import { membersOfIdentity, writeMemberChange } from '../store/members.ts';
import { teamLinkItems } from '../store/teams.ts';
import { releaseTicketPut } from '../store/tickets.ts';
import { transact } from '../store/transact.ts';
import { actorOf, isOwner, targetMember } from './access.ts';
import { deliverInvitation, inviterName } from './delivery.ts';
import { drainTeams } from './drain.ts';
import { assertIdentityOwned } from './members.ts';
import { type ReleaseSummary, releaseAssignments } from './release.ts';

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

function guard(access: TenantAccess, member: MemberRecord, action: LifecycleAction): void {
  const what = PROTECTED[action];
  if (what && isOwner(access, member)) throw ownerProtected(what);
  // Only admins act on admins (the same rule as making or unmaking them).
  if (member.role === 'admin' && access.member.role !== 'admin' && action !== 'resend') {
    throw forbidden('Only admins can change the status of an admin.');
  }
}

/** When the person has no other active membership, their refresh tokens are revoked too. */
async function revokeSessionsIfAlone(member: MemberRecord): Promise<void> {
  const others = (await membersOfIdentity(member.id)).filter(
    (m) => m.tenantId !== member.tenantId && m.status === 'active',
  );
  if (others.length === 0) await signOutEverywhere(member.email);
}

export async function changeStatus(
  access: TenantAccess,
  memberId: string,
  action: StatusAction,
  now: Date,
  budget: Budget = {},
): Promise<MemberRecord> {
  const current = await targetMember(access, memberId);
  guard(access, current, action);
  const step = transition(current.status, action);
  const at = now.toISOString();
  const next: MemberRecord = {
    ...current,
    status: step.to as MemberRecord['status'],
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
    extra: leaves ? [releaseTicketPut(current.tenantId, current.id, at, releaseReason(action))] : [],
  });
  // The counter read above says whether there is anything to release now; a conversation assigned
  // meanwhile is still caught: the ticket stays and the release job drains it.
  if (leaves && current.openAssignments > 0) await releaseInline(access, next, budget, releaseReason(action));
  if (action === 'reactivate') await drainOnReturn(access, next, budget);
  if (action !== 'reactivate') await revokeSessionsIfAlone(current);
  return next;
}

/** Delete (or revoke an invitation): permanent, frees the seat, keeps the audit trail. */
export async function deleteMember(
  access: TenantAccess,
  memberId: string,
  now: Date,
  budget: Budget = {},
): Promise<void> {
  const current = await targetMember(access, memberId);
  guard(access, current, 'delete');
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
    extra: [
      ...teamLinkItems(current.tenantId, current.id, { added: [], removed: current.teamIds ?? [] }, at),
      ...(holds ? [releaseTicketPut(current.tenantId, current.id, at)] : []),
    ],
  });
  if (holds && current.openAssignments > 0) await releaseInline(access, current, budget);
  // An identity that never signed in and now belongs to no tenant is removed from Cognito.
  const remaining = await membersOfIdentity(current.id);
  if (remaining.length === 0) {
    const identity = await findIdentity(current.email);
    if (identity && identity.id === current.id && identity.status === 'FORCE_CHANGE_PASSWORD') {
      await deleteIdentity(current.email);
    } else {
      await signOutEverywhere(current.email);
    }
  } else if (!remaining.some((member) => member.status === 'active')) {
    await signOutEverywhere(current.email);
  }
}

/** New token (the old link dies), new expiry; an expired invitation takes a seat again. */
export async function resendInvitation(access: TenantAccess, memberId: string, now: Date): Promise<MemberRecord> {
  const current = await targetMember(access, memberId);
  const step = transition(current.status, 'resend');
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
  await writeMemberChange({ current, next, actor: actorOf(access), action: step.audit, at });
  return deliverInvitation(next, token, access.tenant.name, inviterName(access));
}

/** Admin sets a password; by default the person must choose a new one at next sign-in. */
export async function resetPassword(
  access: TenantAccess,
  memberId: string,
  input: { password: string; temporary?: boolean },
  now: Date,
): Promise<void> {
  const member = await targetMember(access, memberId);
  guard(access, member, 'reactivate');
  if (member.status === 'invited' || member.status === 'expired') {
    throw forbidden('This person has not joined yet; resend the invitation instead.');
  }
  await assertIdentityOwned(access, member, 'password');
  const temporary = input.temporary ?? true;
  await setPassword(member.email, input.password, !temporary);
  await transact([
    auditPut({
      tenantId: access.tenant.id,
      actor: actorOf(access),
      action: 'member.password_reset',
      target: { type: 'member', id: member.id },
      after: { mustChangePassword: temporary },
      at: now.toISOString(),
    }),
  ]);
}
