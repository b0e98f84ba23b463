/**
 * Finding people (issue 18 item 12): any word of the name or the address, by
 * prefix, from a word index kept by the member's own transactions; the users
 * list ordered by name by default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerEmail: string; ownerToken: string };
let other: { tenantId: string; ownerId: string; ownerEmail: string; ownerToken: string };
const tag = unique()
  .replace(/[^a-z0-9]/gi, '')
  .toLowerCase();
const ids: Record<string, string> = {};

const users = (tenantId = t.tenantId) => `/v1/tenants/${tenantId}/users`;
const names = async (query: string, tenant = t) => {
  const res = await api.call('GET', `${users(tenant.tenantId)}?${query}`, { token: tenant.ownerToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { name: string }[]).map((m) => m.name);
};

async function invite(tenant: typeof t, name: string, email: string) {
  const res = await api.call('POST', `/v1/tenants/${tenant.tenantId}/invitations`, {
    token: tenant.ownerToken,
    body: { email, role: 'agent', name },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('growth', 'search');
  other = await api.tenantWithOwner('growth', 'search-other');
  ids.ann = await invite(t, 'Ann Agent', `ann.agent-${tag}@support.example`);
  ids.zoe = await invite(t, 'zoë Zephyr', `zz+${tag}@help-desk.example`);
  ids.bob = await invite(t, 'Bob Builder', `bob_${tag}@works.example`);
  await invite(other, 'Agent Smith', `smith-${tag}@matrix.example`);
});
afterAll(async () => {
  await gw?.close();
});

describe('search by any word of the name or address', () => {
  it('finds a surname by its start, in any case', async () => {
    expect(await names('q=Agent')).toEqual(['Ann Agent']);
    expect(await names('q=age')).toEqual(['Ann Agent']);
    expect(await names('q=ZEPH')).toEqual(['zoë Zephyr']);
  });

  it('finds a part of the address split at @ . - _ +', async () => {
    expect(await names('q=support')).toEqual(['Ann Agent']);
    expect(await names('q=desk')).toEqual(['zoë Zephyr']);
    expect(await names(`q=${tag}`)).toHaveLength(3);
    expect(await names('q=works')).toEqual(['Bob Builder']);
  });

  it('needs every word of the query to start a word of the member', async () => {
    expect(await names('q=ann%20agent')).toEqual(['Ann Agent']);
    expect(await names('q=ann%20builder')).toEqual([]);
    expect(await names('q=%40%2E')).toEqual([]);
  });

  it("never matches another tenant's words", async () => {
    expect(await names('q=smith')).toEqual([]);
    expect(await names('q=matrix')).toEqual([]);
    expect(await names('q=agent', other)).toEqual(['Agent Smith']);
  });

  it('a rename drops the old words and indexes the new ones, in the same change', async () => {
    const current = await api.call('GET', `${users()}/${ids.bob}`, { token: t.ownerToken });
    const renamed = await api.call('PATCH', `${users()}/${ids.bob}`, {
      token: t.ownerToken,
      headers: { 'if-match': current.headers.get('etag') as string },
      body: { name: 'Robert Mason' },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(await names('q=builder')).toEqual([]);
    expect(await names('q=mason')).toEqual(['Robert Mason']);
    // The address's words stay.
    expect(await names('q=works')).toEqual(['Robert Mason']);
  });

  it('a deleted member is found by none of their words', async () => {
    expect((await api.call('DELETE', `${users()}/${ids.zoe}`, { token: t.ownerToken })).status).toBe(204);
    expect(await names('q=zephyr')).toEqual([]);
    expect(await names('q=desk')).toEqual([]);
  });

  it('pages a search with a cursor bound to the tenant and the query', async () => {
    const first = await api.call('GET', `${users()}?q=${tag}&limit=1`, { token: t.ownerToken });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.call('GET', `${users()}?q=${tag}&limit=1&cursor=${first.body.nextCursor}`, {
      token: t.ownerToken,
    });
    expect(second.status).toBe(200);
    expect(second.body.items[0]?.id).not.toBe(first.body.items[0].id);
    const otherQuery = await api.call('GET', `${users()}?q=works&limit=1&cursor=${first.body.nextCursor}`, {
      token: t.ownerToken,
    });
    expect(otherQuery.status).toBe(400);
    const foreign = await api.call('GET', `${users(other.tenantId)}?q=${tag}&cursor=${first.body.nextCursor}`, {
      token: other.ownerToken,
    });
    expect(foreign.status).toBe(400);
  });
});

describe('the users list', () => {
  it('is ordered by name by default', async () => {
    const listed = await names('limit=100');
    const sorted = [...listed].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(listed).toEqual(sorted);
    expect(listed).toContain('Ann Agent');
  });
});
