/**
 * The first real flow over HTTP through the local gateway, as a client does it:
 * platform creates a tenant → email → preview → accept → login → see the tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

async function call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${gw.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const email = `owner-${Math.random().toString(36).slice(2, 10)}@e2e.test`;
const password = 'Sup3rSecretPassw0rd';
const state: { tenantId?: string; token?: string; accessToken?: string; refreshToken?: string } = {};
const bearer = () => ({ authorization: `Bearer ${state.accessToken}` });

describe('foundation flow over HTTP', () => {
  it('health answers', async () => {
    const res = await call('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('refuses a platform route without the platform key', async () => {
    const res = await call('POST', '/v1/platform/tenants', { body: { name: 'X' } });
    expect(res.status).toBe(403);
    const wrong = await call('GET', '/v1/platform/tenants', { headers: { 'x-platform-key': 'nope' } });
    expect(wrong.status).toBe(403);
  });

  it('platform creates a tenant whose owner is invited by email', async () => {
    const res = await call('POST', '/v1/platform/tenants', {
      headers: { 'x-platform-key': gw.platformKey },
      body: { name: 'E2E Co', plan: 'growth', owner: { email, name: 'Erin Owner' } },
    });
    expect(res.status).toBe(201);
    expect(res.body.seats).toEqual({ used: 1, limit: 5, available: 4 });
    expect(res.body.owner).toMatchObject({ email, role: 'admin', status: 'invited' });
    state.tenantId = res.body.id;

    const [mail] = await sesMessages(undefined, email);
    expect(mail?.subject).toContain('E2E Co');
    expect(mail?.body.html).toContain('accept-invitation?token=');
    const link = /(https?:\/\/\S+\/accept-invitation\?token=[^\s"<]+)/.exec(mail?.body.text ?? '')?.[1];
    expect(link).toBeDefined();
    state.token = new URL(link as string).searchParams.get('token') ?? undefined;
  });

  it('previews and accepts the invitation exactly once', async () => {
    const preview = await call('POST', '/v1/invitations/preview', { body: { token: state.token } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ tenant: { id: state.tenantId, name: 'E2E Co' }, email, role: 'admin' });

    const weak = await call('POST', '/v1/invitations/accept', {
      body: { token: state.token, name: 'Erin', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('body.password');

    const accepted = await call('POST', '/v1/invitations/accept', {
      body: { token: state.token, name: 'Erin', password },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('active');

    const again = await call('POST', '/v1/invitations/accept', {
      body: { token: state.token, name: 'Erin', password },
    });
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('invitation-invalid');
  });

  it('refuses a wrong password and signs in with the right one', async () => {
    const wrong = await call('POST', '/v1/auth/login', { body: { email, password: 'Wr0ngPassword!!' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('unauthenticated');

    const res = await call('POST', '/v1/auth/login', { body: { email: email.toUpperCase(), password } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        accessToken: expect.any(String),
        idToken: expect.any(String),
        expiresIn: expect.any(Number),
      }),
    );
    state.accessToken = res.body.accessToken;
    state.refreshToken = res.body.refreshToken;
  });

  it('shows the caller and their memberships', async () => {
    const res = await call('GET', '/v1/me', { headers: bearer() });
    expect(res.status).toBe(200);
    expect(res.body.memberships).toEqual([
      { tenant: { id: state.tenantId, name: 'E2E Co' }, role: 'admin', status: 'active', owner: true },
    ]);
  });

  it('shows the tenant with its seats and my effective permissions', async () => {
    const tenant = await call('GET', `/v1/tenants/${state.tenantId}`, { headers: bearer() });
    expect(tenant.status).toBe(200);
    expect(tenant.body).toMatchObject({
      id: state.tenantId,
      plan: 'growth',
      seats: { used: 1, limit: 5, available: 4 },
    });
    expect(tenant.headers.get('etag')).toMatch(/^"v\d+"$/);

    const me = await call('GET', `/v1/tenants/${state.tenantId}/me`, { headers: bearer() });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, name: 'Erin', role: 'admin', status: 'active', owner: true });
    expect(me.body.permissions).toContain('users:create');
  });

  it('renames the tenant with If-Match and refuses a stale ETag', async () => {
    const current = await call('GET', `/v1/tenants/${state.tenantId}`, { headers: bearer() });
    const etag = current.headers.get('etag') as string;
    const renamed = await call('PATCH', `/v1/tenants/${state.tenantId}`, {
      headers: { ...bearer(), 'if-match': etag },
      body: { name: 'E2E Company' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('E2E Company');
    const stale = await call('PATCH', `/v1/tenants/${state.tenantId}`, {
      headers: { ...bearer(), 'if-match': etag },
      body: { name: 'Lost update' },
    });
    expect(stale.status).toBe(412);
  });

  it('hides other tenants and refuses missing or tampered tokens', async () => {
    const other = await call('GET', '/v1/tenants/some-other-tenant', { headers: bearer() });
    expect(other.status).toBe(404);

    const none = await call('GET', `/v1/tenants/${state.tenantId}`);
    expect(none.status).toBe(401);

    const [head, payload, signature] = (state.accessToken as string).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    const tampered = await call('GET', '/v1/me', {
      headers: { authorization: `Bearer ${head}.${forged}.${signature}` },
    });
    expect(tampered.status).toBe(401);
  });

  it('answers malformed JSON and unknown routes with problems', async () => {
    const bad = await call('POST', '/v1/auth/login', { body: '{"email":' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('validation-failed');

    const unknown = await call('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refreshes tokens and accepts forgot-password for anyone (no enumeration)', async () => {
    const refreshed = await call('POST', '/v1/auth/refresh', { body: { refreshToken: state.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessToken).toEqual(expect.any(String));

    const known = await call('POST', '/v1/auth/forgot-password', { body: { email } });
    const unknown = await call('POST', '/v1/auth/forgot-password', { body: { email: 'nobody@e2e.test' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
  });

  it('lists tenants for the platform, newest first', async () => {
    const res = await call('GET', '/v1/platform/tenants?limit=100', { headers: { 'x-platform-key': gw.platformKey } });
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: { id: string }) => t.id)).toContain(state.tenantId);
    const bad = await call('GET', '/v1/platform/tenants?limit=0', { headers: { 'x-platform-key': gw.platformKey } });
    expect(bad.status).toBe(400);
  });
});
