/**
 * Teams and conversation assignment (the product rules): who may receive a
 * conversation, and which teammate a strategy picks. Pure functions over
 * plain data — the store makes each pick one conditional transaction.
 */
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

/** Below the per-agent capacity (null = unlimited). */
export function hasCapacity(openAssignments: number, capacity: number | null | undefined): boolean {
  return capacity === null || capacity === undefined || openAssignments < capacity;
}

/** Why a candidate cannot receive an automatic assignment, or undefined when they can. */
export function ineligibility(
  candidate: Candidate,
  capacity: number | null | undefined,
): 'inactive' | 'away' | 'no-conversation-rights' | 'at-capacity' | undefined {
  if (candidate.status !== 'active') return 'inactive';
  if (candidate.availability !== 'online') return 'away';
  if (!hasConversationRights(candidate.permissions)) return 'no-conversation-rights';
  if (!hasCapacity(candidate.openAssignments, capacity)) return 'at-capacity';
  return undefined;
}

/** Active, online, with conversation rights and below capacity; ordered by id (the rotation order). */
export function eligibleCandidates(candidates: readonly Candidate[], capacity: number | null | undefined): Candidate[] {
  return candidates
    .filter((c) => ineligibility(c, capacity) === undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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

export type TeamPick =
  | { kind: 'assigned'; assigneeId: string }
  /** Nobody can take it now (or the team assigns manually): it waits in the team queue. */
  | { kind: 'queued'; reason: 'manual' | 'nobody-available' };

/** What a team's strategy does with a new conversation. */
export function pickFromTeam(
  team: { assignmentStrategy: AssignmentStrategy; capacity: number | null; rrCursor?: string | null },
  candidates: readonly Candidate[],
): TeamPick {
  if (team.assignmentStrategy === 'manual') return { kind: 'queued', reason: 'manual' };
  const eligible = eligibleCandidates(candidates, team.capacity);
  const id =
    team.assignmentStrategy === 'round_robin'
      ? pickRoundRobin(
          eligible.map((c) => c.id),
          team.rrCursor,
        )
      : pickLoadBalanced(eligible, team.rrCursor);
  return id === undefined ? { kind: 'queued', reason: 'nobody-available' } : { kind: 'assigned', assigneeId: id };
}

/** Team names are unique per tenant, compared case- and space-insensitively. */
export function normaliseTeamName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A conversation id of the inbox product: opaque, URL-safe, bounded. */
export const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** At most this many teams per member, so a member change with its team links fits one transaction. */
export const MAX_TEAMS_PER_MEMBER = 20;
