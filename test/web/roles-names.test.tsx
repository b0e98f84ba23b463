/**
 * Issue 18 item 5: a custom role cannot take a built-in role's name (any case
 * or width) and a role with no permission is saved only once the person
 * confirms it. Nothing is sent until then.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RolesScreen } from '../../web/src/console/roles/RolesScreen';
import { catalogue, inConsole, membership, stubApi } from './fixtures';

const page = (items: unknown[]) => ({ items, nextCursor: null });

function open() {
  const calls = stubApi({ 'GET /v1/tenants/t1/roles': page([]), 'GET /v1/permissions': catalogue });
  inConsole(<RolesScreen />, membership(['roles:view', 'roles:create', 'users:view']));
  return calls;
}

describe('the role dialog', () => {
  it('refuses a built-in role’s name, whatever its case', async () => {
    const calls = open();
    await userEvent.click(screen.getByRole('button', { name: 'New role' }));
    const dialog = await screen.findByRole('dialog', { name: 'New role' });
    await userEvent.type(within(dialog).getByLabelText('Name'), '  aGeNt ');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'users:view' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save role' }));
    expect(within(dialog).getByText(/is the name of a built-in role/)).toBeTruthy();
    expect(within(dialog).getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('asks before saving a role with no permission, and saves it once confirmed', async () => {
    const calls = open();
    await userEvent.click(screen.getByRole('button', { name: 'New role' }));
    const dialog = await screen.findByRole('dialog', { name: 'New role' });
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Observer');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save role' }));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/grants no permission/);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save role without permissions' }));
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.method === 'POST')).toEqual([
        { method: 'POST', path: '/v1/tenants/t1/roles', body: { name: 'Observer', description: '', permissions: [] } },
      ]),
    );
  });
});
