/** The users table: the seeds' columns, one row per member, and row actions named for their row. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Lookups } from '../../web/src/console/users/columns';
import { availableActions } from '../../web/src/console/users/RowActions';
import { UsersTable } from '../../web/src/console/users/UsersTable';
import { member } from './fixtures';

const lookups: Lookups = {
  roleName: (id) => ({ 'sales-lead': 'Sales lead' })[id] ?? id,
  teamName: (id) => ({ 'support-eu': 'Support EU' })[id] ?? id,
  ownerId: 'u-owner',
  myId: 'u-me',
};
const members = [
  member({ id: 'u-owner', email: 'olivia@acme.test', name: 'Olivia Owner', role: 'admin' }),
  member({ teamIds: ['support-eu'] }),
  member({
    id: 'u-sam',
    email: 'sam@acme.test',
    name: 'Sam Sales',
    role: 'custom',
    roleId: 'sales-lead',
    crmAccess: false,
  }),
  member({ id: 'u-ivy', email: 'ivy@acme.test', name: '', status: 'invited', lastLoginAt: null }),
];
const everything = { canEdit: true, canDelete: true };

function table(actions = everything) {
  const onAction = vi.fn();
  render(
    <UsersTable
      members={members}
      lookups={lookups}
      onAction={onAction}
      actionsFor={(m) => availableActions(m, { ...actions, isSelf: m.id === 'u-me', isOwner: m.id === 'u-owner' })}
    />,
  );
  return onAction;
}

describe('UsersTable', () => {
  it('has the seeds’ columns and one row per member, with role templates and teams by name', () => {
    table();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Email',
      'Role',
      'Role template',
      'Status',
      'CRM access',
      'Teams',
      'Last login',
      'Actions',
    ]);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(4);
    const sam = within(rows[2] as HTMLElement);
    expect(sam.getByRole('rowheader').textContent).toBe('Sam Sales');
    expect(sam.getAllByRole('cell').map((c) => c.textContent)).toEqual(
      expect.arrayContaining(['sam@acme.test', 'Custom', 'Sales lead', 'Active', 'No']),
    );
    expect(within(rows[1] as HTMLElement).getByText('Support EU')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText('Owner')).toBeTruthy();
    expect(within(rows[3] as HTMLElement).getByText('Never')).toBeTruthy();
    expect(within(rows[3] as HTMLElement).getByText('Invited')).toBeTruthy();
  });

  it('flags an active member without a sign-in for 30 days: “Inactive since …”', () => {
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    render(
      <UsersTable
        members={[
          member({ lastLoginAt: '2026-04-20T12:00:00.000Z' }),
          member({ id: 'u-new', email: 'new@acme.test', lastLoginAt: '2026-05-20T12:00:00.000Z' }),
          member({
            id: 'u-gone',
            email: 'gone@acme.test',
            status: 'deactivated',
            lastLoginAt: '2026-01-20T12:00:00.000Z',
          }),
        ]}
        lookups={{ ...lookups, now }}
        onAction={() => {}}
        actionsFor={() => []}
      />,
    );
    const [ann, recent, gone] = screen.getAllByRole('row').slice(1) as HTMLElement[];
    expect(within(ann as HTMLElement).getByText('Inactive since Apr 20, 2026')).toBeTruthy();
    expect(within(recent as HTMLElement).queryByText(/Inactive since/)).toBeNull();
    // Deactivated people have no access to review.
    expect(within(gone as HTMLElement).queryByText(/Inactive since/)).toBeNull();
  });

  it('says so when no member matches', () => {
    render(<UsersTable members={[]} lookups={lookups} onAction={() => {}} actionsFor={() => []} />);
    expect(screen.getByText('No users match these filters.')).toBeTruthy();
  });

  it('names every row control for its row, so no two controls share a name', async () => {
    table();
    // Those in closed menus too (hidden until their menu opens).
    const names = screen
      .getAllByRole('button', { hidden: true })
      .map((b) => b.getAttribute('aria-label') ?? b.textContent);
    expect(names.length).toBeGreaterThan(8);
    expect(new Set(names).size).toBe(names.length);
    expect(screen.getByRole('button', { name: 'Deactivate ann@acme.test', hidden: true })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Resend invitation ivy@acme.test', hidden: true })).toBeTruthy();
    // Nothing on the owner but Edit.
    expect(screen.queryByRole('button', { name: 'More actions for olivia@acme.test', hidden: true })).toBeNull();
    expect(screen.getByRole('button', { name: 'Edit olivia@acme.test' })).toBeTruthy();
  });

  it('opens a row’s menu and reports the action chosen for that member; Escape closes it', async () => {
    const onAction = table();
    const toggle = screen.getByRole('button', { name: 'More actions for sam@acme.test' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await userEvent.click(screen.getByRole('button', { name: 'Suspend sam@acme.test' }));
    expect(onAction).toHaveBeenCalledWith('suspend', expect.objectContaining({ id: 'u-sam' }));
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(toggle);
    await userEvent.keyboard('{Escape}');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
  });
});

describe('availableActions', () => {
  const who = { canEdit: true, canDelete: true, isSelf: false, isOwner: false };

  it('offers what the member’s status allows', () => {
    expect(availableActions(member({ status: 'invited' }), who)).toEqual(['edit', 'resend', 'delete']);
    expect(availableActions(member({ status: 'expired' }), who)).toEqual(['edit', 'resend', 'delete']);
    expect(availableActions(member({ status: 'active' }), who)).toEqual([
      'edit',
      'suspend',
      'deactivate',
      'reset',
      'resetMfa',
      'delete',
    ]);
    expect(availableActions(member({ status: 'suspended' }), who)).toEqual([
      'edit',
      'reactivate',
      'deactivate',
      'reset',
      'resetMfa',
      'delete',
    ]);
    expect(availableActions(member({ status: 'deactivated' }), who)).toEqual(['edit', 'reactivate', 'delete']);
  });

  it('offers only what the signed-in person may do, nothing on themselves, and no removal of the owner', () => {
    expect(availableActions(member(), { ...who, canDelete: false })).not.toContain('delete');
    expect(availableActions(member(), { ...who, canEdit: false })).toEqual(['delete']);
    expect(availableActions(member(), { ...who, isSelf: true })).toEqual([]);
    expect(availableActions(member(), { ...who, isOwner: true })).toEqual(['edit']);
  });
});
