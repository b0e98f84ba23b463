/**
 * Inactive members (DESIGN §1, "access that stays right over time"): since
 * when a person has not signed in, and whom the tenant's auto-suspension may
 * take. Pure rules; the store finds candidates through its by-sign-in index
 * and each suspension's transaction still guards the last active admin.
 */
import type { MemberStatus } from './lifecycle.ts';

const DAY_MS = 86_400_000;

/** The longest inactivity a filter or the tenant setting may name (about ten years). */
export const MAX_INACTIVE_DAYS = 3650;

/**
 * The shortest auto-suspension period a tenant may set (DESIGN §2a rule 14):
 * a week, so a week-end, a public holiday or a short leave never suspends
 * anyone, and a period set as a weapon (1 day) cannot empty the admin team overnight.
 */
export const MIN_AUTO_SUSPEND_DAYS = 7;

/**
 * The period the job applies: the tenant's setting, never under the minimum —
 * a shorter one stored before the minimum existed (or written around the API)
 * suspends nobody sooner than a week.
 */
export function autoSuspendPeriod<T extends number | null | undefined>(days: T): T {
  return (typeof days === 'number' ? Math.max(days, MIN_AUTO_SUSPEND_DAYS) : days) as T;
}

export interface ActivityFacts {
  lastLoginAt: string | null;
  invitedAt: string | null;
  createdAt: string;
}

/**
 * Since when the person has not signed in: their last sign-in, or — never
 * signed in — since they were invited (or created, for direct creation).
 */
export function inactiveSince(member: ActivityFacts): string {
  return member.lastLoginAt ?? member.invitedAt ?? member.createdAt;
}

/** The instant `days` before `now`: inactive = no sign-in since before it. */
export function inactivityCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

export function isInactive(member: ActivityFacts, now: Date, days: number): boolean {
  return inactiveSince(member) < inactivityCutoff(now, days);
}

export interface SuspensionCandidate extends ActivityFacts {
  id: string;
  status: MemberStatus;
  role: string;
  /** When an admin last made the member active again: the inactivity clock restarts for auto-suspension. */
  reactivatedAt?: string;
}

export type SuspensionVerdict =
  | { suspend: true }
  | { suspend: false; because: 'not-active' | 'owner' | 'last-admin' | 'recently-active' | 'recently-reactivated' };

/**
 * Whether the tenant's auto-suspension (`days` without a sign-in) takes this
 * member now: only `active` members, never the owner, never the last active
 * admin, and not one an admin reactivated within the last `days` (their
 * decision stands for another full period).
 */
export function autoSuspension(
  member: SuspensionCandidate,
  tenant: { ownerId: string; activeAdmins: number },
  now: Date,
  days: number,
): SuspensionVerdict {
  if (member.status !== 'active') return { suspend: false, because: 'not-active' };
  if (member.id === tenant.ownerId) return { suspend: false, because: 'owner' };
  const cutoff = inactivityCutoff(now, days);
  if (inactiveSince(member) >= cutoff) return { suspend: false, because: 'recently-active' };
  if (member.reactivatedAt !== undefined && member.reactivatedAt >= cutoff) {
    return { suspend: false, because: 'recently-reactivated' };
  }
  if (member.role === 'admin' && tenant.activeAdmins <= 1) return { suspend: false, because: 'last-admin' };
  return { suspend: true };
}

/** The audit reason of an automatic suspension, in words an admin reads in the trail. */
export function suspensionReason(member: ActivityFacts, days: number): string {
  const since = inactiveSince(member);
  return member.lastLoginAt
    ? `No sign-in for ${days} days or more (last sign-in ${since}); the tenant suspends members inactive ${days} days.`
    : `Never signed in since ${since} (${days} days or more); the tenant suspends members inactive ${days} days.`;
}
