/**
 * The inactive badge: an active member with no sign-in for INACTIVE_AFTER_DAYS
 * or more reads "Inactive since <date>" — the seeds' reason for the Last login
 * column ("identify inactive accounts that may be candidates for suspension
 * or removal"). `inactiveSince` is the API's: the last sign-in or, never
 * signed in, when they were invited or created.
 */
import { day } from './format';

/** The first choice of the users screen's "Signed in: not for … days" filter. */
export const INACTIVE_AFTER_DAYS = 30;
const DAY_MS = 86_400_000;

export function isInactive(
  member: { status: string; inactiveSince: string },
  now: number,
  days = INACTIVE_AFTER_DAYS,
): boolean {
  const since = Date.parse(member.inactiveSince);
  return member.status === 'active' && Number.isFinite(since) && now - since >= days * DAY_MS;
}

/** "Inactive since Mar 1, 2026", or just "Inactive" where the date is already beside it. */
export function InactiveBadge({
  member,
  now,
  short,
}: {
  member: { status: string; inactiveSince: string };
  now: number;
  short?: boolean;
}) {
  if (!isInactive(member, now)) return null;
  return <span className="tag tag-warn">{short ? 'Inactive' : `Inactive since ${day(member.inactiveSince)}`}</span>;
}
