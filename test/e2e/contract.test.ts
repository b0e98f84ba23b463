/**
 * What the README and the document promise at the edges: a list cursor is
 * bound to its filters (reused with others → 400), a custom role id without
 * the custom role is refused rather than ignored, and the reference page's
 * stylesheet is served as documented. (Every response here is also checked
 * against openapi.json by the test gateway, like every e2e response.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerToken: string };

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('growth', 'contract');
  for (const role of ['agent', 'agent', 'manager']) {
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email: `${role}-${unique()}@e2e.test`, role, name: `Contract ${role}` },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  }
});
afterAll(async () => {
  await gw?.close();
});

const get = (path: string) => api.call('GET', `/v1/tenants/${t.tenantId}${path}`, { token: t.ownerToken });

describe('a list cursor reused with other filters', () => {
  it('is a 400 on the member list; with its own filters it pages on', async () => {
    const first = await get('/users?status=invited&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const cursor = encodeURIComponent(first.body.nextCursor);
    expect((await get(`/users?status=invited&limit=1&cursor=${cursor}`)).status).toBe(200);
    const reused = await get(`/users?status=active&limit=1&cursor=${cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 'validation-failed', errors: [{ path: 'cursor' }] });
    expect((await get(`/users?limit=1&cursor=${cursor}`)).status).toBe(400);
  });

  it('is a 400 on the audit trail', async () => {
    const first = await get('/audit-events?action=member.invited&limit=1');
    expect(first.status).toBe(200);
    const cursor = encodeURIComponent(first.body.nextCursor);
    expect((await get(`/audit-events?action=member.invited&limit=1&cursor=${cursor}`)).status).toBe(200);
    expect((await get(`/audit-events?action=tenant.created&limit=1&cursor=${cursor}`)).status).toBe(400);
  });
});

describe('PATCH a member with only a roleId', () => {
  it('is a 400 naming roleId when the member’s role is not custom, and changes nothing', async () => {
    const role = await api.call('POST', `/v1/tenants/${t.tenantId}/roles`, {
      token: t.ownerToken,
      body: { name: `Viewer ${unique()}`, permissions: ['contacts:view'] },
    });
    expect(role.status).toBe(201);
    const agent = (await get('/users?role=agent&limit=1')).body.items[0];
    const before = await get(`/users/${agent.id}`);
    const patched = await api.call('PATCH', `/v1/tenants/${t.tenantId}/users/${agent.id}`, {
      token: t.ownerToken,
      body: { roleId: role.body.id },
    });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ code: 'validation-failed', errors: [{ path: 'body.roleId' }] });
    const after = await get(`/users/${agent.id}`);
    expect(after.body).toEqual(before.body);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    // With the custom role it is a change.
    const custom = await api.call('PATCH', `/v1/tenants/${t.tenantId}/users/${agent.id}`, {
      token: t.ownerToken,
      body: { role: 'custom', roleId: role.body.id },
    });
    expect(custom.status).toBe(200);
    expect(custom.body).toMatchObject({ role: 'custom', roleId: role.body.id });
  });
});

describe('the reference page’s assets', () => {
  it('serves the stylesheet as text/css and the document as the OpenAPI object', async () => {
    const css = await fetch(`${gw.baseUrl}/docs/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    await css.arrayBuffer();
    const document = await api.call('GET', '/v1/openapi.json');
    expect(document.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Roster API' } });
  });
});
