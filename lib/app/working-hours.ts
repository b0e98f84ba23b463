/**
 * Working hours (DESIGN §1): a member's weekly schedule in their time zone.
 * Setting or removing it never touches the availability they chose; the
 * member view and the assignment strategies weigh the two
 * (lib/domain/schedule.ts `effectiveAvailability`).
 */
import { DomainError } from '../domain/errors.ts';
import type { MemberRecord } from '../domain/records.ts';
import { canonicalTimeZone, scheduleProblems, type WorkingHours } from '../domain/schedule.ts';
import { writeMemberChange } from '../store/members.ts';
import { actOn, actorOf } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

/**
 * The person themselves, or someone with teams:manage (the route checks which)
 * who dominates them (DESIGN §2a rule 1); null removes the schedule.
 */
export async function setWorkingHours(
  access: TenantAccess,
  memberId: string,
  hours: WorkingHours | null,
  now: Date,
): Promise<MemberRecord> {
  let schedule: WorkingHours | undefined;
  if (hours) {
    const problems = scheduleProblems(hours);
    if (problems.length)
      throw new DomainError('validation-failed', 'These working hours are not valid.', { errors: problems });
    schedule = { timeZone: canonicalTimeZone(hours.timeZone) as string, weekly: hours.weekly };
  }
  const { member: current } = await actOn(access, memberId, 'edit');
  if (JSON.stringify(current.workingHours) === JSON.stringify(schedule)) return current;
  const at = now.toISOString();
  const next: MemberRecord = { ...current, workingHours: schedule, updatedAt: at, version: current.version + 1 };
  if (!schedule) delete next.workingHours;
  await writeMemberChange({ current, next, actor: actorOf(access), action: 'member.working_hours_changed', at });
  return next;
}
