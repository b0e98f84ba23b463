/**
 * Organisation settings (issue 18): rename for settings:manage, auto-suspension
 * for admins, transfer of ownership for the owner alone — with its consequences
 * said in the confirmation before anything is sent.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { ALL, inConsole, member, membership, stubApi } from './fixtures';

const page = (items: unknown[]) => ({ items, nextCursor: null });
const admins = page([
  member({ id: 'u-me', email: 'me@acme.test', name: 'Me Admin', role: 'admin' }),
  member({ id: 'u-ada', email: 'ada@acme.test', name: 'Ada Admin', role: 'admin' }),
]);

describe('Organisation settings', () => {
  it('the owner renames, and transfers ownership only after reading what it changes', async () => {
    const calls = stubApi({
      'GET /v1/tenants/t1/users': admins,
      'PATCH /v1/tenants/t1': { ...membership(ALL).tenant, name: 'Acme Care' },
      'POST /v1/tenants/t1/transfer-ownership': membership(ALL).tenant,
    });
    inConsole(<SettingsScreen />, membership(ALL, { owner: true }));
    const name = screen.getByLabelText('Organisation name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme Care');
    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await screen.findByText('The organisation is now called Acme Care.');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Acme Care' });

    await screen.findByRole('option', { name: 'Ada Admin (ada@acme.test)' });
    expect(screen.queryByRole('option', { name: /Me Admin/ })).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText('New owner'), 'u-ada');
    await userEvent.click(screen.getByRole('button', { name: 'Transfer ownership…' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Make Ada Admin the owner?' });
    expect(confirm.textContent).toMatch(/can change your role, suspend or remove you/);
    expect(calls.some((c) => c.path.endsWith('/transfer-ownership'))).toBe(false);
    await userEvent.click(within(confirm).getByRole('button', { name: 'Transfer ownership' }));
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.path.endsWith('/transfer-ownership')).map((c) => c.body)).toEqual([
        { memberId: 'u-ada' },
      ]),
    );
  });

  it('an admin who is not the owner sees no transfer; a non-admin with settings:manage sees the name only', async () => {
    stubApi({ 'GET /v1/tenants/t1/users': admins });
    const view = inConsole(<SettingsScreen />, membership(ALL));
    expect(screen.getByRole('heading', { name: 'Auto-suspension' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Transfer ownership' })).toBeNull();
    view.unmount();
    inConsole(<SettingsScreen />, membership(['settings:manage'], { role: 'manager' }));
    expect(screen.getByRole('heading', { name: 'Name' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Auto-suspension' })).toBeNull();
  });
});
