/**
 * Organisation settings' enterprise parts (issue 20): domains with the record
 * to publish, verify and remove, the status in words (a flag and its grace
 * period included); auto-join's mode and default role; join requests; and
 * "Organisations you can join". Admins only where DESIGN §2a rule 14 says.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { JoinableTenants } from '../../web/src/console/JoinableTenants';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { ALL, inConsole, membership, stubApi } from './fixtures';

const page = (items: unknown[]) => ({ items, nextCursor: null });
const domain = (fields: Record<string, unknown>) => ({
  domain: 'acme.com',
  status: 'pending',
  verification: { type: 'TXT', name: '_roster-challenge.acme.com', value: 'roster-verification=abc123' },
  createdAt: '2026-01-01T00:00:00.000Z',
  lastCheckedAt: null,
  verifiedAt: null,
  flaggedAt: null,
  graceEndsAt: null,
  enablesSignIn: false,
  ...fields,
});

describe('Domains and auto-join (admins)', () => {
  it('shows the record to publish with copy buttons, verifies, and says a flagged domain’s grace period in words', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const calls = stubApi({
      'GET /v1/tenants/t1/domains': page([
        domain({}),
        domain({
          domain: 'eu.acme.com',
          status: 'verified',
          verification: { type: 'TXT', name: '_roster-challenge.eu.acme.com', value: 'roster-verification=eu' },
          flaggedAt: '2026-01-02T00:00:00.000Z',
          graceEndsAt: future,
          enablesSignIn: true,
        }),
      ]),
      'POST /v1/tenants/t1/domains/acme.com/verify': domain({ status: 'verified', enablesSignIn: true }),
      'POST /v1/tenants/t1/domains': domain({ domain: 'acme.org' }),
      'GET /v1/tenants/t1/roles': page([]),
      'GET /v1/tenants/t1/join-requests': page([]),
      'GET /v1/tenants/t1/users': page([]),
    });
    inConsole(<SettingsScreen />, membership(ALL));
    const pending = await screen.findByRole('listitem', { name: 'acme.com' });
    expect(within(pending).getByText('_roster-challenge.acme.com')).toBeTruthy();
    expect(within(pending).getByText('roster-verification=abc123')).toBeTruthy();
    expect(within(pending).getByText(/publish the record below, then verify/)).toBeTruthy();
    await userEvent.click(within(pending).getByRole('button', { name: 'Copy the record value of acme.com' }));
    expect(writeText).toHaveBeenCalledWith('roster-verification=abc123');
    const flagged = screen.getByRole('listitem', { name: 'eu.acme.com' });
    expect(within(flagged).getByText(/record is missing since .* Publish it again before/)).toBeTruthy();
    await userEvent.click(within(pending).getByRole('button', { name: 'Verify acme.com' }));
    await screen.findByText('acme.com is verified.');
    await userEvent.type(screen.getByLabelText('Domain'), 'acme.org');
    await userEvent.click(screen.getByRole('button', { name: 'Add domain' }));
    await screen.findByText('acme.org added. Publish its TXT record, then verify it.');
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/tenants/t1/domains')?.body).toEqual({
      domain: 'acme.org',
    });
  });

  it('sets auto-join’s mode and a custom default role (never Administrator)', async () => {
    const calls = stubApi({
      'GET /v1/tenants/t1/domains': page([]),
      'GET /v1/tenants/t1/roles': page([{ id: 'r1', name: 'Sales lead', description: '', permissions: [] }]),
      'GET /v1/tenants/t1/join-requests': page([]),
      'GET /v1/tenants/t1/users': page([]),
      'PATCH /v1/tenants/t1': { ...membership(ALL).tenant },
    });
    inConsole(<SettingsScreen />, membership(ALL));
    await screen.findByRole('option', { name: 'Sales lead' });
    const role = screen.getByLabelText('Role they get');
    expect(within(role).queryByRole('option', { name: /Administrator/ })).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText('Who may join'), 'automatic');
    await userEvent.selectOptions(role, 'custom:r1');
    await userEvent.click(screen.getByRole('button', { name: 'Save auto-join' }));
    await vi.waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
        autoJoin: { mode: 'automatic', defaultRole: 'custom', roleId: 'r1' },
      }),
    );
  });

  it('a manager with settings:manage and users:create sees join requests, but neither domains nor auto-join', async () => {
    const calls = stubApi({
      'GET /v1/tenants/t1/join-requests': page([
        { id: 'p1', email: 'pat@acme.com', name: 'Pat', domain: 'acme.com', requestedAt: '2026-01-03T00:00:00.000Z' },
      ]),
      'POST /v1/tenants/t1/join-requests/p1/approve': {
        id: 'p1',
        email: 'pat@acme.com',
        name: 'Pat',
        role: 'agent',
        status: 'active',
      },
    });
    inConsole(<SettingsScreen />, membership(['settings:manage', 'users:create'], { role: 'manager' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Approve Pat' }));
    await screen.findByText('Pat joined the organisation.');
    expect(screen.queryByRole('heading', { name: 'Domains' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Auto-join' })).toBeNull();
    expect(calls.some((c) => c.path.endsWith('/domains'))).toBe(false);
  });
});

describe('Organisations you can join', () => {
  it('offers the one organisation and joins it; shows nothing when there is none', async () => {
    const calls = stubApi({
      'GET /v1/me/joinable-tenants': {
        items: [{ tenant: { id: 'acme', name: 'Acme' }, domain: 'acme.com', mode: 'request', requested: false }],
      },
      'POST /v1/me/joinable-tenants/acme/join': { tenant: { id: 'acme', name: 'Acme' }, status: 'requested' },
    });
    const view = inConsole(<JoinableTenants />, membership(ALL));
    await userEvent.click(await screen.findByRole('button', { name: 'Ask to join Acme' }));
    await screen.findByText('Your request to join Acme was sent; an administrator will answer it.');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/v1/me/joinable-tenants/acme/join']);
    view.unmount();
    stubApi({ 'GET /v1/me/joinable-tenants': { items: [] } });
    const empty = inConsole(<JoinableTenants />, membership(ALL));
    await vi.waitFor(() => expect(empty.container.innerHTML).toBe(''));
    expect(screen.queryByRole('heading', { name: 'Organisations you can join' })).toBeNull();
  });
});
