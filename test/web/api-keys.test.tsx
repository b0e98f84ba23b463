/**
 * The API keys panel of Organisation settings: only for integrations:manage;
 * the permissions offered are the creator's own; the secret is shown once with
 * a Copy button; the list names keys and their creators (not ids); revoking
 * asks first; the organisation's maximum lifetime bounds the expiry offered.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { catalogue, inConsole, membership, stubApi } from './fixtures';

const SECRET = `rst_t1.01jkey0000000000000000000a.${'Q'.repeat(43)}`;
const listed = {
  items: [
    {
      id: '01jkey0000000000000000000b',
      name: 'CRM sync',
      prefix: 'rst_t1.01jkey0000000000000000000b',
      permissions: ['users:view'],
      createdBy: 'u-gone',
      createdByName: 'Gail Gone',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: null,
      lastUsedAt: null,
    },
    {
      id: '01jkey0000000000000000000c',
      name: 'Nightly export',
      prefix: 'rst_t1.01jkey0000000000000000000c',
      permissions: ['users:view', 'users:edit'],
      createdBy: 'u-me',
      createdByName: 'Me Admin',
      createdAt: '2026-01-02T00:00:00.000Z',
      expiresAt: '2026-06-01T00:00:00.000Z',
      lastUsedAt: '2026-01-03T10:00:00.000Z',
    },
  ],
  nextCursor: null,
};

describe('API keys panel', () => {
  it('creates a key with permissions the creator holds, shows the secret once and copies it', async () => {
    const calls = stubApi({
      'GET /v1/permissions': catalogue,
      'GET /v1/tenants/t1/api-keys': listed,
      'POST /v1/tenants/t1/api-keys': {
        ...listed.items[1],
        id: '01jkey0000000000000000000a',
        name: 'Zap',
        secret: SECRET,
      },
    });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    inConsole(<SettingsScreen />, membership(['integrations:manage', 'users:view', 'users:edit'], { role: 'manager' }));
    const panel = screen.getByRole('region', { name: 'API keys' });
    // Names, not ids.
    await within(panel).findByRole('cell', { name: 'CRM sync' });
    expect(within(panel).getByRole('cell', { name: 'Gail Gone' })).toBeTruthy();
    expect(within(panel).getByRole('cell', { name: 'Me Admin' })).toBeTruthy();
    expect(panel.textContent).not.toContain('u-gone');

    // Only the permissions the creator holds are offered.
    const form = within(panel).getByRole('form', { name: 'Create an API key' });
    await within(form).findByRole('checkbox', { name: 'See users' });
    expect(within(form).queryByRole('checkbox', { name: 'Delete users' })).toBeNull();
    expect(within(form).queryByRole('checkbox', { name: 'Change the plan' })).toBeNull();
    await userEvent.type(within(form).getByLabelText('Key name'), 'Zap');
    await userEvent.click(within(form).getByRole('checkbox', { name: 'Edit users' }));
    await userEvent.selectOptions(within(form).getByLabelText('Expires'), '90');
    await userEvent.click(within(form).getByRole('button', { name: 'Create API key' }));

    const shown = await screen.findByRole('region', { name: 'New API key' });
    expect((within(shown).getByLabelText('API key secret') as HTMLInputElement).value).toBe(SECRET);
    const body = calls.find((c) => c.method === 'POST')?.body as {
      name: string;
      permissions: string[];
      expiresAt: string;
    };
    expect(body.name).toBe('Zap');
    expect(body.permissions).toEqual(['users:edit']);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    await userEvent.click(within(shown).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    await within(shown).findByRole('button', { name: 'Copied' });
    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('region', { name: 'New API key' })).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('revokes only after a confirmation that says what stops working', async () => {
    const calls = stubApi({
      'GET /v1/permissions': catalogue,
      'GET /v1/tenants/t1/api-keys': listed,
      'DELETE /v1/tenants/t1/api-keys/01jkey0000000000000000000b': {},
    });
    inConsole(<SettingsScreen />, membership(['integrations:manage', 'users:view']));
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke CRM sync' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Revoke the API key CRM sync?' });
    expect(confirm.textContent).toMatch(/refused from its next request/);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke key' }));
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
        '/v1/tenants/t1/api-keys/01jkey0000000000000000000b',
      ]),
    );
    await screen.findByText('The API key CRM sync was revoked.');
  });

  it('offers no "Never" and no expiry beyond the organisation’s maximum lifetime', async () => {
    stubApi({ 'GET /v1/permissions': catalogue, 'GET /v1/tenants/t1/api-keys': { items: [], nextCursor: null } });
    const me = membership(['integrations:manage', 'users:view']);
    inConsole(<SettingsScreen />, { ...me, tenant: { ...me.tenant, apiKeys: { maxLifetimeDays: 60 } } });
    const expires = screen.getByLabelText('Expires');
    const options = within(expires)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['In 30 days', 'In 60 days']);
  });

  it('is not shown without integrations:manage', () => {
    stubApi({ 'GET /v1/permissions': catalogue });
    inConsole(<SettingsScreen />, membership(['settings:manage', 'integrations:view'], { role: 'manager' }));
    expect(screen.queryByRole('heading', { name: 'API keys' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'API keys' })).toBeNull();
  });
});
