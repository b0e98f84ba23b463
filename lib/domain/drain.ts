/**
 * The queue drains itself (DESIGN §1): when room appears in a team, its
 * oldest waiting conversations go to the strategy's picks, one after the
 * other, each pick seeing the loads the previous ones left. Pure planning
 * over plain data; the store commits a plan in conditional transactions and
 * re-plans from fresh reads when a condition fails.
 */
import { type Candidate, type Decision, pickFromTeam, type TeamRules } from './assignment.ts';

export interface Waiting {
  conversationId: string;
  queuedAt: string;
}

export interface DrainStep {
  conversationId: string;
  assigneeId: string;
  decision: Decision;
}

export interface DrainPlan {
  steps: DrainStep[];
  /** The rotation cursor after the last step. */
  cursor: string | null;
  /** True when it stopped because nobody eligible has room left (not because of `limit` or the queue's end). */
  blocked: boolean;
}

/** Oldest first; equal times by conversation id, so every drain agrees on the order. */
export function queueOrder(a: Waiting, b: Waiting): number {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? -1 : 1;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

/**
 * Up to `limit` of the oldest waiting conversations, each to the strategy's
 * pick given the loads so far. Stops at the first one nobody can take: a
 * younger conversation never jumps an older one.
 */
export function planDrain(
  team: TeamRules,
  candidates: readonly Candidate[],
  queue: readonly Waiting[],
  limit: number,
): DrainPlan {
  const people = candidates.map((c) => ({ ...c }));
  const waiting = [...queue].sort(queueOrder);
  let cursor = team.rrCursor ?? null;
  const steps: DrainStep[] = [];
  for (const conversation of waiting) {
    if (steps.length >= limit) return { steps, cursor, blocked: false };
    const pick = pickFromTeam({ ...team, rrCursor: cursor }, people);
    if (pick.kind === 'queued') return { steps, cursor, blocked: true };
    const person = people.find((p) => p.id === pick.assigneeId) as Candidate;
    person.openAssignments += 1;
    cursor = person.id;
    steps.push({ conversationId: conversation.conversationId, assigneeId: person.id, decision: pick.decision });
  }
  return { steps, cursor, blocked: false };
}

/** Free units of capacity among the eligible (Infinity when a team without capacity has anyone eligible). */
export function freeCapacity(team: TeamRules, candidates: readonly Candidate[]): number {
  if (team.assignmentStrategy === 'manual') return 0;
  let free = 0;
  for (const c of candidates) {
    const pick = pickFromTeam({ ...team, assignmentStrategy: 'round_robin', rrCursor: null }, [c]);
    if (pick.kind === 'queued') continue;
    if (team.capacity === null) return Number.POSITIVE_INFINITY;
    free += team.capacity - c.openAssignments;
  }
  return free;
}
