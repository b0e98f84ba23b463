/**
 * Working hours across time zones and daylight-saving changes: known
 * transitions checked by hand, then fast-check over instants (many right
 * around each zone's transitions) and schedules, against an oracle that reads
 * only the zone's UTC offset at the instant and expands each interval into
 * plain day pieces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  effectiveAvailability,
  scheduleProblems,
  WEEKDAYS,
  type Weekday,
  type WorkingHours,
  type WorkingInterval,
  wallClock,
  withinWorkingHours,
} from '../../lib/domain/schedule.ts';

const utc = (iso: string) => new Date(iso);
const hours = (timeZone: string, ...weekly: [Weekday, string, string][]): WorkingHours => ({
  timeZone,
  weekly: weekly.map(([day, from, to]) => ({ day, from, to })),
});
const inside = (h: WorkingHours, iso: string) => withinWorkingHours(h, utc(iso));

describe('wall clock', () => {
  it('reads the weekday and minute a clock in the zone shows', () => {
    expect(wallClock('Europe/Berlin', utc('2026-03-29T00:30:00Z'))).toEqual({ day: 'sun', minute: 90 });
    expect(wallClock('Europe/Berlin', utc('2026-03-29T01:30:00Z'))).toEqual({ day: 'sun', minute: 210 });
    expect(wallClock('America/Los_Angeles', utc('2026-01-05T07:59:00Z'))).toEqual({ day: 'sun', minute: 23 * 60 + 59 });
    expect(wallClock('Asia/Kathmandu', utc('2026-01-05T00:00:00Z'))).toEqual({ day: 'mon', minute: 5 * 60 + 45 });
    expect(wallClock('Pacific/Kiritimati', utc('2026-01-04T11:00:00Z'))).toEqual({ day: 'mon', minute: 60 });
  });
});

describe('daylight-saving changes', () => {
  const berlinSunday = hours('Europe/Berlin', ['sun', '09:00', '17:30']);

  it('keeps 09:00–17:30 on the person’s clock when Berlin springs forward (the UTC edges move an hour)', () => {
    // A week before: CET, UTC+1.
    expect(inside(berlinSunday, '2026-03-22T07:59:00Z')).toBe(false);
    expect(inside(berlinSunday, '2026-03-22T08:00:00Z')).toBe(true);
    expect(inside(berlinSunday, '2026-03-22T16:29:59Z')).toBe(true);
    expect(inside(berlinSunday, '2026-03-22T16:30:00Z')).toBe(false);
    // The day of the change (02:00 CET → 03:00 CEST at 01:00 UTC): UTC+2 by nine.
    expect(inside(berlinSunday, '2026-03-29T06:59:00Z')).toBe(false);
    expect(inside(berlinSunday, '2026-03-29T07:00:00Z')).toBe(true);
    expect(inside(berlinSunday, '2026-03-29T15:29:00Z')).toBe(true);
    expect(inside(berlinSunday, '2026-03-29T15:30:00Z')).toBe(false);
  });

  it('a night shift across the skipped hour is an hour shorter', () => {
    const night = hours('Europe/Berlin', ['sun', '01:00', '04:00']);
    expect(inside(night, '2026-03-28T23:59:00Z')).toBe(false); // 00:59 CET
    expect(inside(night, '2026-03-29T00:00:00Z')).toBe(true); // 01:00 CET
    expect(inside(night, '2026-03-29T00:59:00Z')).toBe(true); // 01:59 CET
    expect(inside(night, '2026-03-29T01:00:00Z')).toBe(true); // 03:00 CEST (02:xx never happened)
    expect(inside(night, '2026-03-29T01:59:00Z')).toBe(true); // 03:59 CEST
    expect(inside(night, '2026-03-29T02:00:00Z')).toBe(false); // 04:00 CEST: two real hours in all
  });

  it('an interval inside the repeated hour holds both times when Berlin falls back', () => {
    const repeated = hours('Europe/Berlin', ['sun', '02:00', '03:00']);
    expect(inside(repeated, '2026-10-24T23:59:00Z')).toBe(false); // 01:59 CEST
    expect(inside(repeated, '2026-10-25T00:00:00Z')).toBe(true); // 02:00 CEST
    expect(inside(repeated, '2026-10-25T00:59:00Z')).toBe(true); // 02:59 CEST
    expect(inside(repeated, '2026-10-25T01:00:00Z')).toBe(true); // 02:00 CET, the second time
    expect(inside(repeated, '2026-10-25T01:59:00Z')).toBe(true); // 02:59 CET
    expect(inside(repeated, '2026-10-25T02:00:00Z')).toBe(false); // 03:00 CET
  });

  it('New York: 09:00 is 14:00 UTC before the change and 13:00 UTC after', () => {
    const weekdays = hours('America/New_York', ['mon', '09:00', '17:00']);
    expect(inside(weekdays, '2026-03-02T13:59:00Z')).toBe(false);
    expect(inside(weekdays, '2026-03-02T14:00:00Z')).toBe(true);
    expect(inside(weekdays, '2026-03-09T12:59:00Z')).toBe(false);
    expect(inside(weekdays, '2026-03-09T13:00:00Z')).toBe(true);
    expect(inside(weekdays, '2026-03-09T20:59:00Z')).toBe(true);
    expect(inside(weekdays, '2026-03-09T21:00:00Z')).toBe(false);
  });

  it('Sydney (southern hemisphere) falls back in April; Lord Howe moves only half an hour', () => {
    const sydney = hours('Australia/Sydney', ['mon', '09:00', '17:00']);
    expect(inside(sydney, '2026-03-29T22:00:00Z')).toBe(true); // Mon 09:00 AEDT (+11)
    expect(inside(sydney, '2026-03-29T21:59:00Z')).toBe(false);
    expect(inside(sydney, '2026-04-05T23:00:00Z')).toBe(true); // Mon 09:00 AEST (+10)
    expect(inside(sydney, '2026-04-05T22:59:00Z')).toBe(false);
    const lordHowe = hours('Australia/Lord_Howe', ['mon', '09:00', '17:00']);
    expect(inside(lordHowe, '2026-03-29T22:00:00Z')).toBe(true); // +11
    expect(inside(lordHowe, '2026-04-05T22:29:00Z')).toBe(false); // +10:30
    expect(inside(lordHowe, '2026-04-05T22:30:00Z')).toBe(true);
  });
});

describe('schedules', () => {
  it('a shift past midnight belongs to its start day and ends on the next, Sunday wrapping to Monday', () => {
    const night = hours('UTC', ['sun', '22:00', '06:00'], ['fri', '22:00', '02:00']);
    expect(inside(night, '2026-01-04T21:59:00Z')).toBe(false); // Sun 21:59
    expect(inside(night, '2026-01-04T22:00:00Z')).toBe(true);
    expect(inside(night, '2026-01-05T05:59:00Z')).toBe(true); // Mon 05:59
    expect(inside(night, '2026-01-05T06:00:00Z')).toBe(false);
    expect(inside(night, '2026-01-10T01:59:00Z')).toBe(true); // Sat 01:59
    expect(inside(night, '2026-01-10T02:00:00Z')).toBe(false);
    expect(inside(night, '2026-01-05T22:00:00Z')).toBe(false); // Mon 22:00: no Monday shift
  });

  it('24:00 ends at midnight; a whole week of 00:00–24:00 is always inside, an empty week never', () => {
    expect(inside(hours('UTC', ['mon', '18:00', '24:00']), '2026-01-05T23:59:00Z')).toBe(true);
    expect(inside(hours('UTC', ['mon', '18:00', '24:00']), '2026-01-06T00:00:00Z')).toBe(false);
    const always = hours('Asia/Kolkata', ...WEEKDAYS.map((d): [Weekday, string, string] => [d, '00:00', '24:00']));
    const never = hours('Asia/Kolkata');
    fc.assert(
      fc.property(
        fc.date({ min: utc('1990-01-01T00:00:00Z'), max: utc('2040-01-01T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          expect(withinWorkingHours(always, d)).toBe(true);
          expect(withinWorkingHours(never, d)).toBe(false);
        },
      ),
    );
  });

  it('an end equal to the start is 24 hours, past midnight like any end at or before the start', () => {
    const day = hours('UTC', ['mon', '10:00', '10:00']);
    expect(scheduleProblems(day)).toEqual([]);
    expect(inside(day, '2026-01-05T09:59:00Z')).toBe(false); // Mon 09:59
    expect(inside(day, '2026-01-05T10:00:00Z')).toBe(true);
    expect(inside(day, '2026-01-06T09:59:00Z')).toBe(true); // Tue 09:59
    expect(inside(day, '2026-01-06T10:00:00Z')).toBe(false);
    const midnight = hours('UTC', ['sun', '00:00', '00:00']);
    expect(inside(midnight, '2026-01-11T23:59:00Z')).toBe(true);
    expect(inside(midnight, '2026-01-12T00:00:00Z')).toBe(false);
  });

  it('validates: a known zone (canonical name kept)', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('+01:00')).toBeUndefined();
    expect(scheduleProblems(hours('Europe/Berlin', ['mon', '09:00', '17:30']))).toEqual([]);
    expect(scheduleProblems(hours('Nowhere/Town', ['mon', '09:00', '09:00']))).toEqual([
      { path: 'body.timeZone', message: expect.any(String) },
    ]);
  });
});

describe('effective availability', () => {
  const berlin = hours('Europe/Berlin', ['mon', '09:00', '17:30']);
  const mondayNoon = utc('2026-01-05T11:00:00Z');
  const mondayNight = utc('2026-01-05T21:00:00Z');

  it('a chosen away always holds; online holds inside the hours and reads away outside; no schedule: the choice', () => {
    expect(effectiveAvailability({ availability: 'away', workingHours: berlin }, mondayNoon)).toBe('away');
    expect(effectiveAvailability({ availability: 'online', workingHours: berlin }, mondayNoon)).toBe('online');
    expect(effectiveAvailability({ availability: 'online', workingHours: berlin }, mondayNight)).toBe('away');
    expect(effectiveAvailability({ availability: 'online' }, mondayNight)).toBe('online');
    expect(effectiveAvailability({ availability: 'away', workingHours: null }, mondayNoon)).toBe('away');
  });
});

// ── property: the schedule against an offset-only oracle, around every transition ──────────────────

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Santiago',
  'America/St_Johns',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Africa/Casablanca',
] as const;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `at`, in minutes — the only thing the oracle asks the time zone data. */
function offsetMinutes(timeZone: string, at: Date): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

const JS_DAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const toMinute = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** Each interval as plain `[day, from, to)` pieces of one day (a night shift is two pieces). */
function pieces(interval: WorkingInterval): [Weekday, number, number][] {
  const from = toMinute(interval.from);
  const to = toMinute(interval.to);
  if (from < to) return [[interval.day, from, to]];
  const next = WEEKDAYS[(WEEKDAYS.indexOf(interval.day) + 1) % 7] as Weekday;
  return [
    [interval.day, from, 1440],
    [next, 0, to],
  ];
}

function oracle(h: WorkingHours, at: Date): boolean {
  const local = new Date(at.getTime() + offsetMinutes(h.timeZone, at) * 60_000);
  const day = JS_DAYS[local.getUTCDay()] as Weekday;
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return h.weekly.flatMap(pieces).some(([d, from, to]) => d === day && minute >= from && minute < to);
}

/** Instants where a zone's offset changes, found hour by hour over 2025–2027. */
function transitions(timeZone: string): number[] {
  const found: number[] = [];
  let previous = offsetMinutes(timeZone, utc('2025-01-01T00:00:00Z'));
  for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2028-01-01T00:00:00Z'); t += 3_600_000) {
    const offset = offsetMinutes(timeZone, new Date(t));
    if (offset !== previous) found.push(t);
    previous = offset;
  }
  return found;
}

const TRANSITIONS = ZONES.flatMap((zone) => transitions(zone).map((t) => ({ zone, t })));

const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const interval: fc.Arbitrary<WorkingInterval> = fc
  .record({ day: fc.constantFrom(...WEEKDAYS), from: clock, to: fc.oneof(clock, fc.constant('24:00')) })
  .filter((i) => toMinute(i.from) !== toMinute(i.to));
const schedule = (zone: fc.Arbitrary<string>) =>
  fc.record({ timeZone: zone, weekly: fc.array(interval, { maxLength: 10 }) });

describe('property: agrees with the offset-only oracle', () => {
  it('finds the transitions it tests around (the runtime’s zone data knows daylight saving)', () => {
    expect(TRANSITIONS.filter((x) => x.zone === 'Europe/Berlin')).toHaveLength(6);
    expect(TRANSITIONS.filter((x) => x.zone === 'Asia/Kolkata')).toHaveLength(0);
  });

  it('at any instant of 1970–2037, in any of the zones', () => {
    fc.assert(
      fc.property(
        schedule(fc.constantFrom(...ZONES)),
        fc.date({ min: utc('1970-01-01T00:00:00Z'), max: utc('2037-12-31T00:00:00Z'), noInvalidDate: true }),
        (h, at) => {
          expect(withinWorkingHours(h, at)).toBe(oracle(h, at));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('within three hours of a daylight-saving transition', () => {
    const near = fc
      .tuple(
        fc.constantFrom(...TRANSITIONS),
        fc.integer({ min: -3 * 60, max: 3 * 60 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .map(([{ zone, t }, minutes, seconds]) => ({ zone, at: new Date(t + minutes * 60_000 + seconds * 1000) }));
    fc.assert(
      fc.property(near, fc.array(interval, { maxLength: 10 }), ({ zone, at }, weekly) => {
        const h = { timeZone: zone, weekly };
        expect(withinWorkingHours(h, at)).toBe(oracle(h, at));
      }),
      { numRuns: 2000 },
    );
  });

  it('moving every interval to another day never changes the answer on a day none of them touches', () => {
    fc.assert(
      fc.property(
        schedule(fc.constantFrom(...ZONES)),
        fc.date({ min: utc('2020-01-01T00:00:00Z'), max: utc('2030-01-01T00:00:00Z'), noInvalidDate: true }),
        (h, at) => {
          const { day } = wallClock(h.timeZone, at);
          const far = WEEKDAYS[(WEEKDAYS.indexOf(day) + 3) % 7] as Weekday;
          const moved = { ...h, weekly: h.weekly.map((i) => ({ ...i, day: far })) };
          expect(withinWorkingHours(moved, at)).toBe(false);
        },
      ),
    );
  });
});
