/**
 * Working hours (DESIGN §1): a member's weekly schedule in their own IANA
 * time zone makes them effectively `away` outside it, without touching the
 * availability they chose. Pure functions over plain data; wall-clock times
 * come from the runtime's own time zone data (Intl), so daylight-saving
 * changes follow the zone: "09:00–17:30" is 09:00–17:30 on the person's clock
 * on every day of the year, a shift spanning the change is an hour shorter or
 * longer, and a wall time skipped by the change does not occur that day.
 */
import type { Availability } from './assignment.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM` on a 24-hour clock; `to` may be `24:00` (the end of the day). */
export const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
export const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/**
 * One stretch of a week: `from` to `to` on `day`, end exclusive. A `to` at or
 * before `from` runs past midnight into the next day (a night shift); a `to`
 * equal to `from` is therefore a whole 24 hours (10:00 to 10:00 the next day),
 * the rule the console's help states, so no such interval is refused.
 */
export interface WorkingInterval {
  day: Weekday;
  from: string;
  to: string;
}

export interface WorkingHours {
  /** An IANA zone, e.g. `Europe/Berlin`, as the runtime names it canonically. */
  timeZone: string;
  weekly: WorkingInterval[];
}

/** At most this many intervals a week (a split shift every day, and room to spare). */
export const MAX_INTERVALS = 28;

export function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** The runtime's canonical name of an IANA zone (e.g. `europe/berlin` → `Europe/Berlin`), or undefined if unknown. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** What is wrong with a schedule, as field errors (empty: valid); `path` prefixes each error's path. */
export function scheduleProblems(hours: WorkingHours, path = 'body'): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (canonicalTimeZone(hours.timeZone) === undefined) {
    problems.push({ path: `${path}.timeZone`, message: 'Must be an IANA time zone, e.g. Europe/Berlin' });
  }
  if (hours.weekly.length > MAX_INTERVALS) {
    problems.push({ path: `${path}.weekly`, message: `At most ${MAX_INTERVALS} intervals` });
  }
  return problems;
}

/** Wall-clock formatters per zone, built once (constructing one is the expensive part). */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = FORMATTERS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    FORMATTERS.set(timeZone, format);
  }
  return format;
}

const WEEKDAY_BY_NAME: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** The weekday and minute of the day a clock in `timeZone` shows at `at`. */
export function wallClock(timeZone: string, at: Date): { day: Weekday; minute: number } {
  let day: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = WEEKDAY_BY_NAME[part.value] ?? day;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

const previousDay = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;

/** Whether `at` falls inside the schedule, on the person's own clock. */
export function withinWorkingHours(hours: WorkingHours, at: Date): boolean {
  const { day, minute } = wallClock(hours.timeZone, at);
  const yesterday = previousDay(day);
  return hours.weekly.some((interval) => {
    const from = minuteOfDay(interval.from);
    const to = minuteOfDay(interval.to);
    if (from < to) return interval.day === day && minute >= from && minute < to;
    // Past midnight: the evening on its own day, the early hours of the next.
    return (interval.day === day && minute >= from) || (interval.day === yesterday && minute < to);
  });
}

/**
 * The availability that counts for assignment: the person's choice of `away`
 * always holds; `online` holds inside their working hours (or always, without
 * a schedule) and reads as `away` outside them.
 */
export function effectiveAvailability(
  member: { availability: Availability; workingHours?: WorkingHours | null },
  at: Date,
): Availability {
  if (member.availability === 'away') return 'away';
  if (!member.workingHours) return 'online';
  return withinWorkingHours(member.workingHours, at) ? 'online' : 'away';
}
