/** The operator's side: re-plan, close and reopen a tenant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
});
afterAll(async () => {
  await gw?.close();
});

describe('platform tenant management', () => {
  it('re-plans, closes (members lose access, records stay) and reopens a tenant', async () => {
    const t = await api.tenantWithOwner('trial', 'close');
    const path = `/v1/platform/tenants/${t.tenantId}`;
    const replanned = await api.call('PATCH', path, { headers: api.platform, body: { plan: 'scale' } });
    expect(replanned.status).toBe(200);
    expect(replanned.body.seats).toEqual({ used: 1, limit: 10, available: 9 });

    const closed = await api.call('DELETE', path, { headers: api.platform });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect((await api.call('GET', `/v1/tenants/${t.tenantId}`, { token: t.ownerToken })).status).toBe(404);
    expect((await api.call('GET', path, { headers: api.platform })).body.status).toBe('closed');
    const me = await api.call('GET', '/v1/me', { token: t.ownerToken });
    expect(me.body.memberships).toEqual([]);

    const reopened = await api.call('PATCH', path, { headers: api.platform, body: { status: 'active' } });
    expect(reopened.status).toBe(200);
    expect((await api.call('GET', `/v1/tenants/${t.tenantId}`, { token: t.ownerToken })).status).toBe(200);
    const bad = await api.call('PATCH', path, { headers: api.platform, body: { status: 'closed' } });
    expect(bad.status).toBe(400);
  });

  it('closing an unknown tenant is 404 and needs the platform key', async () => {
    expect((await api.call('DELETE', '/v1/platform/tenants/nope', { headers: api.platform })).status).toBe(404);
    expect((await api.call('DELETE', '/v1/platform/tenants/nope')).status).toBe(403);
  });
});
