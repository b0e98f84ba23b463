/**
 * My working hours: a weekly schedule on my own clock (an IANA time zone).
 * Outside it I get no new conversations whatever I chose; inside it my
 * choice holds. Saved with PUT …/working-hours, removed with DELETE.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { describe } from '../../api/problem';
import type { Weekday, WorkingHours } from '../../data/working-hours';
import { useClearWorkingHours, useSetWorkingHours } from '../../data/working-hours';
import { ErrorText } from '../../ui/Dialog';
import { SelectField } from '../../ui/Field';
import { MAX_INTERVALS } from '../../ui/rules';
import {
  browserTimeZone,
  DAY_NAMES,
  officeWeek,
  type Span,
  scheduleSummary,
  timeZones,
  WEEKDAYS,
  type Week,
  weeklyOf,
  weekOf,
} from '../../ui/schedule';

/** The week as the inputs show it: a `24:00` end is midnight, which a time input writes as 00:00. */
const editable = (hours: WorkingHours | null): Week => {
  const week = weekOf(hours);
  for (const day of WEEKDAYS) week[day] = week[day].map((s) => ({ ...s, to: s.to === '24:00' ? '00:00' : s.to }));
  return week;
};

export function WorkingHoursPanel({
  tenantId,
  userId,
  hours,
}: {
  tenantId: string;
  userId: string;
  hours: WorkingHours | null;
}) {
  const save = useSetWorkingHours(tenantId);
  const clear = useClearWorkingHours(tenantId);
  const [timeZone, setTimeZone] = useState(hours?.timeZone ?? browserTimeZone());
  const [week, setWeek] = useState<Week>(() => editable(hours));
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const limitId = useId();
  // What the server holds wins when it changes (saved here, or elsewhere).
  useEffect(() => {
    setWeek(editable(hours));
    if (hours) setTimeZone(hours.timeZone);
  }, [hours]);

  const count = WEEKDAYS.reduce((n, day) => n + week[day].length, 0);
  const full = count >= MAX_INTERVALS;
  const change = (day: Weekday, spans: Span[]) => setWeek((w) => ({ ...w, [day]: spans }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus(undefined);
    setError(undefined);
    save.mutate(
      { userId, hours: { timeZone, weekly: weeklyOf(week) } },
      { onSuccess: () => setStatus('Your working hours were saved.'), onError: (e) => setError(describe(e)) },
    );
  }

  function remove() {
    setStatus(undefined);
    setError(undefined);
    clear.mutate(userId, {
      onSuccess: () => setStatus('Your working hours were removed: you get conversations whenever you are online.'),
      onError: (e) => setError(describe(e)),
    });
  }

  return (
    <section className="panel" aria-labelledby="hours-title">
      <h2 id="hours-title">Working hours</h2>
      <p>
        {hours ? (
          <>
            Your hours: <strong>{scheduleSummary(hours)}</strong>
          </>
        ) : (
          'No working hours: you get new conversations whenever you are online.'
        )}
      </p>
      <p className="hint">
        Outside your hours you get no new conversations, whatever you chose above; inside them your choice holds. An end
        before the start runs past midnight into the next day; an end equal to the start is a whole 24 hours (10:00 to
        10:00 the next day).
      </p>
      <form onSubmit={submit} aria-label="Working hours">
        <div className="narrow">
          <SelectField label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {timeZones(timeZone).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="week">
          {WEEKDAYS.map((day) => (
            <DayHours
              key={day}
              day={day}
              spans={week[day]}
              onChange={(spans) => change(day, spans)}
              full={full}
              limitId={limitId}
            />
          ))}
        </div>
        <p className="hint" id={limitId}>
          {full ? `A week holds at most ${MAX_INTERVALS} stretches of hours.` : ''}
        </p>
        <p role="status" className="status-line">
          {status}
        </p>
        {error ? <ErrorText>{error}</ErrorText> : null}
        <div className="actions start">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save working hours'}
          </button>
          <button type="button" onClick={() => setWeek(officeWeek())}>
            Fill in Monday to Friday, 09:00–17:00
          </button>
          {hours ? (
            <button type="button" onClick={remove} disabled={clear.isPending}>
              Remove working hours
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

function DayHours({
  day,
  spans,
  onChange,
  full,
  limitId,
}: {
  day: Weekday;
  spans: Span[];
  onChange: (spans: Span[]) => void;
  full: boolean;
  limitId: string;
}) {
  const id = useId();
  const name = DAY_NAMES[day];
  const set = (i: number, patch: Partial<Span>) => onChange(spans.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <fieldset className="day">
      <legend>{name}</legend>
      <div className="spans">
        {spans.length === 0 ? <span className="hint">Not working</span> : null}
        {spans.map((span, i) => {
          // Named for the day (and the stretch, when there are several) so every control is unique on the page.
          const which = i === 0 ? name : `${name} (${i + 1})`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: stretches have no identity but their place in the day
            <div className="span" key={i}>
              <label htmlFor={`${id}-${i}-from`}>
                <span className="visually-hidden">{which} </span>from
              </label>
              <input
                id={`${id}-${i}-from`}
                type="time"
                required
                value={span.from}
                onChange={(e) => set(i, { from: e.target.value })}
              />
              <label htmlFor={`${id}-${i}-to`}>
                <span className="visually-hidden">{which} </span>to
              </label>
              <input
                id={`${id}-${i}-to`}
                type="time"
                required
                value={span.to}
                onChange={(e) => set(i, { to: e.target.value })}
              />
              <button
                type="button"
                className="compact"
                aria-label={`Remove ${which} ${span.from}–${span.to}`}
                onClick={() => onChange(spans.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="compact"
        disabled={full}
        aria-describedby={full ? limitId : undefined}
        onClick={() => onChange([...spans, { from: '09:00', to: '17:00' }])}
      >
        Add hours<span className="visually-hidden"> on {name}</span>
      </button>
    </fieldset>
  );
}
