/**
 * Directory provisioning in the console (issue 19): the SCIM panel for admins
 * only — a new token and the base URL shown once with Copy buttons, the list,
 * revoke after a confirmation, the ordered role mappings — and a
 * directory-managed member's name, email, role, teams and status controls
 * disabled with the reason.
 */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { MemberDialog } from '../../web/src/console/users/MemberDialog';
import { availableActions } from '../../web/src/console/users/RowActions';
import { ALL, inConsole, member, membership, stubApi } from './fixtures';

const created = {
  id: '01jnq7x4m2a8b6c9d0e1f2g3h4',
  name: 'Okta production',
  prefix: 'rsc_t1.01jnq7x4m2a8b6c9d0e1f2g3h4',
  createdAt: '2026-03-01T09:30:00.000Z',
  createdBy: 'u-me',
  token: 'rsc_t1.01jnq7x4m2a8b6c9d0e1f2g3h4.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA',
  baseUrl: 'https://roster.example/scim/v2',
};
const { token: _token, baseUrl: _base, ...listed } = created;

describe('the SCIM panel', () => {
  it('an admin creates a token (shown once, with Copy buttons), revokes it after confirming, and saves mappings', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const calls = stubApi({
      'GET /v1/tenants/t1/users': { items: [], nextCursor: null },
      'GET /v1/tenants/t1/scim/tokens': { items: [listed], baseUrl: created.baseUrl },
      'POST /v1/tenants/t1/scim/tokens': created,
      [`DELETE /v1/tenants/t1/scim/tokens/${created.id}`]: {},
      'GET /v1/tenants/t1/scim/role-mappings': [],
      'PUT /v1/tenants/t1/scim/role-mappings': [{ group: 'Support leads', role: 'manager' }],
      'GET /v1/tenants/t1/roles': { items: [], nextCursor: null },
    });
    inConsole(<SettingsScreen />, membership(ALL));
    await userEvent.type(await screen.findByLabelText('Token name'), 'Okta production');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const shown = await screen.findByRole('region', { name: 'New SCIM token' });
    expect(shown.textContent).toContain(created.token);
    expect(shown.textContent).toContain(created.baseUrl);
    await userEvent.click(within(shown).getByRole('button', { name: 'Copy token' }));
    expect(writeText).toHaveBeenCalledWith(created.token);
    await userEvent.click(within(shown).getByRole('button', { name: 'Copy base URL' }));
    expect(writeText).toHaveBeenCalledWith(created.baseUrl);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'Okta production' });
    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(created.token)).toBeNull();

    // The list shows the prefix, never the token.
    const row = (await screen.findByText('Okta production', { selector: 'td' })).closest('tr') as HTMLElement;
    expect(row.textContent).toContain(created.prefix);
    await userEvent.click(within(row).getByRole('button', { name: 'Revoke Okta production' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    const confirm = screen.getByRole('alertdialog', { name: 'Revoke Okta production?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke token' }));
    await vi.waitFor(() => expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1));

    await userEvent.click(screen.getByRole('button', { name: 'Add mapping' }));
    await userEvent.type(screen.getByLabelText('Group'), 'Support leads');
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'manager');
    await userEvent.click(screen.getByRole('button', { name: 'Save role mappings' }));
    await vi.waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual([{ group: 'Support leads', role: 'manager' }]),
    );
  });

  it('is not shown to a manager with settings:manage (rule 14: admins only)', () => {
    stubApi({});
    inConsole(<SettingsScreen />, membership(['settings:manage'], { role: 'manager' }));
    expect(screen.queryByRole('heading', { name: 'Directory provisioning (SCIM)' })).toBeNull();
  });
});

describe('a directory-managed member', () => {
  const managed = member({ managedBy: 'directory', name: 'Dee Directory', email: 'dee@acme.test' });

  it('has no status actions (suspend, deactivate, delete) however much the admin holds', () => {
    const who = { canEdit: true, canDelete: true, isSelf: false, isOwner: false };
    expect(availableActions(managed, who)).toEqual(['edit', 'reset', 'resetMfa']);
    expect(availableActions(member(), who)).toContain('deactivate');
  });

  it('opens with "Managed by directory": name, email, role and teams disabled with the reason; CRM access still sent', async () => {
    const onSubmit = vi.fn(async () => {});
    render(
      <MemberDialog
        mode={{ kind: 'edit', member: managed }}
        catalogue={undefined}
        customRoles={[]}
        teams={[{ id: 'eu', name: 'Support EU' } as never]}
        can={() => true}
        onSubmit={onSubmit}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByRole('note').textContent).toMatch(/Managed by directory/);
    for (const label of ['Full name', 'Email', 'Role']) {
      const field = screen.getByLabelText(label) as HTMLInputElement;
      expect(field.disabled, label).toBe(true);
      expect(field.getAttribute('aria-describedby'), label).toBeTruthy();
    }
    // A disabled fieldset disables its checkboxes (jsdom does not compute that: the fieldset is asserted).
    expect(screen.getByLabelText('Support EU').closest('fieldset')?.disabled).toBe(true);
    await userEvent.click(screen.getByLabelText('CRM access'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledWith({ kind: 'edit', userId: managed.id, body: { crmAccess: false } });
  });
});
