/**
 * Conversations whose team no longer exists: teams deleted before they
 * counted the conversations assigned through them (a team holding any is now
 * refused deletion) left some pointing at nothing. A hand-back or release of
 * one must never be stuck on the team's missing item: it leaves the
 * conversation unassigned, audited with reason `team.deleted`.
 */
import type { AssignmentRecord } from '../domain/records.ts';
import { requeued, TeamChanged } from '../store/assignments.ts';
import { getTeam } from '../store/teams.ts';

/** Why a hand-back left a conversation unassigned: its team no longer exists. */
export const TEAM_GONE_REASON = 'team.deleted';

/**
 * When `error` says a team changed under the write and that team no longer
 * exists (deleted before teams counted their assigned conversations), records
 * it in `gone` and answers true: the caller writes again, leaving that team's
 * conversations unassigned instead of queuing them in a queue that is gone.
 */
export async function noteGoneTeam(tenantId: string, error: unknown, gone: Set<string>): Promise<boolean> {
  if (!(error instanceof TeamChanged) || gone.has(error.teamId)) return false;
  if (await getTeam(tenantId, error.teamId)) return false;
  gone.add(error.teamId);
  return true;
}

/** The conversation handed back: to its team's queue, or unassigned when it has no team or its team is gone. */
export function handedBack(current: AssignmentRecord, reason: string, at: string, gone: ReadonlySet<string>) {
  const teamGone = current.teamId !== undefined && gone.has(current.teamId);
  return {
    next: teamGone ? undefined : requeued(current, reason, at),
    reason: teamGone ? TEAM_GONE_REASON : reason,
  };
}
