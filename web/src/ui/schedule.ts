/**
 * Working hours as a person reads and edits them: the week day by day, a
 * summary such as "Mon–Fri 09:00–17:30 (Europe/Berlin)", and the sentence
 * that says why someone is away right now.
 */
import type { Interval, Weekday, WorkingHours } from '../data/working-hours';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const SHORT: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

export type Span = { from: string; to: string };
export type Week = Record<Weekday, Span[]>;

const emptyWeek = (): Week => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });

/** The schedule day by day, each day's spans in order of their start. */
export function weekOf(hours: WorkingHours | null | undefined): Week {
  const week = emptyWeek();
  for (const { day, from, to } of hours?.weekly ?? []) week[day].push({ from, to });
  for (const day of WEEKDAYS) week[day].sort((a, b) => a.from.localeCompare(b.from));
  return week;
}

/** The week as the API takes it. */
export function weeklyOf(week: Week): Interval[] {
  return WEEKDAYS.flatMap((day) => week[day].map(({ from, to }) => ({ day, from, to })));
}

/** Monday to Friday, 09:00–17:00: the usual start. */
export function officeWeek(): Week {
  const week = emptyWeek();
  for (const day of WEEKDAYS.slice(0, 5)) week[day] = [{ from: '09:00', to: '17:00' }];
  return week;
}

/**
 * One span as text: an end of 00:00 is midnight (24:00); an end equal to the start is a whole 24 hours; another end
 * at or before the start is the next day's.
 */
export function spanText({ from, to }: Span): string {
  if (to === '00:00') return `${from}–24:00`;
  if (to === from) return `${from}–${to} (24 hours)`;
  return to <= from ? `${from}–${to} (next day)` : `${from}–${to}`;
}

/** "Mon–Fri 09:00–17:00; Sat 10:00–14:00 (Europe/Berlin)"; consecutive days with the same hours share a range. */
export function scheduleSummary(hours: WorkingHours | null | undefined): string {
  if (!hours) return 'None';
  const week = weekOf(hours);
  const text = (day: Weekday) => week[day].map(spanText).join(', ');
  const parts: string[] = [];
  let start = 0;
  while (start < WEEKDAYS.length) {
    const first = WEEKDAYS[start] as Weekday;
    let end = start;
    while (end + 1 < WEEKDAYS.length && text(WEEKDAYS[end + 1] as Weekday) === text(first)) end += 1;
    if (text(first)) {
      const last = WEEKDAYS[end] as Weekday;
      parts.push(`${SHORT[first]}${end > start ? `–${SHORT[last]}` : ''} ${text(first)}`);
    }
    start = end + 1;
  }
  return `${parts.length ? parts.join('; ') : 'No hours at all (always away)'} (${hours.timeZone})`;
}

/** Why someone is (or is not) getting conversations now, from their choice and the effective availability. */
export function availabilityText(member: {
  availability: 'online' | 'away';
  effectiveAvailability: 'online' | 'away';
}): string {
  if (member.effectiveAvailability === 'online') return 'Online';
  if (member.availability === 'away') return 'Away';
  return 'Online, but away now: outside working hours';
}

/** The IANA zones this browser knows, with `current` among them. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known].sort();
}

/** This browser's own zone (the default for a new schedule). */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
