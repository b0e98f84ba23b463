/** The member dialogs and the confirmation of destructive actions. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../../web/src/api/problem';
import { AlreadyInvited, MemberDialog, type MemberDialogMode } from '../../web/src/console/users/MemberDialog';
import type { Team } from '../../web/src/data/teams';
import type { Permission } from '../../web/src/data/tenant';
import { ConfirmDialog } from '../../web/src/ui/Dialog';
import { ALL, catalogue, member } from './fixtures';

const teams = [{ id: 'support-eu', name: 'Support EU' }] as Team[];
const roles = [
  {
    id: 'sales-lead',
    name: 'Sales lead',
    description: '',
    permissions: ['contacts:view'],
    createdAt: '',
    updatedAt: '',
  },
  { id: 'billing', name: 'Billing', description: '', permissions: ['billing:manage'], createdAt: '', updatedAt: '' },
] as never[];

function dialog(mode: MemberDialogMode, held: Permission[] = ALL, onSubmit = vi.fn(async () => {})) {
  const onClose = vi.fn();
  render(
    <MemberDialog
      mode={mode}
      catalogue={catalogue}
      customRoles={roles}
      teams={teams}
      can={(p) => held.includes(p)}
      onSubmit={onSubmit}
      onClose={onClose}
    />,
  );
  return { onSubmit, onClose };
}

describe('Invite dialog', () => {
  it('is a dialog named by its heading, and sends what was filled in', async () => {
    const { onSubmit, onClose } = dialog({ kind: 'invite' });
    const form = screen.getByRole('dialog', { name: 'Invite user' });
    expect(form).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Email'), 'new@acme.test');
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'manager');
    await userEvent.click(screen.getByLabelText('Support EU'));
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(onSubmit).toHaveBeenCalledWith({
      kind: 'invite',
      body: { email: 'new@acme.test', role: 'manager', crmAccess: true, teamIds: ['support-eu'], grants: [] },
    });
    expect(onClose).toHaveBeenCalled();
  });

  it('offers a role template only for the custom role, and requires one then', async () => {
    const { onSubmit } = dialog({ kind: 'invite' });
    const template = screen.getByLabelText('Role template') as HTMLSelectElement;
    expect(template.disabled).toBe(true);
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'custom');
    expect(template.disabled).toBe(false);
    expect(template.required).toBe(true);
    await userEvent.type(screen.getByLabelText('Email'), 'sam@acme.test');
    await userEvent.selectOptions(template, 'sales-lead');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({ body: expect.objectContaining({ role: 'custom', roleId: 'sales-lead' }) }),
    );
  });

  it('disables roles, role templates and grants the signed-in person does not hold', () => {
    dialog({ kind: 'invite' }, ['users:view', 'users:create', 'contacts:view']);
    const option = (name: string) => screen.getByRole('option', { name }) as HTMLOptionElement;
    expect(option('Administrator').disabled).toBe(true);
    expect(option('Manager').disabled).toBe(true);
    expect(option('Agent').disabled).toBe(false);
    expect(option('Sales lead').disabled).toBe(false);
    expect(option('Billing').disabled).toBe(true);
    expect((screen.getByLabelText('See contacts') as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByLabelText('Change the plan') as HTMLInputElement).disabled).toBe(true);
  });

  it('shows the problem’s detail, and field errors beside their field, and stays open', async () => {
    const refusal = new ApiProblem(400, {
      code: 'validation-failed',
      detail: 'The request is invalid.',
      errors: [{ path: 'body.email', message: 'Not an email address we can send to' }],
    });
    const { onClose } = dialog(
      { kind: 'invite' },
      ALL,
      vi.fn(async () => Promise.reject(refusal)),
    );
    await userEvent.type(screen.getByLabelText('Email'), 'x@y.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The request is invalid.');
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Not an email address we can send to',
    );
    expect(onClose).not.toHaveBeenCalled();
  });
});

describe('New user dialog', () => {
  it('checks the initial password by the API’s rules before sending', async () => {
    const { onSubmit } = dialog({ kind: 'create' });
    await userEvent.type(screen.getByLabelText('Full name'), 'Nia New');
    await userEvent.type(screen.getByLabelText('Email'), 'nia@acme.test');
    await userEvent.type(screen.getByLabelText('Initial password'), 'alllowercase12');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('Add an uppercase letter.')).toBeTruthy();
    await userEvent.clear(screen.getByLabelText('Initial password'));
    await userEvent.type(screen.getByLabelText('Initial password'), 'Good-Passw0rd-1');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    expect(onSubmit).toHaveBeenCalledWith({
      kind: 'create',
      body: expect.objectContaining({ name: 'Nia New', password: 'Good-Passw0rd-1', temporaryPassword: true }),
    });
  });
});

describe('Edit dialog', () => {
  it('sends only the fields that changed', async () => {
    const ann = member({ teamIds: ['support-eu'], grants: ['contacts:view'] });
    const { onSubmit } = dialog({ kind: 'edit', member: ann });
    expect(screen.getByRole('dialog', { name: 'Edit ann@acme.test' })).toBeTruthy();
    expect((screen.getByLabelText('Support EU') as HTMLInputElement).checked).toBe(true);
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'manager');
    await userEvent.click(screen.getByLabelText('CRM access'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledWith({
      kind: 'edit',
      userId: 'u-ann',
      body: { role: 'manager', crmAccess: false },
    });
  });
});

describe('Edit dialog with a timed grant', () => {
  it('shows until when it holds, and keeps its expiry when other grants change', async () => {
    const timed = { permission: 'contacts:view' as const, expiresAt: '2030-01-31T12:00:00.000Z' };
    const ann = member({ grants: [timed] });
    const { onSubmit } = dialog({ kind: 'edit', member: ann });
    const box = screen.getByLabelText('See contacts') as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(document.getElementById(box.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/^Until /);
    await userEvent.click(screen.getByLabelText('Invite and create users'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledWith({
      kind: 'edit',
      userId: 'u-ann',
      body: { grants: ['users:create', timed] },
    });
  });
});

describe('Extra permissions (issue 18 item 10)', () => {
  const box = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
  const hintOf = (input: HTMLElement) =>
    document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent;

  it('reads as the catalogue’s words, never codes; what the role includes is ticked, disabled and says so', async () => {
    dialog({ kind: 'invite' });
    expect(screen.queryByLabelText('users:view')).toBeNull();
    expect(screen.queryByText('users:view')).toBeNull();
    // The Agent role (the default) includes "See users".
    expect(box('See users').checked).toBe(true);
    expect(box('See users').disabled).toBe(true);
    expect(hintOf(box('See users'))).toBe('Included in Agent');
    expect(box('Edit users').checked).toBe(false);
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'manager');
    expect(hintOf(box('See users'))).toBe('Included in Manager');
    // A role template's permissions are its own.
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'custom');
    await userEvent.selectOptions(screen.getByLabelText('Role template'), 'sales-lead');
    expect(box('See users').checked).toBe(false);
    expect(box('See users').disabled).toBe(false);
    expect(box('See contacts').checked).toBe(true);
    expect(box('See contacts').disabled).toBe(true);
    expect(hintOf(box('See contacts'))).toBe('Included in Sales lead');
    // Without CRM access the role's contacts permissions do not count: not shown as included.
    await userEvent.click(screen.getByLabelText('CRM access'));
    expect(box('See contacts').checked).toBe(false);
    expect(box('See contacts').disabled).toBe(false);
  });

  it('takes an optional “until” date per grant and sends it as the end of that day', async () => {
    const { onSubmit } = dialog({ kind: 'invite' });
    await userEvent.type(screen.getByLabelText('Email'), 'tim@acme.test');
    await userEvent.click(box('Edit users'));
    await userEvent.click(box('Delete users'));
    expect(screen.queryByLabelText('Until (See users)')).toBeNull();
    const until = screen.getByLabelText('Until (Edit users)') as HTMLInputElement;
    expect(until.type).toBe('date');
    await userEvent.type(until, '2031-03-15');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(onSubmit).toHaveBeenCalledWith({
      kind: 'invite',
      body: expect.objectContaining({
        grants: [
          { permission: 'users:edit', expiresAt: new Date('2031-03-15T23:59:59.999').toISOString() },
          'users:delete',
        ],
      }),
    });
  });
});

describe('A duplicate invitation (issue 18 item 13)', () => {
  it('offers "Resend invitation" when the address is already invited, and resends it', async () => {
    const onResend = vi.fn(async () => {});
    const onClose = vi.fn();
    const onSubmit = vi.fn(async () => {
      throw new AlreadyInvited({ id: 'u-ann', email: 'ann@acme.test' });
    });
    render(
      <MemberDialog
        mode={{ kind: 'invite' }}
        catalogue={catalogue}
        customRoles={roles}
        teams={teams}
        can={() => true}
        onSubmit={onSubmit}
        onClose={onClose}
        onResend={onResend}
      />,
    );
    await userEvent.type(screen.getByLabelText('Email'), 'ann@acme.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'ann@acme.test is already invited and has not joined yet.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Resend invitation' }));
    expect(onResend).toHaveBeenCalledWith({ id: 'u-ann', email: 'ann@acme.test' });
    expect(onClose).toHaveBeenCalled();
  });
});

describe('ConfirmDialog', () => {
  it('sends once on a double click, and allows a retry once the request failed (issue 18 item 13)', async () => {
    const onConfirm = vi.fn();
    const props = { title: 'Delete ann@acme.test?', confirmLabel: 'Delete permanently', onConfirm, onClose: vi.fn() };
    const { rerender } = render(
      <ConfirmDialog {...props} pending={false}>
        <p>Gone for good.</p>
      </ConfirmDialog>,
    );
    await userEvent.dblClick(screen.getByRole('button', { name: 'Delete permanently' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect((screen.getByRole('button', { name: 'Delete permanently…' }) as HTMLButtonElement).disabled).toBe(true);
    rerender(
      <ConfirmDialog {...props} pending={true}>
        <p>Gone for good.</p>
      </ConfirmDialog>,
    );
    rerender(
      <ConfirmDialog {...props} pending={false} error="Roster could not be reached.">
        <p>Gone for good.</p>
      </ConfirmDialog>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Delete permanently' }));
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });

  it('is an alertdialog that says what happens, confirms with the action’s name, and shows a refusal', async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    render(
      <ConfirmDialog
        title="Deactivate ann@acme.test?"
        confirmLabel="Deactivate"
        onConfirm={onConfirm}
        onClose={onClose}
        error="Ann is the last active admin."
      >
        <p>Ann loses access.</p>
      </ConfirmDialog>,
    );
    const alert = screen.getByRole('alertdialog', { name: 'Deactivate ann@acme.test?' });
    expect(alert.textContent).toContain('Ann loses access.');
    expect(screen.getByRole('alert').textContent).toBe('Ann is the last active admin.');
    await userEvent.click(screen.getByRole('button', { name: 'Deactivate' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
