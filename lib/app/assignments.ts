/**
 * Conversation assignment use cases: assign to a person or a team (the
 * team's strategy picks, or the conversation waits in the team queue), claim,
 * hand back, resolve, read, a person's conversations and a team's queue.
 * Each change is one conditional transaction (lib/store/assignments); when a
 * concurrent change wins, the use case reads again and retries. A change that
 * frees room or queues a conversation then drains the teams concerned
 * (lib/app/drain.ts) in the same request.
 *
 * What each does to a queued conversation (status `queued`):
 * - PUT {assigneeId} takes it out of the queue to that person;
 * - PUT {teamId} of its own team leaves it waiting (and drains); another team moves it;
 * - claim takes it out of the queue to the caller;
 * - DELETE …/assignment leaves it waiting (it already is where DELETE puts a conversation);
 * - resolve takes it out of the queue and ends it (needs conversations:assign: nobody holds it).
 */
import { hasCapacity, hasConversationRights, pickFromTeam, type QueueReason } from '../domain/assignment.ts';
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import { hasPermission } from '../domain/permissions.ts';
import { type AssignmentRecord, type AssignmentResult, assignmentView, type MemberRecord } from '../domain/records.ts';
import {
  Contended,
  getAssignment,
  getMembers,
  listAssigneeQueue,
  MemberChanged,
  type MemberRef,
  type Move,
  recordedAssignee,
  refOf,
  writeAssignments,
} from '../store/assignments.ts';
import { listQueue } from '../store/queue.ts';
import { getTeam } from '../store/teams.ts';
import { type Access, actorOf, permissionsOf } from './access.ts';
import { type DrainBudget, drainTeams } from './drain.ts';
import { handedBack, noteGoneTeam } from './gone-teams.ts';
import { retrying } from './retry.ts';
import { readTeam, rulesOf } from './team-state.ts';
import type { TenantAccess } from './tenant-access.ts';

/** Teams to drain after a write: the previous assignee's (room freed) and the queue a conversation joined. */
async function drainAfter(access: Access, teams: Iterable<string>, budget: DrainBudget | undefined) {
  return drainTeams(access.tenant, teams, { actor: actorOf(access), budget });
}

/**
 * The previous assignee for a transaction: as the assignment recorded them (no
 * read), as a card already read, or — when that failed before (`stale`) — read
 * now; null when they no longer exist.
 */
async function previousRef(
  tenantId: string,
  current: AssignmentRecord | undefined,
  stale: ReadonlySet<string>,
  known?: ReadonlyMap<string, MemberRef>,
): Promise<MemberRef | null | undefined> {
  const memberId = current?.assigneeId;
  if (!memberId) return undefined;
  if (!stale.has(memberId)) {
    const seen = recordedAssignee(current) ?? known?.get(memberId);
    if (seen) return seen;
  }
  const member = (await getMembers(tenantId, [memberId])).get(memberId);
  return member ? refOf(member) : null;
}

/** Members whose pinned state failed a condition: the next attempt reads them. */
function noteStale(last: unknown, stale: Set<string>): void {
  if (last instanceof MemberChanged) stale.add(last.memberId);
}

function membersOf(...entries: [string | undefined, MemberRef | null | undefined][]): Map<string, MemberRef | null> {
  const map = new Map<string, MemberRef | null>();
  for (const [id, ref] of entries) if (id && ref !== undefined) map.set(id, ref);
  return map;
}

/** The last failure said what the conversation now is: use it instead of reading it again. */
function latestFrom(last: unknown, conversationId: string): { known: boolean; current?: AssignmentRecord } {
  if (last instanceof Contended && last.hasLatest && last.conversationId === conversationId) {
    return { known: true, current: last.latest };
  }
  return { known: false };
}

/**
 * Who holds a conversation: anyone's with conversations:view (the inbox
 * backend's twin too). Without it (an agent: conversations:view_assigned) a
 * member reads only their own — one they hold, one waiting in a queue of a
 * team of theirs (the queue they may read anyway), or one nobody holds in no
 * team (claiming it would say as much) — never who holds someone else's.
 */
export async function readAssignment(access: Access, conversationId: string) {
  const current = await getAssignment(access.tenant.id, conversationId);
  const me = access.member;
  if (me && !hasPermission(access.permissions, 'conversations:view')) {
    const held = current?.assigneeId;
    const visible = held ? held === me.id : !current?.teamId || me.teamIds.includes(current.teamId);
    if (!visible) {
      throw forbidden('Reading who holds a conversation that is not yours needs conversations:view.');
    }
  }
  return assignmentView(conversationId, current);
}

/** Assign to a named person (conversations:assign): any time, over anyone, within the tenant. */
export async function assignToMember(
  access: Access,
  conversationId: string,
  assigneeId: string,
  now: Date,
  budget?: DrainBudget,
) {
  const tenantId = access.tenant.id;
  const stale = new Set<string>();
  const done = await retrying(async (last) => {
    noteStale(last, stale);
    const read = await getMembers(tenantId, [assigneeId], conversationId);
    const current = read.assignment;
    const target = read.get(assigneeId);
    if (!target) throw notFound('The assignee');
    if (target.status !== 'active')
      throw conflict(`The assignee is ${target.status}; only active members take conversations.`);
    if (!hasConversationRights(permissionsOf(target, access.tenant, now))) {
      throw conflict('The assignee has no conversation rights (conversations:reply or conversations:view_assigned).');
    }
    if (current?.assigneeId === assigneeId) return { view: assignmentView(conversationId, current), freed: [] };
    const previous = await previousRef(tenantId, current, stale);
    const at = now.toISOString();
    const next = taken(current, tenantId, conversationId, assigneeId, at);
    await writeAssignments({
      tenantId,
      actor: actorOf(access),
      at,
      moves: [{ current, next, action: 'conversation.assigned', reason: 'manual' }],
      members: membersOf([assigneeId, refOf(target)], [current?.assigneeId, previous]),
    });
    return { view: assignmentView(conversationId, next), freed: previous ? previous.teamIds : [] };
  });
  if (done.freed.length) await drainAfter(access, done.freed, budget);
  return done.view;
}

/** The conversation taken by `assigneeId`: out of any queue, assigned now. */
function taken(
  current: AssignmentRecord | undefined,
  tenantId: string,
  conversationId: string,
  assigneeId: string,
  at: string,
): AssignmentRecord {
  const next: AssignmentRecord = {
    ...(current ?? { tenantId, conversationId }),
    assigneeId,
    assignedAt: at,
    updatedAt: at,
    version: (current?.version ?? 0) + 1,
  };
  delete next.queuedAt;
  delete next.queueReason;
  return next;
}

/**
 * Assign to a team: its strategy picks among its active, online members with
 * conversation rights below capacity; nobody available (or `manual`) leaves the
 * conversation waiting in the team queue, and the response says why. While
 * older conversations wait, a new one queues behind them and the drain takes
 * the oldest first. One read: the team's range (team + member cards); the
 * conversation is assumed new, and a failed condition returns it as it is.
 */
export async function assignToTeam(
  access: Access,
  conversationId: string,
  teamId: string,
  now: Date,
  budget?: DrainBudget,
): Promise<AssignmentResult> {
  const tenantId = access.tenant.id;
  const verify = new Set<string>();
  const gone = new Set<string>();
  const done = await retrying(async (last) => {
    noteStale(last, verify);
    // Moved from a team deleted before teams counted what they hold: that team's item is not written.
    await noteGoneTeam(tenantId, last, gone);
    const { known, current: latest } = latestFrom(last, conversationId);
    const snapshot = await readTeam(access.tenant, teamId, { verify, now });
    if (!snapshot) throw notFound('The team');
    const current = known ? latest : undefined;
    const { team } = snapshot;
    if (current?.teamId === teamId && !current.assigneeId) {
      // Already waiting in this team's queue: it keeps its place; the drain below takes it in turn.
      return { result: assignmentView(conversationId, current), freed: [], queued: true, decision: undefined };
    }
    const previous = await previousRef(tenantId, current, verify, snapshot.refs);
    const pick = pickFromTeam(rulesOf(team), snapshot.candidates);
    const waiting = (team.queued ?? 0) > 0;
    const at = now.toISOString();
    const base = { tenantId, conversationId, teamId, updatedAt: at, version: (current?.version ?? 0) + 1 };
    let next: AssignmentRecord;
    let move: Move;
    if (pick.kind === 'assigned' && !waiting) {
      next = { ...base, assigneeId: pick.assigneeId, assignedAt: at };
      move = {
        current,
        next,
        action: 'conversation.assigned',
        reason: `team.${team.assignmentStrategy}`,
        decision: pick.decision,
      };
    } else {
      const reason: QueueReason = pick.kind === 'queued' ? pick.reason : 'queue-order';
      next = { ...base, queuedAt: at, queueReason: reason };
      move = {
        current,
        next,
        action: current?.assigneeId ? 'conversation.unassigned' : 'conversation.queued',
        reason,
        decision: pick.decision,
      };
    }
    const taker = next.assigneeId;
    await writeAssignments({
      tenantId,
      actor: actorOf(access),
      at,
      moves: [move],
      members: membersOf([taker, taker ? snapshot.refs.get(taker) : undefined], [current?.assigneeId, previous]),
      ...(taker
        ? { pick: { capacity: team.capacity }, cursor: { teamId, previous: team.rrCursor ?? null, next: taker } }
        : {}),
      ...(gone.size ? { goneTeams: gone } : {}),
    });
    const freed = previous && current?.assigneeId !== taker ? [...previous.teamIds] : [];
    return { result: assignmentView(conversationId, next), freed, queued: !taker, decision: pick.decision };
  });
  const teams = [...done.freed, ...(done.queued ? [teamId] : [])];
  if (teams.length) {
    const drained = await drainAfter(access, teams, budget);
    // The drain gave it to someone already: answer with where it is now.
    if (done.queued && drained.assigned.includes(conversationId)) {
      const latest = await getAssignment(tenantId, conversationId);
      return { ...assignmentView(conversationId, latest), ...(done.decision ? { decision: done.decision } : {}) };
    }
  }
  return { ...done.result, ...(done.decision ? { decision: done.decision } : {}) };
}

/**
 * Take an unassigned (or team-queued) conversation; someone else's is a 409.
 * One waiting in a team's queue is that team's: claiming it needs membership
 * of the team (or conversations:assign) and room under the team's capacity
 * (409 at capacity) — the same room an automatic pick needs, held by the
 * transaction's condition on the claimer's open count (and their version, so
 * a membership ended meanwhile fails it). A conversation in no team has no
 * capacity to respect: capacity is a team's rule.
 */
export async function claim(access: TenantAccess, conversationId: string, now: Date) {
  const tenantId = access.tenant.id;
  const me = access.member.id;
  let mine: MemberRecord = access.member;
  const capacities = new Map<string, number | null>();
  return retrying(async (last) => {
    if (last instanceof Contended && 'memberId' in last) {
      const fresh = (await getMembers(tenantId, [me])).get(me);
      if (!fresh) throw notFound('The member');
      mine = fresh;
    }
    const current = await getAssignment(tenantId, conversationId);
    if (current?.assigneeId === me) return assignmentView(conversationId, current);
    if (current?.assigneeId) throw conflict('This conversation is already assigned to someone else.');
    let limit: number | null = null;
    const teamId = current?.teamId;
    if (teamId) {
      if (!mine.teamIds.includes(teamId) && !hasPermission(access.permissions, 'conversations:assign')) {
        throw forbidden("This conversation waits in a team's queue: claiming it needs membership of that team.");
      }
      if (!capacities.has(teamId)) capacities.set(teamId, (await getTeam(tenantId, teamId))?.capacity ?? null);
      limit = capacities.get(teamId) ?? null;
      if (!hasCapacity(mine.openAssignments ?? 0, limit)) {
        throw conflict(
          `This team's capacity is ${limit} open conversations per person and you hold ${mine.openAssignments ?? 0}: finish one before claiming another.`,
        );
      }
    }
    const at = now.toISOString();
    const next = taken(current, tenantId, conversationId, me, at);
    await writeAssignments({
      tenantId,
      actor: actorOf(access),
      at,
      moves: [{ current, next, action: 'conversation.assigned', reason: 'claimed' }],
      members: membersOf([me, refOf(mine)]),
      ...(limit === null ? {} : { room: { capacity: limit } }),
    });
    return assignmentView(conversationId, next);
  });
}

/** The assignee themselves, or anyone with conversations:assign (a platform twin's row grants it). */
function assertMayRelease(access: Access, current: AssignmentRecord, what: string): void {
  if (current.assigneeId && current.assigneeId === access.member?.id) return;
  if (hasPermission(access.permissions, 'conversations:assign')) return;
  throw forbidden(`Only the assignee or someone with conversations:assign can ${what} this conversation.`);
}

/**
 * Hand back: a team conversation goes back to its team's queue (and the queue
 * drains — possibly to the same person, if they are the one with room); one
 * without a team becomes unassigned. A queued or unassigned one is left as it is.
 */
export async function unassign(access: Access, conversationId: string, now: Date, budget?: DrainBudget) {
  const tenantId = access.tenant.id;
  const stale = new Set<string>();
  const gone = new Set<string>();
  const done = await retrying(async (last) => {
    noteStale(last, stale);
    await noteGoneTeam(tenantId, last, gone);
    const current = await getAssignment(tenantId, conversationId);
    if (!current?.assigneeId) return { freed: [] as string[] };
    assertMayRelease(access, current, 'unassign');
    const known = access.member ? new Map([[access.member.id, refOf(access.member)]]) : undefined;
    const previous = await previousRef(tenantId, current, stale, known);
    const at = now.toISOString();
    await writeAssignments({
      tenantId,
      actor: actorOf(access),
      at,
      // Its team deleted (before teams counted what they hold): unassigned, never stuck.
      moves: [{ current, ...handedBack(current, 'unassigned', at, gone), action: 'conversation.unassigned' }],
      members: membersOf([current.assigneeId, previous]),
      ...(gone.size ? { goneTeams: gone } : {}),
    });
    const team = current.teamId && !gone.has(current.teamId) ? [current.teamId] : [];
    return { freed: [...(previous?.teamIds ?? []), ...team] };
  });
  if (done.freed.length) await drainAfter(access, done.freed, budget);
}

/**
 * Resolve: the inbox closed the conversation. Its assignment ends (the audit
 * trail keeps the history), the assignee's capacity frees and their teams'
 * queues drain; a queued one leaves the queue. Unknown or already resolved: nothing to do.
 */
export async function resolve(access: Access, conversationId: string, now: Date, budget?: DrainBudget) {
  const tenantId = access.tenant.id;
  const stale = new Set<string>();
  const gone = new Set<string>();
  const done = await retrying(async (last) => {
    noteStale(last, stale);
    await noteGoneTeam(tenantId, last, gone);
    const current = await getAssignment(tenantId, conversationId);
    if (!current) return { freed: [] as string[] };
    assertMayRelease(access, current, 'resolve');
    const known = access.member ? new Map([[access.member.id, refOf(access.member)]]) : undefined;
    const previous = await previousRef(tenantId, current, stale, known);
    await writeAssignments({
      tenantId,
      actor: actorOf(access),
      at: now.toISOString(),
      moves: [{ current, next: undefined, action: 'conversation.resolved', reason: 'resolved' }],
      members: membersOf([current.assigneeId, previous]),
      ...(gone.size ? { goneTeams: gone } : {}),
    });
    return { freed: previous?.teamIds ?? [] };
  });
  if (done.freed.length) await drainAfter(access, done.freed, budget);
}

/** A person's open conversations, oldest first (the GSI1 assignee queue). */
export async function memberQueue(access: Access, memberId: string, page: { limit: number; cursor?: string }) {
  const result = await listAssigneeQueue(access.tenant.id, memberId, page);
  return {
    items: result.items.map((a) => assignmentView(a.conversationId, a)),
    nextCursor: result.nextCursor,
  };
}

/**
 * A team's waiting conversations, oldest first, with when and why each queued.
 * A member reads the queue of a team of theirs; anyone else needs
 * conversations:view (they see every conversation anyway) or teams:manage
 * (they may join the team, so refusing them would protect nothing). The inbox
 * backend's twin reads any.
 */
export async function teamQueue(access: Access, teamId: string, page: { limit: number; cursor?: string }) {
  const me = access.member;
  if (
    me &&
    !me.teamIds.includes(teamId) &&
    !hasPermission(access.permissions, 'conversations:view') &&
    !hasPermission(access.permissions, 'teams:manage')
  ) {
    throw forbidden("Reading a team's queue needs membership of the team, conversations:view or teams:manage.");
  }
  const result = await listQueue(access.tenant.id, teamId, page);
  // Entries exist only in an existing team; an empty page checks the team itself.
  if (result.items.length === 0 && !(await getTeam(access.tenant.id, teamId))) throw notFound('The team');
  return result;
}
