/**
 * Single sign-on on Organisation settings (issue 20, "Console and docs"):
 * connections listed by name with their type in words, domains and the values
 * the IdP needs (Copy buttons); adding one with the server's field refusals
 * shown next to the field they name; editing and removing; the SSO policy; and
 * no panel (nor request) for anyone but an admin.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { ALL, inConsole, membership, stubApi } from './fixtures';

const page = (items: unknown[]) => ({ items, nextCursor: null });
const verified = (domain: string) => ({
  domain,
  status: 'verified',
  verification: { type: 'TXT', name: `_roster-challenge.${domain}`, value: 'roster-verification=x' },
  createdAt: '2026-01-01T00:00:00.000Z',
  lastCheckedAt: '2026-01-02T00:00:00.000Z',
  verifiedAt: '2026-01-02T00:00:00.000Z',
  flaggedAt: null,
  graceEndsAt: null,
  enablesSignIn: true,
});
const oidc = {
  id: '01JCONNECTIONOKTA000000000',
  type: 'oidc',
  name: 'Acme Okta',
  domains: ['acme.com'],
  issuer: 'https://acme.okta.com',
  clientId: 'roster-app',
  serviceProvider: {
    startUrl: 'https://roster.example/v1/auth/sso/01JCONNECTIONOKTA000000000/start',
    redirectUri: 'https://roster.example/v1/auth/sso/callback',
  },
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
};
const routes = {
  'GET /v1/tenants/t1/domains': page([verified('acme.com'), verified('eu.acme.com')]),
  'GET /v1/tenants/t1/sso-connections': { items: [oidc] },
  'GET /v1/tenants/t1/roles': page([]),
  'GET /v1/tenants/t1/join-requests': page([]),
  'GET /v1/tenants/t1/users': page([]),
};

/** The next request matching `key` answers `status` with `body` (a problem); the rest go to the stub. */
function refuseOnce(key: string, status: number, body: unknown) {
  const inner = globalThis.fetch;
  let used = false;
  vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    if (!used && `${request.method} ${new URL(request.url).pathname}` === key) {
      used = true;
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/problem+json' },
      });
    }
    return inner(request);
  });
}

describe('Single sign-on panel (admins)', () => {
  it('lists a connection by name with its type in words, its domains and the redirect URI to copy', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    stubApi(routes);
    inConsole(<SettingsScreen />, membership(ALL));
    const item = await screen.findByRole('listitem', { name: 'Acme Okta' });
    expect(within(item).getByText('OpenID Connect')).toBeTruthy();
    expect(within(item).getByText('acme.com')).toBeTruthy();
    expect(within(item).getByText('https://roster.example/v1/auth/sso/callback')).toBeTruthy();
    expect(within(item).queryByText(oidc.id)).toBeNull();
    await userEvent.click(within(item).getByRole('button', { name: 'Copy the redirect uri of Acme Okta' }));
    expect(writeText).toHaveBeenCalledWith('https://roster.example/v1/auth/sso/callback');
  });

  it('adds an OIDC connection for chosen verified domains, showing the server’s refusal next to the issuer', async () => {
    const calls = stubApi({ ...routes, 'POST /v1/tenants/t1/sso-connections': { ...oidc, name: 'Entra' } });
    refuseOnce('POST /v1/tenants/t1/sso-connections', 400, {
      type: 'urn:roster:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      code: 'validation-failed',
      detail: 'The issuer’s OpenID configuration could not be read.',
      errors: [{ path: 'body.issuer', message: 'Discovery failed: 404' }],
    });
    inConsole(<SettingsScreen />, membership(ALL));
    const form = (await screen.findByRole('heading', { name: 'Add a connection' })).closest('form') as HTMLElement;
    const add = within(form);
    await screen.findByRole('checkbox', { name: 'eu.acme.com' });
    await userEvent.type(add.getByLabelText('Name'), 'Entra');
    await userEvent.type(add.getByLabelText('Issuer URL'), 'https://login.microsoftonline.com/x/v2.0');
    await userEvent.type(add.getByLabelText('Client ID'), 'app-1');
    await userEvent.type(add.getByLabelText('Client secret'), 's3cret');
    await userEvent.click(add.getByRole('checkbox', { name: 'eu.acme.com' }));
    await userEvent.click(add.getByRole('button', { name: 'Add connection' }));
    const issuer = add.getByLabelText('Issuer URL');
    await vi.waitFor(() => expect(issuer.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = (issuer.getAttribute('aria-describedby') ?? '').split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain('Discovery failed: 404');
    await userEvent.click(add.getByRole('button', { name: 'Add connection' }));
    await screen.findByText(/The connection Entra was added/);
    expect(calls.filter((c) => c.method === 'POST').at(-1)?.body).toEqual({
      type: 'oidc',
      name: 'Entra',
      issuer: 'https://login.microsoftonline.com/x/v2.0',
      clientId: 'app-1',
      clientSecret: 's3cret',
      domains: ['eu.acme.com'],
    });
  });

  it('offers SAML with a metadata textarea and the ACS URL and entity id to register', async () => {
    const calls = stubApi(routes);
    refuseOnce('POST /v1/tenants/t1/sso-connections', 400, {
      type: 'urn:roster:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      code: 'validation-failed',
      detail: 'SAML connections are not available yet; connect the IdP with OpenID Connect (type oidc).',
      errors: [{ path: 'body.type', message: 'SAML connections are not available yet' }],
    });
    inConsole(<SettingsScreen />, membership(ALL));
    const form = (await screen.findByRole('heading', { name: 'Add a connection' })).closest('form') as HTMLElement;
    const add = within(form);
    await userEvent.selectOptions(add.getByLabelText('Type'), 'saml');
    expect(add.queryByLabelText('Issuer URL')).toBeNull();
    expect(add.getByText('https://roster.example/v1/auth/sso/callback')).toBeTruthy();
    expect(add.getByText(`${location.origin}/sso`)).toBeTruthy();
    await userEvent.type(add.getByLabelText('Name'), 'ADFS');
    await userEvent.click(add.getByLabelText('IdP metadata XML'));
    await userEvent.paste('<EntityDescriptor/>');
    await userEvent.click(await add.findByRole('checkbox', { name: 'acme.com' }));
    await userEvent.click(add.getByRole('button', { name: 'Add connection' }));
    await vi.waitFor(() => expect(add.getByLabelText('Type').getAttribute('aria-invalid')).toBe('true'));
    expect(add.getByText('SAML connections are not available yet')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('edits the name, domains and secret (only what changed) and removes after confirmation', async () => {
    const calls = stubApi({
      ...routes,
      'PATCH /v1/tenants/t1/sso-connections/01JCONNECTIONOKTA000000000': { ...oidc, name: 'Okta' },
      'DELETE /v1/tenants/t1/sso-connections/01JCONNECTIONOKTA000000000': {},
    });
    inConsole(<SettingsScreen />, membership(ALL));
    const item = await screen.findByRole('listitem', { name: 'Acme Okta' });
    await userEvent.click(within(item).getByRole('button', { name: 'Edit Acme Okta…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Edit Acme Okta' }));
    await userEvent.clear(dialog.getByLabelText('Name'));
    await userEvent.type(dialog.getByLabelText('Name'), 'Okta');
    await userEvent.click(dialog.getByRole('checkbox', { name: 'eu.acme.com' }));
    await userEvent.type(dialog.getByLabelText('New client secret'), 'rotated');
    await userEvent.click(dialog.getByRole('button', { name: 'Save connection' }));
    await screen.findByText('The connection Okta was saved.');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      name: 'Okta',
      domains: ['acme.com', 'eu.acme.com'],
      clientSecret: 'rotated',
    });
    await userEvent.click(within(item).getByRole('button', { name: 'Remove Acme Okta…' }));
    const confirm = within(await screen.findByRole('alertdialog', { name: 'Remove Acme Okta?' }));
    expect(confirm.getByText(/People at acme.com can no longer sign in through it/)).toBeTruthy();
    await userEvent.click(confirm.getByRole('button', { name: 'Remove connection' }));
    await screen.findByText('The connection Acme Okta was removed.');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('saves the policy: require SSO (the owner’s break-glass explained) and JIT provisioning', async () => {
    const me = membership(ALL);
    const calls = stubApi({
      ...routes,
      'PATCH /v1/tenants/t1': { ...me.tenant, sso: { required: true, jitProvisioning: true } },
    });
    inConsole(<SettingsScreen />, me);
    const required = await screen.findByRole('checkbox', {
      name: 'Require single sign-on for members in these domains',
    });
    expect(screen.getByText(/The owner keeps theirs as the break-glass way in/)).toBeTruthy();
    await userEvent.click(required);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Create members at their first SSO sign-in' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save single sign-on policy' }));
    await screen.findByText(/Single sign-on is required/);
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ sso: { required: true, jitProvisioning: true } });
  });

  it('a manager with settings:manage sees no SSO panel and asks for no connections', async () => {
    const calls = stubApi(routes);
    inConsole(<SettingsScreen />, membership(['settings:manage', 'users:create'], { role: 'manager' }));
    await screen.findByRole('heading', { name: 'Organisation settings' });
    await screen.findByRole('heading', { name: 'Join requests' });
    expect(screen.queryByRole('heading', { name: 'Single sign-on' })).toBeNull();
    expect(calls.some((c) => c.path.includes('sso'))).toBe(false);
  });
});
