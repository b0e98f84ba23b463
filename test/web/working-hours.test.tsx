/** Working hours: the week as text, the editor in My profile (PUT and DELETE), and availability as people read it. */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { scheduleProblems } from '../../lib/domain/schedule';
import { WorkingHoursPanel } from '../../web/src/console/profile/WorkingHoursPanel';
import type { WorkingHours } from '../../web/src/data/working-hours';
import { availabilityText, officeWeek, scheduleSummary, weeklyOf, weekOf } from '../../web/src/ui/schedule';
import { ALL, inConsole, member, membership, stubApi } from './fixtures';

const berlin: WorkingHours = {
  timeZone: 'Europe/Berlin',
  weekly: [
    { day: 'tue', from: '09:00', to: '17:30' },
    { day: 'mon', from: '09:00', to: '17:30' },
    { day: 'wed', from: '09:00', to: '17:30' },
    { day: 'sat', from: '22:00', to: '02:00' },
    { day: 'sun', from: '18:00', to: '24:00' },
    { day: 'sun', from: '08:00', to: '12:00' },
  ],
};

describe('the week as text', () => {
  it('groups days with the same hours, says when a stretch runs past midnight, and names the zone', () => {
    expect(scheduleSummary(berlin)).toBe(
      'Mon–Wed 09:00–17:30; Sat 22:00–02:00 (next day); Sun 08:00–12:00, 18:00–24:00 (Europe/Berlin)',
    );
    expect(scheduleSummary({ timeZone: 'UTC', weekly: [] })).toBe('No hours at all (always away) (UTC)');
    expect(scheduleSummary(null)).toBe('None');
    expect(scheduleSummary({ timeZone: 'UTC', weekly: weeklyOf(officeWeek()) })).toBe('Mon–Fri 09:00–17:00 (UTC)');
  });

  it('goes day by day and back without losing a stretch', () => {
    const week = weekOf(berlin);
    expect(week.sun).toEqual([
      { from: '08:00', to: '12:00' },
      { from: '18:00', to: '24:00' },
    ]);
    expect(weeklyOf(week)).toHaveLength(berlin.weekly.length);
    expect(new Set(weeklyOf(week).map((i) => JSON.stringify(i)))).toEqual(
      new Set(berlin.weekly.map((i) => JSON.stringify(i))),
    );
  });

  it('says what assignment goes by: the choice, or away outside the hours', () => {
    expect(availabilityText({ availability: 'online', effectiveAvailability: 'online' })).toBe('Online');
    expect(availabilityText({ availability: 'away', effectiveAvailability: 'away' })).toBe('Away');
    expect(availabilityText({ availability: 'online', effectiveAvailability: 'away' })).toBe(
      'Online, but away now: outside working hours',
    );
  });
});

describe('WorkingHoursPanel', () => {
  function panel(hours: WorkingHours | null) {
    const calls = stubApi({
      'PUT /v1/tenants/t1/users/u-me/working-hours': member({ id: 'u-me' }),
      'DELETE /v1/tenants/t1/users/u-me/working-hours': member({ id: 'u-me' }),
    });
    inConsole(<WorkingHoursPanel tenantId="t1" userId="u-me" hours={hours} />, membership(ALL));
    return calls;
  }

  it('sets a week in the chosen time zone', async () => {
    const calls = panel(null);
    expect(screen.getByText('No working hours: you get new conversations whenever you are online.')).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText('Time zone'), 'America/New_York');
    await userEvent.click(screen.getByRole('button', { name: 'Fill in Monday to Friday, 09:00–17:00' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove Friday 09:00–17:00' }));
    const saturday = within(screen.getByRole('group', { name: 'Saturday' }));
    await userEvent.click(saturday.getByRole('button', { name: 'Add hours on Saturday' }));
    const from = screen.getByLabelText('Saturday from');
    await userEvent.clear(from);
    await userEvent.type(from, '22:00');
    const to = screen.getByLabelText('Saturday to');
    await userEvent.clear(to);
    await userEvent.type(to, '02:00');
    await userEvent.click(screen.getByRole('button', { name: 'Save working hours' }));
    await screen.findByText('Your working hours were saved.');
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({
      timeZone: 'America/New_York',
      weekly: [
        { day: 'mon', from: '09:00', to: '17:00' },
        { day: 'tue', from: '09:00', to: '17:00' },
        { day: 'wed', from: '09:00', to: '17:00' },
        { day: 'thu', from: '09:00', to: '17:00' },
        { day: 'sat', from: '22:00', to: '02:00' },
      ],
    });
  });

  it('shows the hours held, a second stretch named apart, and removes them', async () => {
    const calls = panel(berlin);
    expect(screen.getByText(/^Mon–Wed 09:00–17:30/)).toBeTruthy();
    expect((screen.getByLabelText('Time zone') as HTMLSelectElement).value).toBe('Europe/Berlin');
    // 24:00 is midnight, which a time input writes 00:00.
    expect((screen.getByLabelText('Sunday (2) to') as HTMLInputElement).value).toBe('00:00');
    await userEvent.click(screen.getByRole('button', { name: 'Remove working hours' }));
    await screen.findByText(/Your working hours were removed/);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
      '/v1/tenants/t1/users/u-me/working-hours',
    ]);
  });

  it('10:00 to 10:00 is what the help says it is (24 hours), and the API’s rule accepts what the panel sends', async () => {
    const calls = panel(null);
    expect(screen.getByText(/an end equal to the start is a whole 24 hours/)).toBeTruthy();
    const monday = within(screen.getByRole('group', { name: 'Monday' }));
    await userEvent.click(monday.getByRole('button', { name: 'Add hours on Monday' }));
    for (const label of ['Monday from', 'Monday to']) {
      const input = screen.getByLabelText(label);
      await userEvent.clear(input);
      await userEvent.type(input, '10:00');
    }
    await userEvent.click(screen.getByRole('button', { name: 'Save working hours' }));
    await screen.findByText('Your working hours were saved.');
    const put = calls.find((c) => c.method === 'PUT')?.body as WorkingHours;
    expect(put.weekly).toEqual([{ day: 'mon', from: '10:00', to: '10:00' }]);
    expect(scheduleProblems(put)).toEqual([]);
    expect(scheduleSummary({ timeZone: 'UTC', weekly: put.weekly })).toBe('Mon 10:00–10:00 (24 hours) (UTC)');
  });

  it('shows the API’s refusal', async () => {
    stubApi({});
    inConsole(<WorkingHoursPanel tenantId="t1" userId="u-me" hours={null} />, membership(ALL));
    await userEvent.click(screen.getByRole('button', { name: 'Save working hours' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No PUT /v1/tenants/t1/users/u-me/working-hours');
  });
});
