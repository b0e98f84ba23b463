/**
 * Teams and conversation assignment (the product rules): who may receive a
 * conversation, which teammate a strategy picks, and why (the decision log
 * every automatic pick records). Pure functions over plain data — the store
 * makes each pick one conditional transaction.
 */

import { normaliseName } from './names.ts';
import { hasPermission, type Permission } from './permissions.ts';

export const STRATEGIES = ['round_robin', 'load_balanced', 'manual'] as const;
export type AssignmentStrategy = (typeof STRATEGIES)[number];

export const AVAILABILITIES = ['online', 'away'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** The permissions that make someone a possible assignee: they can see and answer their conversations. */
export const CONVERSATION_RIGHTS: readonly Permission[] = ['conversations:reply', 'conversations:view_assigned'];

export function hasConversationRights(permissions: readonly Permission[]): boolean {
  return CONVERSATION_RIGHTS.some((p) => hasPermission(permissions, p));
}

/** A teammate as a strategy sees them. */
export interface Candidate {
  id: string;
  status: string;
  availability: Availability;
  openAssignments: number;
  /** Effective permissions (custom roles resolved). */
  permissions: readonly Permission[];
}

/** What a strategy needs to know about the team. */
export interface TeamRules {
  assignmentStrategy: AssignmentStrategy;
  /** Max open conversations per agent for automatic picks; null = unlimited. */
  capacity: number | null;
  /** The member the strategy picked last. */
  rrCursor?: string | null;
}

/** Below the per-agent capacity (null = unlimited). */
export function hasCapacity(openAssignments: number, capacity: number | null | undefined): boolean {
  return capacity === null || capacity === undefined || openAssignments < capacity;
}

/** Why a member is passed over: their status (suspended, deactivated, …), away, no rights, or full. */
export type SkipReason = 'away' | 'no-conversation-rights' | 'at-capacity' | (string & {});

/** Why a candidate cannot receive an automatic assignment, or undefined when they can. */
export function ineligibility(candidate: Candidate, capacity: number | null | undefined): SkipReason | undefined {
  if (candidate.status !== 'active') return candidate.status;
  if (candidate.availability !== 'online') return 'away';
  if (!hasConversationRights(candidate.permissions)) return 'no-conversation-rights';
  if (!hasCapacity(candidate.openAssignments, capacity)) return 'at-capacity';
  return undefined;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Active, online, with conversation rights and below capacity; ordered by id (the rotation order). */
export function eligibleCandidates(candidates: readonly Candidate[], capacity: number | null | undefined): Candidate[] {
  return candidates.filter((c) => ineligibility(c, capacity) === undefined).sort(byId);
}

/**
 * Round robin: the first id after `lastId` in id order, wrapping around. The
 * cursor is the last picked member's id (not an index), so people joining or
 * leaving the team never make the rotation skip or repeat anyone else.
 */
export function pickRoundRobin(ids: readonly string[], lastId: string | null | undefined): string | undefined {
  if (ids.length === 0) return undefined;
  const sorted = [...ids].sort();
  if (!lastId) return sorted[0];
  return sorted.find((id) => id > lastId) ?? sorted[0];
}

/**
 * Load balanced: the fewest open conversations; a tie goes to the first tied
 * member after `lastId` in rotation order, so ties are shared out in turn
 * rather than always won by the same person.
 */
export function pickLoadBalanced(
  candidates: readonly Pick<Candidate, 'id' | 'openAssignments'>[],
  lastId: string | null | undefined,
): string | undefined {
  if (candidates.length === 0) return undefined;
  const fewest = Math.min(...candidates.map((c) => c.openAssignments));
  return pickRoundRobin(
    candidates.filter((c) => c.openAssignments === fewest).map((c) => c.id),
    lastId,
  );
}

/** At most this many candidates are listed by name in one decision (the rest are counted). */
export const DECISION_CANDIDATES = 100;

/**
 * Why a strategy chose as it did, kept in the audit item of every automatic
 * pick: "why did Ana get this chat?" has an answer.
 */
export interface Decision {
  strategy: AssignmentStrategy;
  capacity: number | null;
  /** The rotation cursor the pick started from. */
  after: string | null;
  /** Everyone considered, with their load; `skipped` says why someone could not receive it. */
  candidates: { id: string; load: number; skipped?: SkipReason }[];
  /** Candidates beyond DECISION_CANDIDATES, not listed. */
  unlisted?: number;
  picked: string | null;
}

export type QueueReason =
  /** The team assigns by hand. */
  | 'manual'
  /** Nobody active, online, with conversation rights and room. */
  | 'nobody-available'
  /** Older conversations were waiting: it queued behind them (the drain takes the oldest first). */
  | 'queue-order'
  /** Handed back (DELETE …/assignment). */
  | 'unassigned'
  /** The assignee was deactivated or deleted. */
  | 'assignee.left'
  | 'assignee.suspended'
  /** The assignee stayed away longer than the team's awayReleaseSeconds. */
  | 'assignee.away';

export type TeamPick =
  | { kind: 'assigned'; assigneeId: string; decision: Decision }
  /** Nobody can take it now (or the team assigns manually): it waits in the team queue. */
  | { kind: 'queued'; reason: Extract<QueueReason, 'manual' | 'nobody-available'>; decision: Decision };

function decisionOf(team: TeamRules, candidates: readonly Candidate[], picked: string | null): Decision {
  const sorted = [...candidates].sort(byId);
  const listed = sorted.slice(0, DECISION_CANDIDATES).map((c) => {
    const skipped = team.assignmentStrategy === 'manual' ? undefined : ineligibility(c, team.capacity);
    return { id: c.id, load: c.openAssignments, ...(skipped ? { skipped } : {}) };
  });
  return {
    strategy: team.assignmentStrategy,
    capacity: team.capacity,
    after: team.rrCursor ?? null,
    candidates: listed,
    ...(sorted.length > listed.length ? { unlisted: sorted.length - listed.length } : {}),
    picked,
  };
}

/** What a team's strategy does with one conversation, and why. */
export function pickFromTeam(team: TeamRules, candidates: readonly Candidate[]): TeamPick {
  if (team.assignmentStrategy === 'manual') {
    return { kind: 'queued', reason: 'manual', decision: decisionOf(team, candidates, null) };
  }
  const eligible = eligibleCandidates(candidates, team.capacity);
  const id =
    team.assignmentStrategy === 'round_robin'
      ? pickRoundRobin(
          eligible.map((c) => c.id),
          team.rrCursor,
        )
      : pickLoadBalanced(eligible, team.rrCursor);
  const decision = decisionOf(team, candidates, id ?? null);
  return id === undefined
    ? { kind: 'queued', reason: 'nobody-available', decision }
    : { kind: 'assigned', assigneeId: id, decision };
}

/** Team names are unique per tenant: lib/domain/names.ts (NFKC, case-folded, invisible characters and spacing ignored). */
export const normaliseTeamName = (name: string): string => normaliseName(name);

/** A conversation id of the inbox product: opaque, URL-safe, bounded. */
export const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** At most this many teams per member, so a member change with its team links fits one transaction. */
export const MAX_TEAMS_PER_MEMBER = 20;

/** `awayReleaseSeconds`: absent = never; 0 = at once; at most 30 days. */
export const MAX_AWAY_RELEASE_SECONDS = 30 * 86_400;

/** Whether a member away since `awaySince` has been away long enough for a team's release (absent = never). */
export function awayReleaseDue(
  awayReleaseSeconds: number | null | undefined,
  awaySince: string | undefined,
  now: Date,
): boolean {
  if (awayReleaseSeconds === null || awayReleaseSeconds === undefined || !awaySince) return false;
  return now.getTime() - Date.parse(awaySince) >= awayReleaseSeconds * 1000;
}
