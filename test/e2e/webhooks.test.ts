/**
 * Webhooks through the API and the local delivery loop (issue 21): an
 * endpoint's secret shown once; a change delivered asynchronously, signed,
 * verifiable with the standardwebhooks package, its actor named; rotation
 * (both secrets verify), test event, deliveries listed without bodies,
 * manual retry; the events feed (oldest first, cursor bound to the tenant,
 * type filter); audit of every endpoint change; integrations:manage and
 * audit:view enforced; another tenant sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { type Receiver, startReceiver, verifyReceived } from '../support/receiver.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let receiver: Receiver;
let owner: { tenantId: string; ownerId: string; ownerToken: string };
let other: { tenantId: string; ownerToken: string };
let agentToken: string;
let managerToken: string;
let base: string;

beforeAll(async () => {
  gw = await startTestGateway({ webhooks: true });
  api = client(gw);
  receiver = await startReceiver();
  const label = `hooks-${unique()}`;
  [owner, other] = await Promise.all([api.tenantWithOwner('scale', label), api.tenantWithOwner('scale', `${label}-b`)]);
  base = `/v1/tenants/${owner.tenantId}`;
  const member = async (role: string) => {
    const email = `${label}-${role}-${unique()}@e2e.test`;
    const res = await api.call('POST', `${base}/invitations`, { token: owner.ownerToken, body: { email, role } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return api.acceptAndLogin(email, `${label} ${role}`, PASSWORD);
  };
  [agentToken, managerToken] = [await member('agent'), await member('manager')];
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await receiver?.close();
});

const as = () => ({ token: owner.ownerToken });

describe('webhook endpoints', () => {
  let id: string;
  let secret: string;

  it('creates an endpoint: 201 with the secret, shown in no other response', async () => {
    const created = await api.call('POST', `${base}/webhooks`, {
      ...as(),
      body: { url: receiver.url, events: ['member.invited', 'member.deactivated'], description: 'CRM' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      url: receiver.url,
      enabled: true,
      events: ['member.deactivated', 'member.invited'],
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.headers.get('location')).toBe(`${base}/webhooks/${created.body.id}`);
    ({ id, secret } = created.body);
    const list = await api.call('GET', `${base}/webhooks`, as());
    const read = await api.call('GET', `${base}/webhooks/${id}`, as());
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(read.headers.get('etag')).toBe('"v1"');
    for (const res of [list, read]) expect(JSON.stringify(res.body)).not.toContain(secret.slice(6, 20));
  });

  it('refuses unknown event types and a bad URL with a 400 problem, writing nothing', async () => {
    for (const body of [
      { url: receiver.url, events: ['member.exploded'] },
      { url: 'not a url', events: ['*'] },
      { url: `${receiver.url.replace('http:', 'ftp:')}`, events: ['*'] },
    ]) {
      const res = await api.call('POST', `${base}/webhooks`, { ...as(), body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation-failed' });
    }
    expect((await api.call('GET', `${base}/webhooks`, as())).body.items).toHaveLength(1);
  });

  it('delivers a change after the request returned: signed, verifiable, the actor named', async () => {
    const email = `hooked-${unique()}@e2e.test`;
    const invited = await api.call('POST', `${base}/invitations`, { ...as(), body: { email, role: 'agent' } });
    expect(invited.status).toBe(201);
    await expect
      .poll(() => receiver.received.filter((r) => r.body.includes(invited.body.id)).length, { timeout: 10_000 })
      .toBe(1);
    const request = receiver.received.find((r) => r.body.includes(invited.body.id));
    if (!request) throw new Error('not delivered');
    const event = verifyReceived(secret, request) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1',
      type: 'member.invited',
      tenantId: owner.tenantId,
      actor: { type: 'user', id: owner.ownerId, name: expect.stringContaining('Owner') },
      data: { target: { type: 'member', id: invited.body.id }, version: 1, after: { email, status: 'invited' } },
    });
    expect(request.headers['webhook-id']).toBe(event.id);
    // The same event in the feed, same envelope.
    const feed = await api.call('GET', `${base}/events?types=member.invited&limit=100`, as());
    expect(feed.body.items).toContainEqual(event);
  });

  it('rotates the secret: shown once; for 24 h both secrets verify every delivery', async () => {
    const rotated = await api.call('POST', `${base}/webhooks/${id}/rotate-secret`, as());
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect(rotated.body.previousSecretExpiresAt).toEqual(expect.any(String));
    const sent = await api.call('POST', `${base}/webhooks/${id}/test`, as());
    expect(sent.body).toMatchObject({ status: 'succeeded', attempt: 1, responseStatus: 200, eventType: 'roster.test' });
    const request = receiver.received.find((r) => r.headers['webhook-id'] === sent.body.id);
    if (!request) throw new Error('no test event');
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyReceived(rotated.body.secret, request)).toMatchObject({ type: 'roster.test' });
    expect(verifyReceived(secret, request)).toMatchObject({ type: 'roster.test' });
    secret = rotated.body.secret;
  });

  it('lists deliveries with status and response code (never a body); a manual retry re-sends the same event', async () => {
    const deliveries = await api.call('GET', `${base}/webhooks/${id}/deliveries`, as());
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.body.items[0]).toMatchObject({ status: 'succeeded', responseStatus: 200, attempt: 1 });
    expect(JSON.stringify(deliveries.body)).not.toContain('never keeps');
    const target = deliveries.body.items[0];
    const before = receiver.received.filter((r) => r.headers['webhook-id'] === target.id).length;
    const retried = await api.call('POST', `${base}/webhooks/${id}/deliveries/${target.id}/retry`, as());
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ id: target.id, status: 'succeeded', attempt: 1 });
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === target.id)).toHaveLength(before + 1);
    const missing = await api.call('POST', `${base}/webhooks/${id}/deliveries/01JNQ7X4M2A8B6C9D0E1F2G3H4/retry`, as());
    expect(missing.status).toBe(404);
  });

  it('edits, disables (a test event is then refused) and deletes; every change is audited with its actor', async () => {
    const stale = await api.call('PATCH', `${base}/webhooks/${id}`, {
      ...as(),
      headers: { 'if-match': '"v1"' },
      body: { events: ['*'] },
    });
    expect(stale.status).toBe(412);
    const edited = await api.call('PATCH', `${base}/webhooks/${id}`, {
      ...as(),
      body: { events: ['*'], enabled: false },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ events: ['*'], enabled: false, disabledReason: 'Disabled by a member' });
    const refused = await api.call('POST', `${base}/webhooks/${id}/test`, as());
    expect(refused.status).toBe(409);
    const deleted = await api.call('DELETE', `${base}/webhooks/${id}`, as());
    expect(deleted.status).toBe(204);
    expect((await api.call('GET', `${base}/webhooks/${id}`, as())).status).toBe(404);
    const audit = await api.call('GET', `${base}/audit-events?targetId=${id}&limit=20`, as());
    expect(audit.body.items.map((e: { action: string }) => e.action).reverse()).toEqual([
      'webhook.created',
      'webhook.secret_rotated',
      'webhook.updated',
      'webhook.deleted',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(secret.slice(6, 20));
    expect(audit.body.items[0].actor).toMatchObject({ type: 'user', id: owner.ownerId });
  });
});

describe('the events feed', () => {
  it('serves the tenant’s events oldest first; the cursor resumes after the last one and is bound to the tenant', async () => {
    const first = await api.call('GET', `${base}/events?limit=2`, as());
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { type: string }) => e.type)).toEqual(['tenant.created', 'member.invited']);
    const rest = await api.call('GET', `${base}/events?limit=100&after=${first.body.nextCursor}`, as());
    const all = await api.call('GET', `${base}/events?limit=100`, as());
    expect([...first.body.items, ...rest.body.items]).toEqual(all.body.items);
    const times = all.body.items.map((e: { occurredAt: string }) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    // At the end: an empty page and a cursor to poll with.
    const end = await api.call('GET', `${base}/events?after=${all.body.nextCursor}`, as());
    expect(end.body).toEqual({ items: [], nextCursor: all.body.nextCursor });
    // Another tenant's cursor is a 400; its own feed has none of these events.
    const foreign = await api.call('GET', `/v1/tenants/${other.tenantId}/events?after=${first.body.nextCursor}`, {
      token: other.ownerToken,
    });
    expect(foreign.status).toBe(400);
    const theirs = await api.call('GET', `/v1/tenants/${other.tenantId}/events?limit=100`, { token: other.ownerToken });
    const ids = new Set(all.body.items.map((e: { id: string }) => e.id));
    expect(theirs.body.items.filter((e: { id: string }) => ids.has(e.id))).toEqual([]);
  });

  it('filters by type', async () => {
    const res = await api.call('GET', `${base}/events?types=webhook.created,webhook.deleted&limit=100`, as());
    expect(res.body.items.map((e: { type: string }) => e.type)).toEqual(['webhook.created', 'webhook.deleted']);
  });
});

describe('permissions and isolation', () => {
  it('an agent or manager (no integrations:manage) gets 403 on every webhook route; the feed needs audit:view', async () => {
    for (const token of [agentToken, managerToken]) {
      for (const [method, path] of [
        ['GET', `${base}/webhooks`],
        ['POST', `${base}/webhooks`],
        ['GET', `${base}/webhooks/nope`],
        ['POST', `${base}/webhooks/nope/rotate-secret`],
        ['GET', `${base}/webhooks/nope/deliveries`],
      ] as const) {
        const res = await api.call(method, path, {
          token,
          body: method === 'POST' && path.endsWith('webhooks') ? { url: receiver.url, events: ['*'] } : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(403);
      }
    }
    expect((await api.call('GET', `${base}/events`, { token: agentToken })).status).toBe(403);
  });

  it('another tenant’s owner gets 404 for this tenant’s endpoints, deliveries and feed', async () => {
    const created = await api.call('POST', `${base}/webhooks`, { ...as(), body: { url: receiver.url, events: ['*'] } });
    const path = `${base}/webhooks/${created.body.id}`;
    for (const [method, p] of [
      ['GET', path],
      ['PATCH', path],
      ['DELETE', path],
      ['POST', `${path}/test`],
      ['GET', `${path}/deliveries`],
      ['GET', `${base}/events`],
    ] as const) {
      const res = await api.call(method, p, {
        token: other.ownerToken,
        body: method === 'PATCH' ? { description: 'x' } : undefined,
      });
      expect(res.status, `${method} ${p}`).toBe(404);
    }
    // Its own tenant's path with this tenant's endpoint id: not found either.
    const cross = await api.call('GET', `/v1/tenants/${other.tenantId}/webhooks/${created.body.id}`, {
      token: other.ownerToken,
    });
    expect(cross.status).toBe(404);
  });
});
