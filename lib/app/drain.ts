/**
 * The queue drains itself (DESIGN §1). Every change that makes room in a team
 * — a member comes online, joins, is reactivated; a conversation is resolved,
 * handed back or reassigned away; the capacity is raised or the strategy
 * changed — drains the affected teams right after its own commit, in the same
 * request: the oldest waiting conversations go to the strategy's picks
 * (lib/domain/drain.ts), several per transaction, each conditioned on the
 * assignee's version, availability and room, the conversation's version and
 * the rotation cursor as read. A condition that fails means someone moved
 * first: read again and go on.
 *
 * Nothing is stranded between a change and a drain: a change that makes room
 * commits first and then reads the queue; a conversation that queues commits
 * first and then reads the team's room. Whichever commits second sees the
 * other. What a request leaves (its budget ran out) stays marked for the
 * release job, which finishes it.
 */

import { type DrainStep, planDrain } from '../domain/drain.ts';
import type { AssignmentRecord, TenantRecord } from '../domain/records.ts';
import { MemberChanged, type MemberRef, type Move, writeAssignments } from '../store/assignments.ts';
import type { Actor } from '../store/audit.ts';
import { readQueueHead } from '../store/queue.ts';
import { backoff, isContention } from './retry.ts';
import { readTeam, rulesOf, type TeamSnapshot } from './team-state.ts';

/** Conversations one request drains per team at most; the release job continues a longer drain. */
export const DRAIN_LIMIT = 25;
/** Queue entries read at a time. */
const HEAD = 25;
/** Items per transaction (DynamoDB allows 100). */
const MAX_ITEMS = 100;
const MAX_ATTEMPTS = 30;

export interface DrainBudget {
  /** Conversations per team (default DRAIN_LIMIT). */
  limit?: number;
  /** Stop (the release job continues) when this says so, e.g. near the Lambda's time limit. */
  shouldStop?: () => boolean;
}

export interface DrainContext {
  actor: Actor;
  budget?: DrainBudget;
  /** Read every member's own item, not only the cards (the release job's sweep). */
  authoritative?: boolean;
}

export interface DrainOutcome {
  drained: number;
  /** The conversations it assigned. */
  assigned: string[];
  /** Stopped before the queue was empty or blocked (budget, time, contention): the release job continues. */
  remaining: boolean;
}

/** Drains each team in turn; a team that cannot be read or written now is left to the release job. */
export async function drainTeams(
  tenant: Pick<TenantRecord, 'id' | 'rolePermissions'>,
  teamIds: Iterable<string>,
  context: DrainContext,
): Promise<DrainOutcome> {
  const total: DrainOutcome = { drained: 0, assigned: [], remaining: false };
  for (const teamId of new Set(teamIds)) {
    const outcome = await drainTeam(tenant, teamId, context);
    total.drained += outcome.drained;
    total.assigned.push(...outcome.assigned);
    total.remaining ||= outcome.remaining;
  }
  return total;
}

/** How many of the planned steps fit in one transaction. */
function fitting(steps: readonly DrainStep[], refs: ReadonlyMap<string, MemberRef>): number {
  let items = 1; // the team
  const takers = new Set<string>();
  let n = 0;
  for (const step of steps) {
    let more = 3; // assignment, queue entry, audit
    if (!takers.has(step.assigneeId)) more += 1 + (refs.get(step.assigneeId)?.teamIds.length ?? 0);
    if (items + more > MAX_ITEMS) break;
    items += more;
    takers.add(step.assigneeId);
    n += 1;
  }
  return n;
}

function takenBy(current: AssignmentRecord, assigneeId: string, at: string): AssignmentRecord {
  const { queuedAt: _q, queueReason: _r, ...rest } = current;
  return { ...rest, assigneeId, assignedAt: at, updatedAt: at, version: current.version + 1 };
}

export async function drainTeam(
  tenant: Pick<TenantRecord, 'id' | 'rolePermissions'>,
  teamId: string,
  context: DrainContext,
): Promise<DrainOutcome> {
  const limit = context.budget?.limit ?? DRAIN_LIMIT;
  const shouldStop = context.budget?.shouldStop ?? (() => false);
  const verify = new Set<string>();
  let drained = 0;
  const assigned: string[] = [];
  let attempts = 0;
  let snapshot: TeamSnapshot | undefined;
  let head: AssignmentRecord[] = [];
  let more: Record<string, unknown> | undefined;
  for (;;) {
    if (drained >= limit || shouldStop()) return { drained, assigned, remaining: true };
    if (!snapshot) {
      const [team, page] = await Promise.all([
        readTeam(tenant, teamId, { verify, authoritative: context.authoritative }),
        readQueueHead(tenant.id, teamId, HEAD),
      ]);
      if (!team) return { drained, assigned, remaining: false };
      snapshot = team;
      head = page.items;
      more = page.next;
    } else if (head.length === 0 && more) {
      const page = await readQueueHead(tenant.id, teamId, HEAD, more);
      head = page.items;
      more = page.next;
    }
    if (head.length === 0) return { drained, assigned, remaining: false };
    const { team } = snapshot;
    const plan = planDrain(
      rulesOf(team),
      snapshot.candidates,
      head.map((a) => ({ conversationId: a.conversationId, queuedAt: a.queuedAt ?? a.updatedAt })),
      limit - drained,
    );
    if (plan.steps.length === 0) return { drained, assigned, remaining: false };
    const steps = plan.steps.slice(0, fitting(plan.steps, snapshot.refs));
    const at = new Date().toISOString();
    const byId = new Map(head.map((a) => [a.conversationId, a]));
    const moves: Move[] = steps.map((step) => ({
      current: byId.get(step.conversationId),
      next: takenBy(byId.get(step.conversationId) as AssignmentRecord, step.assigneeId, at),
      action: 'conversation.assigned',
      reason: `team.${team.assignmentStrategy}`,
      decision: step.decision,
    }));
    const members = new Map(steps.map((s) => [s.assigneeId, snapshot?.refs.get(s.assigneeId) as MemberRef]));
    const last = steps.at(-1)?.assigneeId as string;
    try {
      await writeAssignments({
        tenantId: tenant.id,
        actor: context.actor,
        at,
        moves,
        members,
        pick: { capacity: team.capacity },
        cursor: { teamId, previous: team.rrCursor ?? null, next: last },
      });
    } catch (error) {
      if (!isContention(error)) throw error;
      if (error instanceof MemberChanged) verify.add(error.memberId);
      if (++attempts >= MAX_ATTEMPTS) return { drained, assigned, remaining: true };
      snapshot = undefined;
      await backoff(attempts);
      continue;
    }
    attempts = 0;
    drained += steps.length;
    assigned.push(...steps.map((s) => s.conversationId));
    // Carry on from what this transaction wrote, without reading again.
    for (const step of steps) {
      const candidate = snapshot.candidates.find((c) => c.id === step.assigneeId);
      if (candidate) candidate.openAssignments += 1;
    }
    const done = new Set(steps.map((s) => s.conversationId));
    head = head.filter((a) => !done.has(a.conversationId));
    snapshot.team = { ...team, rrCursor: last, queued: (team.queued ?? 0) - steps.length };
  }
}

/** Stop draining this long before the Lambda's time limit (replying still fits; the job continues). */
export const DRAIN_MARGIN_MS = 3_000;

/** A request's drain budget from its remaining time. */
export const drainBudget = (remainingMs: () => number): DrainBudget => ({
  shouldStop: () => remainingMs() < DRAIN_MARGIN_MS,
});
