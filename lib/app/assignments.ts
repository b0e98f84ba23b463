/**
 * Conversation assignment use cases: assign to a person or a team (the
 * team's strategy picks), claim, unassign, read, a person's queue, and the
 * release of everything a departed member held. Each change is one
 * conditional transaction (lib/store/assignments); when a concurrent change
 * wins, the use case reads again and retries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Candidate, hasConversationRights, pickFromTeam } from '../domain/assignment.ts';
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import { effectivePermissions, hasPermission } from '../domain/permissions.ts';
import { type AssignmentRecord, assignmentView, type MemberRecord, type TenantRecord } from '../domain/records.ts';
import { effectiveAvailability } from '../domain/schedule.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import {
  AssigneeGone,
  Contended,
  getAssignment,
  getMembers,
  listAssigneeQueue,
  listReleaseTickets,
  removeReleaseTicket,
  writeAssignmentChange,
  writeRelease,
} from '../store/assignments.ts';
import type { Actor } from '../store/audit.ts';
import { getMember } from '../store/members.ts';
import { getTeam, teamMemberIds } from '../store/teams.ts';
import { actorOf } from './access.ts';

const MAX_ATTEMPTS = 60;

function isContention(error: unknown): boolean {
  if (error instanceof Contended) return true;
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name === 'TransactionConflictException') return true;
  return (
    e.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed')
  );
}

/** Runs `attempt` until no concurrent change beats it (jittered backoff); `last` is the previous failure. */
async function retrying<T>(attempt: (last: unknown) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 1; ; i++) {
    try {
      return await attempt(last);
    } catch (error) {
      if (!isContention(error)) throw error;
      if (i >= MAX_ATTEMPTS) throw conflict('The conversation is being changed by others right now; retry shortly.');
      last = error;
      await sleep(Math.random() * Math.min(100, 5 * i));
    }
  }
}

/** The previous assignee's counter moves unless the last try found their member item gone. */
const releaseCounter = (last: unknown, current: AssignmentRecord | undefined) =>
  !(last instanceof AssigneeGone && last.memberId === current?.assigneeId);

export function permissionsOf(member: MemberRecord, tenant: TenantRecord, now: Date) {
  return effectivePermissions(
    member,
    member.role === 'custom' && member.roleId ? tenant.rolePermissions[member.roleId] : [],
    now,
  );
}

export async function readAssignment(access: TenantAccess, conversationId: string) {
  return assignmentView(conversationId, await getAssignment(access.tenant.id, conversationId));
}

/** Assign to a named person (conversations:assign): any time, over anyone, within the tenant. */
export async function assignToMember(access: TenantAccess, conversationId: string, assigneeId: string, now: Date) {
  const tenantId = access.tenant.id;
  return retrying(async (last) => {
    const [current, members] = await Promise.all([
      getAssignment(tenantId, conversationId),
      getMembers(tenantId, [assigneeId]),
    ]);
    const target = members.get(assigneeId);
    if (!target) throw notFound('The assignee');
    if (target.status !== 'active')
      throw conflict(`The assignee is ${target.status}; only active members take conversations.`);
    if (!hasConversationRights(permissionsOf(target, access.tenant, now))) {
      throw conflict('The assignee has no conversation rights (conversations:reply or conversations:view_assigned).');
    }
    if (current?.assigneeId === assigneeId) return assignmentView(conversationId, current);
    const at = now.toISOString();
    const next: AssignmentRecord = {
      ...(current ?? { tenantId, conversationId }),
      assigneeId,
      assignedAt: at,
      updatedAt: at,
      version: (current?.version ?? 0) + 1,
    };
    delete next.queuedAt;
    await writeAssignmentChange({
      tenantId,
      conversationId,
      current,
      next,
      take: { memberId: assigneeId },
      releaseCounter: releaseCounter(last, current),
      actor: actorOf(access),
      action: 'conversation.assigned',
      at,
    });
    return assignmentView(conversationId, next);
  });
}

/**
 * Assign to a team: its strategy picks among its active, online members with
 * conversation rights below capacity; nobody available (or `manual`) leaves the
 * conversation waiting in the team queue, and the response says why.
 */
export async function assignToTeam(access: TenantAccess, conversationId: string, teamId: string, now: Date) {
  const tenantId = access.tenant.id;
  return retrying(async (last) => {
    const [team, ids, current] = await Promise.all([
      getTeam(tenantId, teamId),
      teamMemberIds(tenantId, teamId),
      getAssignment(tenantId, conversationId),
    ]);
    if (!team) throw notFound('The team');
    const members = await getMembers(tenantId, ids);
    const candidates: Candidate[] = [...members.values()].map((m) => ({
      id: m.id,
      status: m.status,
      // Their choice weighed against their working hours: outside them a member is away for assignment.
      availability: effectiveAvailability(m, now),
      openAssignments: m.openAssignments ?? 0,
      permissions: permissionsOf(m, access.tenant, now),
    }));
    const pick = pickFromTeam(team, candidates);
    const at = now.toISOString();
    const base = { tenantId, conversationId, teamId, updatedAt: at, version: (current?.version ?? 0) + 1 };
    let next: AssignmentRecord;
    if (pick.kind === 'assigned') {
      next = { ...base, assigneeId: pick.assigneeId, assignedAt: at };
    } else {
      next = { ...base, queuedAt: at };
    }
    await writeAssignmentChange({
      tenantId,
      conversationId,
      current,
      next,
      take: pick.kind === 'assigned' ? { memberId: pick.assigneeId, online: true, capacity: team.capacity } : undefined,
      releaseCounter: releaseCounter(last, current),
      cursor: pick.kind === 'assigned' ? { teamId, previous: team.rrCursor ?? null, next: pick.assigneeId } : undefined,
      actor: actorOf(access),
      action: next.assigneeId
        ? 'conversation.assigned'
        : current?.assigneeId
          ? 'conversation.unassigned'
          : 'conversation.queued',
      reason: pick.kind === 'queued' ? pick.reason : `team.${team.assignmentStrategy}`,
      at,
    });
    return {
      ...assignmentView(conversationId, next),
      ...(pick.kind === 'queued' ? { queueReason: pick.reason } : {}),
    };
  });
}

/** Take an unassigned (or team-queued) conversation; someone else's is a 409. */
export async function claim(access: TenantAccess, conversationId: string, now: Date) {
  const tenantId = access.tenant.id;
  const me = access.member.id;
  return retrying(async () => {
    const current = await getAssignment(tenantId, conversationId);
    if (current?.assigneeId === me) return assignmentView(conversationId, current);
    if (current?.assigneeId) {
      throw conflict('This conversation is already assigned to someone else.');
    }
    const at = now.toISOString();
    const next: AssignmentRecord = {
      ...(current ?? { tenantId, conversationId }),
      assigneeId: me,
      assignedAt: at,
      updatedAt: at,
      version: (current?.version ?? 0) + 1,
    };
    delete next.queuedAt;
    await writeAssignmentChange({
      tenantId,
      conversationId,
      current,
      next,
      take: { memberId: me },
      actor: actorOf(access),
      action: 'conversation.assigned',
      reason: 'claimed',
      at,
    });
    return assignmentView(conversationId, next);
  });
}

/** Remove the assignee: their own conversation for anyone, a colleague's only with conversations:assign. */
export async function unassign(access: TenantAccess, conversationId: string, now: Date): Promise<void> {
  const tenantId = access.tenant.id;
  await retrying(async (last) => {
    const current = await getAssignment(tenantId, conversationId);
    if (!current?.assigneeId) return;
    if (current.assigneeId !== access.member.id && !hasPermission(access.permissions, 'conversations:assign')) {
      throw forbidden('Only the assignee or someone with conversations:assign can unassign this conversation.');
    }
    const at = now.toISOString();
    const { assigneeId: _a, assignedAt: _b, ...rest } = current;
    const next: AssignmentRecord | undefined = current.teamId
      ? { ...rest, queuedAt: at, updatedAt: at, version: current.version + 1 }
      : undefined;
    await writeAssignmentChange({
      tenantId,
      conversationId,
      current,
      next,
      releaseCounter: releaseCounter(last, current),
      actor: actorOf(access),
      action: 'conversation.unassigned',
      at,
    });
  });
}

/** A person's open conversations, oldest first (the GSI1 assignee queue). */
export async function memberQueue(access: TenantAccess, memberId: string, page: { limit: number; cursor?: string }) {
  const result = await listAssigneeQueue(access.tenant.id, memberId, page);
  return {
    items: result.items.map((a) => assignmentView(a.conversationId, a)),
    nextCursor: result.nextCursor,
  };
}

export const RELEASE_ACTOR: Actor = { type: 'system', id: 'release-assignments' };
/** Conversations per release transaction: 2 items each + the counter, under the 100-item limit. */
const RELEASE_BATCH = 45;

export interface ReleaseSummary {
  released: number;
  /** True when it stopped (time) or the index had not caught up: the release job continues. */
  remaining: boolean;
}

/**
 * Returns every open conversation of a member who left (not active) to its
 * team queue, page by page, one transaction per batch; stops when `shouldStop`
 * says so (the rest is the release job's). Removes the member's release ticket
 * once nothing is left. A member active again keeps what they hold.
 */
export async function releaseAssignments(
  tenantId: string,
  memberId: string,
  options: { now: () => Date; shouldStop?: () => boolean; actor?: Actor; reason?: string },
): Promise<ReleaseSummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const actor = options.actor ?? RELEASE_ACTOR;
  const reason = options.reason ?? 'assignee.left';
  let released = 0;
  for (;;) {
    if (shouldStop()) return { released, remaining: true };
    const [member, page] = await Promise.all([
      getMember(tenantId, memberId),
      listAssigneeQueue(tenantId, memberId, { limit: RELEASE_BATCH }),
    ]);
    if (member?.status === 'active') {
      await removeReleaseTicket(tenantId, memberId);
      return { released, remaining: false };
    }
    if (page.items.length === 0) {
      // The index is eventually consistent: only an exact zero counter (or no member) means done.
      if (member && (member.openAssignments ?? 0) > 0) return { released, remaining: true };
      await removeReleaseTicket(tenantId, memberId);
      return { released, remaining: false };
    }
    let batch = page.items.filter((a) => a.assigneeId === memberId);
    // Only index entries the table has already moved on from: the index will catch up.
    if (batch.length === 0) return { released, remaining: true };
    while (batch.length > 0) {
      try {
        await writeRelease({
          tenantId,
          memberId,
          conversations: batch,
          memberExists: member !== undefined,
          actor,
          reason,
          at: options.now().toISOString(),
        });
        released += batch.length;
        break;
      } catch (error) {
        // A conversation reassigned meanwhile is no longer ours to release: drop it, keep the rest.
        if (error instanceof Contended && error.conversationId) {
          const fresh = await getAssignment(tenantId, error.conversationId);
          batch = batch.filter((a) => a.conversationId !== error.conversationId);
          if (fresh?.assigneeId === memberId) batch.push(fresh);
          continue;
        }
        if (isContention(error)) break; // the member changed (reactivated?): re-read on the next page
        throw error;
      }
    }
  }
}

export interface ReleaseJobSummary {
  members: number;
  released: number;
  /** True when the run stopped before every ticket was done. */
  remaining: boolean;
}

/** The release job: drains every open release ticket (members who left), oldest first, until told to stop. */
export async function releaseLeftAssignments(options: { shouldStop?: () => boolean }): Promise<ReleaseJobSummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const summary: ReleaseJobSummary = { members: 0, released: 0, remaining: false };
  let start: Record<string, unknown> | undefined;
  do {
    if (shouldStop()) return { ...summary, remaining: true };
    const page = await listReleaseTickets(25, start);
    for (const ticket of page.items) {
      const result = await releaseAssignments(ticket.tenantId, ticket.memberId, { now: () => new Date(), shouldStop });
      summary.members += 1;
      summary.released += result.released;
      if (result.remaining) summary.remaining = true;
      if (shouldStop()) return { ...summary, remaining: true };
    }
    start = page.next;
  } while (start);
  return summary;
}
