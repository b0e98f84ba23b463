/**
 * The Webhooks panel on Organisation settings (issue 21): shown only with
 * integrations:manage; endpoints with their event types and state in words;
 * adding one shows its secret once with Copy; a test event, a rotation and a
 * retry say what happened; deliveries read as words, not codes.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsScreen } from '../../web/src/console/settings/SettingsScreen';
import { ALL, inConsole, membership, stubApi } from './fixtures';

const hook = {
  id: 'w1',
  url: 'https://crm.acme.example/hooks',
  description: '',
  events: ['member.invited', 'member.deactivated'],
  enabled: true,
  disabledReason: null,
  failingSince: null,
  secretCreatedAt: '2026-03-01T09:00:00.000Z',
  previousSecretExpiresAt: null,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version: 1,
};
const delivery = (over: Record<string, unknown>) => ({
  id: 'E1',
  eventId: 'E1',
  eventType: 'member.invited',
  status: 'succeeded',
  attempt: 1,
  responseStatus: 200,
  durationMs: 12,
  error: null,
  lastAttemptAt: '2026-03-01T09:00:00.000Z',
  nextAttemptAt: null,
  createdAt: '2026-03-01T09:00:00.000Z',
  ...over,
});
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Webhooks panel', () => {
  it('is not shown without integrations:manage', () => {
    stubApi({});
    inConsole(<SettingsScreen />, membership(['settings:manage'], { role: 'manager' }));
    expect(screen.queryByRole('heading', { name: 'Webhooks' })).toBeNull();
  });

  it('lists endpoints in words, adds one and shows its secret once, with Copy', async () => {
    const calls = stubApi({
      'GET /v1/tenants/t1/webhooks': { items: [hook], nextCursor: null },
      'POST /v1/tenants/t1/webhooks': {
        ...hook,
        id: 'w2',
        url: 'https://erp.acme.example/in',
        events: ['*'],
        secret: SECRET,
      },
      'GET /v1/tenants/t1/users': { items: [], nextCursor: null },
    });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    inConsole(<SettingsScreen />, membership([...ALL, 'integrations:manage']));
    const endpoint = await screen.findByRole('article', { name: hook.url });
    expect(endpoint.textContent).toContain('Active · Invited, Deactivated');

    await userEvent.type(screen.getByLabelText('Endpoint URL'), 'https://erp.acme.example/in');
    await userEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    const shown = await screen.findByRole('region', { name: 'Signing secret' });
    expect(shown.textContent).toContain(SECRET);
    expect(shown.textContent).toMatch(/not shown again/);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ url: 'https://erp.acme.example/in', events: ['*'] });
    await userEvent.click(within(shown).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it('sends a test event, rotates the secret, lists deliveries in words and retries one', async () => {
    const calls = stubApi({
      'GET /v1/tenants/t1/webhooks': {
        items: [{ ...hook, failingSince: '2026-03-01T08:00:00.000Z' }],
        nextCursor: null,
      },
      'POST /v1/tenants/t1/webhooks/w1/test': delivery({ id: 'T1', eventType: 'roster.test' }),
      'POST /v1/tenants/t1/webhooks/w1/rotate-secret': {
        ...hook,
        secret: SECRET,
        previousSecretExpiresAt: '2026-03-02T09:00:00.000Z',
      },
      'GET /v1/tenants/t1/webhooks/w1/deliveries': {
        items: [
          delivery({
            id: 'E2',
            status: 'pending',
            attempt: 2,
            responseStatus: 503,
            error: 'Answered 503',
            nextAttemptAt: '2026-03-01T09:05:00.000Z',
          }),
          delivery({ id: 'E3', status: 'failed', attempt: 8, responseStatus: null, error: 'no answer within 15 s' }),
          delivery({}),
        ],
        nextCursor: null,
      },
      'POST /v1/tenants/t1/webhooks/w1/deliveries/E3/retry': delivery({ id: 'E3' }),
      'GET /v1/tenants/t1/users': { items: [], nextCursor: null },
    });
    inConsole(<SettingsScreen />, membership([...ALL, 'integrations:manage']));
    const endpoint = await screen.findByRole('article', { name: hook.url });
    expect(endpoint.textContent).toMatch(/Failing since/);

    await userEvent.click(within(endpoint).getByRole('button', { name: 'Send test event' }));
    await screen.findByText('Test event: Delivered (HTTP 200).');
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    const rows = within(table)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows[1]).toMatch(/Retrying at .* \(attempt 2 failed: Answered 503\)/);
    expect(rows[2]).toMatch(/Failed after 8 attempts: no answer within 15 s/);
    expect(rows[3]).toMatch(/Delivered \(HTTP 200\)/);

    await userEvent.click(within(table).getByRole('button', { name: 'Retry delivery E3' }));
    await screen.findByText('Sent again: Delivered (HTTP 200).');
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/deliveries/E3/retry'))).toBe(true);

    await userEvent.click(within(endpoint).getByRole('button', { name: 'Rotate secret' }));
    expect((await screen.findByRole('region', { name: 'Signing secret' })).textContent).toContain(SECRET);
    await screen.findByText('New signing secret made; the old one also signs for 24 hours.');
  });
});
