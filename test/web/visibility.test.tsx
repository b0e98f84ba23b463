/**
 * The console shows only what the signed-in person may do, from their
 * effective permissions (GET /v1/tenants/{t}/me): screens, buttons, row
 * actions, and the permission grid's greyed cells.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { consoleState, visibleScreens } from '../../web/src/console/context';
import { RolesScreen } from '../../web/src/console/roles/RolesScreen';
import { UsersScreen } from '../../web/src/console/users/UsersScreen';
import { ALL, catalogue, inConsole, member, membership, stubApi } from './fixtures';

const page = (items: unknown[]) => ({ items, nextCursor: null });
const users = page([member(), member({ id: 'u-bob', email: 'bob@acme.test', name: 'Bob', status: 'suspended' })]);

function api() {
  return stubApi({
    'GET /v1/tenants/t1/users': users,
    'GET /v1/tenants/t1/roles': page([]),
    'GET /v1/tenants/t1/teams': page([]),
    'GET /v1/permissions': catalogue,
  });
}

describe('screens', () => {
  it('are those the permissions allow', () => {
    const labels = (permissions: Parameters<typeof membership>[0]) =>
      visibleScreens(consoleState(membership(permissions))).map((s) => s.label);
    expect(labels(ALL)).toEqual(['Users', 'Roles', 'Teams', 'Audit', 'Access review', 'Settings', 'My profile']);
    expect(labels(['audit:view'])).toEqual(['Audit', 'Access review', 'My profile']);
    expect(labels(['users:view', 'teams:view'])).toEqual(['Users', 'Teams', 'My profile']);
    expect(labels([])).toEqual(['My profile']);
    // The API keys and webhooks panels live on Organisation settings: integrations:manage alone reaches them.
    expect(labels(['integrations:manage'])).toEqual(['Settings', 'My profile']);
    expect(labels(['integrations:view'])).toEqual(['My profile']);
  });
});

describe('Users screen', () => {
  it('with users:create and users:edit: Invite, New user and the row actions', async () => {
    api();
    inConsole(<UsersScreen />, membership(ALL));
    await screen.findByRole('rowheader', { name: 'Ann Agent' });
    expect(screen.getByRole('button', { name: 'Invite user' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New user' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Edit ann@acme.test' })).toBeTruthy();
    expect(screen.getByText('2 of 3 seats used')).toBeTruthy();
  });

  it('with users:view only: the table without Invite, New user or any row action', async () => {
    api();
    inConsole(<UsersScreen />, membership(['users:view']));
    await screen.findByRole('rowheader', { name: 'Ann Agent' });
    expect(screen.queryByRole('button', { name: 'Invite user' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New user' })).toBeNull();
    expect(screen.queryByRole('button', { name: /ann@acme\.test/, hidden: true })).toBeNull();
  });

  it('at the seat limit: Invite and New user disabled, described by the reason', async () => {
    api();
    const full = membership(ALL);
    full.tenant.seats = { used: 3, limit: 3, available: 0 };
    inConsole(<UsersScreen />, full);
    const invite = screen.getByRole('button', { name: 'Invite user' }) as HTMLButtonElement;
    expect(invite.disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'New user' }) as HTMLButtonElement).disabled).toBe(true);
    const reason = document.getElementById(invite.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toMatch(/^All seats are taken\./);
    expect(screen.getByText('3 of 3 seats used')).toBeTruthy();
  });

  it('confirms a destructive action before it is sent, naming the member', async () => {
    const calls = api();
    inConsole(<UsersScreen />, membership(ALL));
    await userEvent.click(await screen.findByRole('button', { name: 'More actions for bob@acme.test' }));
    await userEvent.click(screen.getByRole('button', { name: 'Deactivate bob@acme.test' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Deactivate bob@acme.test?' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await userEvent.click(within(confirm).getByRole('button', { name: 'Deactivate' }));
    // The stub has no such route: the API's detail is what the person reads.
    expect((await within(confirm).findByRole('alert')).textContent).toBe(
      'No POST /v1/tenants/t1/users/u-bob/deactivate',
    );
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      '/v1/tenants/t1/users/u-bob/deactivate',
    ]);
  });
});

describe('Roles screen', () => {
  it('greys the grid’s permissions the signed-in person does not hold', async () => {
    api();
    inConsole(<RolesScreen />, membership(['roles:view', 'roles:create', 'users:view', 'contacts:view']));
    await userEvent.click(screen.getByRole('button', { name: 'New role' }));
    const dialog = await screen.findByRole('dialog', { name: 'New role' });
    const box = (name: string) => within(dialog).getByRole('checkbox', { name }) as HTMLInputElement;
    expect(box('users:view').disabled).toBe(false);
    expect(box('contacts:view').disabled).toBe(false);
    expect(box('users:delete').disabled).toBe(true);
    expect(box('billing:manage').disabled).toBe(true);
    // Resource × action, generated from the catalogue.
    expect(
      within(dialog)
        .getAllByRole('rowheader')
        .map((h) => h.textContent?.split(' (')[0]),
    ).toEqual(['users', 'contacts', 'billing']);
  });

  it('without roles:create there is no New role', async () => {
    api();
    inConsole(<RolesScreen />, membership(['roles:view']));
    await screen.findByRole('rowheader', { name: 'Administrator' });
    expect(screen.queryByRole('button', { name: 'New role' })).toBeNull();
  });
});
