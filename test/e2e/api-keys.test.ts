/**
 * API keys through the local gateway against the emulators (DESIGN §1 "A
 * tenant's own machines", §2a rule 12; docs/architecture.md "API keys"): the
 * attacks first — another tenant's path, a revoked, tampered or expired key,
 * escalation at creation, a person's routes, dominance over admins and the
 * owner, platform routes, a colleague without integrations:manage — then what
 * a key does as a member with its permissions would, audited as the key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let a: { tenantId: string; ownerId: string; ownerToken: string };
let b: { tenantId: string; ownerToken: string };
/** Tenant A's people: an agent (no integrations:manage), a custom-role member holding it with users:view only, an admin. */
let agent: { id: string; token: string };
let integrator: { id: string; token: string; name: string };
let admin: { id: string };
let base: string;

const owner = () => ({ token: a.ownerToken });

async function invite(role: string, extra: Record<string, unknown> = {}) {
  const email = `keys-${role}-${unique()}@e2e.test`;
  const name = `Keys ${role} ${unique()}`;
  const res = await api.call('POST', `${base}/invitations`, { ...owner(), body: { email, name, role, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, name, token: await api.acceptAndLogin(email, name, PASSWORD) };
}

async function createKey(token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api.call('POST', `${base}/api-keys`, { token, body, headers });
}

async function newKey(permissions: string[], extra: Record<string, unknown> = {}) {
  const res = await createKey(a.ownerToken, { name: `Key ${unique()}`, permissions, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; secret: string };
}

const listKeys = async () =>
  (await api.call('GET', `${base}/api-keys?limit=100`, owner())).body.items as { id: string }[];
const auditCount = async () => (await api.call('GET', `${base}/audit-events?limit=100`, owner())).body.items.length;

/** Retries `probe` until `done` holds (an emulator's clock, a key's expiry), without a fixed sleep. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  [a, b] = await Promise.all([api.tenantWithOwner('scale', 'keys-a'), api.tenantWithOwner('scale', 'keys-b')]);
  base = `/v1/tenants/${a.tenantId}`;
  const role = await api.call('POST', `${base}/roles`, {
    ...owner(),
    body: { name: `Integrator ${unique()}`, permissions: ['integrations:manage', 'users:view'] },
  });
  expect(role.status).toBe(201);
  agent = await invite('agent');
  integrator = await invite('custom', { roleId: role.body.id });
  admin = await invite('admin');
});

describe('creating and listing keys', () => {
  it('shows the secret once (rst_, 256 bits), lists it without secret or hash, with its creator’s name', async () => {
    const res = await createKey(a.ownerToken, { name: 'CRM sync', permissions: ['users:view', 'teams:view'] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { secret, id, prefix } = res.body;
    expect(secret).toMatch(new RegExp(`^rst_${a.tenantId}\\.${id}\\.[A-Za-z0-9_-]{43}$`));
    expect(secret.startsWith(prefix)).toBe(true);
    const listed = await api.call('GET', `${base}/api-keys`, owner());
    const row = listed.body.items.find((k: { id: string }) => k.id === id);
    expect(row).toMatchObject({ name: 'CRM sync', permissions: ['teams:view', 'users:view'], createdBy: a.ownerId });
    expect(row.createdByName).toBe('keys-a Owner');
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('.')[2]);
    expect(Object.keys(row)).not.toContain('secretHash');
  });

  it('refuses a colleague without integrations:manage to create or list (403), writing nothing', async () => {
    const before = await listKeys();
    expect((await createKey(agent.token, { name: 'x', permissions: ['users:view'] })).status).toBe(403);
    expect((await api.call('GET', `${base}/api-keys`, { token: agent.token })).status).toBe(403);
    expect(await listKeys()).toEqual(before);
  });

  it('refuses a key with a permission its creator lacks (403 naming it), writing nothing', async () => {
    const [keysBefore, auditBefore] = [await listKeys(), await auditCount()];
    const res = await createKey(integrator.token, { name: 'Escalate', permissions: ['users:view', 'users:delete'] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('users:delete');
    expect(res.body.detail).not.toContain('users:view');
    expect(await listKeys()).toEqual(keysBefore);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('keeps a tenant’s maximum lifetime (admins set it): beyond it, or no expiry, is 400 and nothing is written', async () => {
    const set = await api.call('PATCH', base, { ...owner(), body: { apiKeys: { maxLifetimeDays: 30 } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.apiKeys).toEqual({ maxLifetimeDays: 30 });
    const before = await listKeys();
    const far = new Date(Date.now() + 40 * 86_400_000).toISOString();
    const beyond = await createKey(a.ownerToken, { name: 'Long', permissions: ['users:view'], expiresAt: far });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors[0].path).toBe('body.expiresAt');
    expect((await createKey(a.ownerToken, { name: 'Forever', permissions: ['users:view'] })).status).toBe(400);
    expect(await listKeys()).toEqual(before);
    const near = new Date(Date.now() + 10 * 86_400_000).toISOString();
    expect(
      (await createKey(a.ownerToken, { name: 'Short', permissions: ['users:view'], expiresAt: near })).status,
    ).toBe(201);
    // The integrator (settings:manage lacking) cannot lift it.
    const lift = await api.call('PATCH', base, {
      token: integrator.token,
      body: { apiKeys: { maxLifetimeDays: null } },
    });
    expect(lift.status).toBe(403);
    expect((await api.call('PATCH', base, { ...owner(), body: { apiKeys: { maxLifetimeDays: null } } })).status).toBe(
      200,
    );
  });

  it('answers a retried create (same Idempotency-Key) with 409 naming the key: the secret is never stored', async () => {
    const headers = { 'idempotency-key': `key-${unique()}` };
    const body = { name: 'Retried', permissions: ['users:view'] };
    const first = await createKey(a.ownerToken, body, headers);
    expect(first.status).toBe(201);
    const again = await createKey(a.ownerToken, body, headers);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain(first.body.secret);
  });
});

describe('a key under attack', () => {
  it('is 404 on another tenant’s path, as for a person who is no member', async () => {
    const key = await newKey(['users:view']);
    const res = await api.call('GET', `/v1/tenants/${b.tenantId}/users`, { token: key.secret });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
    const forged = key.secret.replace(`rst_${a.tenantId}.`, `rst_${b.tenantId}.`);
    expect((await api.call('GET', `/v1/tenants/${b.tenantId}/users`, { token: forged })).status).toBe(401);
  });

  it('is refused (401) when tampered with, by the gateway before any function', async () => {
    const key = await newKey(['users:view']);
    const last = key.secret.at(-1) === 'A' ? 'B' : 'A';
    for (const token of [
      `${key.secret.slice(0, -1)}${last}`,
      `${key.secret}x`,
      'rst_',
      `rst_${a.tenantId}.${key.id}`,
    ]) {
      const res = await api.call('GET', `${base}/users`, { token });
      expect(res.status, token).toBe(401);
    }
  });

  it('is refused (401) on the next request once revoked, and the revocation is audited', async () => {
    const key = await newKey(['users:view']);
    expect((await api.call('GET', `${base}/users`, { token: key.secret })).status).toBe(200);
    expect((await api.call('DELETE', `${base}/api-keys/${key.id}`, owner())).status).toBe(204);
    expect((await api.call('GET', `${base}/users`, { token: key.secret })).status).toBe(401);
    expect((await api.call('DELETE', `${base}/api-keys/${key.id}`, owner())).status).toBe(404);
    const audit = await api.call('GET', `${base}/audit-events?action=api_key.revoked&targetId=${key.id}`, owner());
    expect(audit.body.items).toHaveLength(1);
  });

  it('is refused (401) once expired', async () => {
    const key = await newKey(['users:view'], { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await api.call('GET', `${base}/users`, { token: key.secret })).status).toBe(200);
    const after = await until(
      () => api.call('GET', `${base}/users`, { token: key.secret }),
      (res) => res.status !== 200,
    );
    expect(after.status).toBe(401);
  });

  it('cannot use a person’s routes: /v1/me, password, sign-out, its own membership, claiming, creating keys (403)', async () => {
    const key = await newKey(['integrations:manage', 'conversations:reply', 'users:view', 'settings:manage']);
    const token = key.secret;
    const calls: [string, string, unknown?][] = [
      ['GET', '/v1/me'],
      ['POST', '/v1/auth/change-password', { currentPassword: PASSWORD, newPassword: 'An0therPassword!' }],
      ['POST', '/v1/auth/sign-out', { everywhere: true }],
      ['GET', '/v1/permissions'],
      ['GET', `${base}/me`],
      ['POST', `${base}/conversations/conv-${unique()}/claim`],
      ['POST', `${base}/transfer-ownership`, { memberId: admin.id }],
      ['POST', `${base}/api-keys`, { name: 'Child', permissions: ['users:view'] }],
    ];
    for (const [method, path, body] of calls) {
      const res = await api.call(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.detail).toMatch(/API keys cannot/);
    }
  });

  it('cannot act on the owner or an admin, even holding every permission; acts on an agent it dominates', async () => {
    const key = await newKey([...ALL_PERMISSIONS]);
    for (const target of [a.ownerId, admin.id]) {
      const res = await api.call('POST', `${base}/users/${target}/suspend`, { token: key.secret });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      const edit = await api.call('PATCH', `${base}/users/${target}`, { token: key.secret, body: { name: 'Renamed' } });
      expect(edit.status).toBe(403);
    }
    const renamed = await api.call('PATCH', `${base}/users/${agent.id}`, {
      token: key.secret,
      body: { name: 'Agent Renamed' },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const audit = await api.call('GET', `${base}/audit-events?targetId=${agent.id}&action=member.updated`, owner());
    expect(audit.body.items[0]?.actor).toEqual({ type: 'apiKey', id: key.id, name: key.name });
  });

  it('is no platform credential: the platform routes refuse it at the gateway', async () => {
    const key = await newKey(['users:view']);
    for (const path of [
      '/v1/platform/tenants',
      `/v1/platform/tenants/${a.tenantId}`,
      `/v1/platform/tenants/${a.tenantId}/users`,
    ]) {
      const res = await api.call('GET', path, { token: key.secret });
      expect(res.status, path).toBe(403);
    }
  });
});

describe('a key at work', () => {
  it('works as a member with its permissions: reads what they allow, nothing more, and records its last use', async () => {
    const key = await newKey(['users:view']);
    expect((await api.call('GET', `${base}/users`, { token: key.secret })).status).toBe(200);
    expect((await api.call('GET', `${base}/roles`, { token: key.secret })).status).toBe(403);
    expect((await api.call('GET', base, { token: key.secret })).status).toBe(200);
    const used = await until(
      async () =>
        (await api.call('GET', `${base}/api-keys?limit=100`, owner())).body.items.find(
          (k: { id: string }) => k.id === key.id,
        ),
      (row) => row?.lastUsedAt !== null,
    );
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('belongs to the tenant: it keeps working after its creator is deleted', async () => {
    const res = await createKey(integrator.token, { name: 'Outlives', permissions: ['users:view'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await api.call('DELETE', `${base}/users/${integrator.id}`, owner())).status).toBe(204);
    expect((await api.call('GET', `${base}/users`, { token: res.body.secret })).status).toBe(200);
    const row = (await api.call('GET', `${base}/api-keys?limit=100`, owner())).body.items.find(
      (k: { id: string }) => k.id === res.body.id,
    );
    expect(row).toMatchObject({ createdBy: integrator.id, createdByName: integrator.name });
  });
});
