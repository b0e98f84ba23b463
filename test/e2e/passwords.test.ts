/**
 * Self-service password reset and identity clean-up, over HTTP against
 * cognito-local (the reset code is read from cognito-local's store, where
 * real Cognito would email it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLogin } from '../../lib/aws/identity.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { cognitoCode } from '../support/local-stack.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
});
afterAll(async () => {
  await gw?.close();
});

describe('forgot password', () => {
  it('resets with the emailed code; a wrong code changes nothing', async () => {
    const t = await api.tenantWithOwner('trial', 'forgot');
    expect((await api.call('POST', '/v1/auth/forgot-password', { body: { email: t.ownerEmail } })).status).toBe(202);
    const code = await cognitoCode(t.ownerEmail);
    expect(code).toEqual(expect.any(String));

    const wrong = await api.call('POST', '/v1/auth/confirm-forgot-password', {
      body: { email: t.ownerEmail, code: 'not-the-code', newPassword: 'Brand1NewPassword' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.code');
    expect(await api.login(t.ownerEmail, PASSWORD)).toEqual(expect.any(String));

    const ok = await api.call('POST', '/v1/auth/confirm-forgot-password', {
      body: { email: t.ownerEmail, code, newPassword: 'Brand1NewPassword' },
    });
    expect(ok.status).toBe(204);
    expect(await api.login(t.ownerEmail, 'Brand1NewPassword')).toEqual(expect.any(String));
    expect(
      (await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } })).status,
    ).toBe(401);
  });

  it('a weak new password is a 400 naming the field', async () => {
    const res = await api.call('POST', '/v1/auth/confirm-forgot-password', {
      body: { email: 'someone@e2e.test', code: '123456', newPassword: 'weak' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('body.newPassword');
  });
});

describe('identity clean-up', () => {
  it('revoking the only invitation of a never-used login removes the login', async () => {
    const t = await api.tenantWithOwner('growth', 'cleanup');
    const email = `never-${unique()}@e2e.test`;
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, role: 'agent' },
    });
    expect(invited.status).toBe(201);
    expect(await findLogin(email)).toBeDefined();
    const revoked = await api.call('DELETE', `/v1/tenants/${t.tenantId}/users/${invited.body.id}`, {
      token: t.ownerToken,
    });
    expect(revoked.status).toBe(204);
    expect(await findLogin(email)).toBeUndefined();
  });

  it('deleting a member keeps a login that other tenants still use', async () => {
    const a = await api.tenantWithOwner('growth', 'keep-a');
    const b = await api.tenantWithOwner('growth', 'keep-b');
    const linked = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
      token: a.ownerToken,
      body: { email: b.ownerEmail, name: 'B Owner', role: 'agent' },
    });
    expect(linked.status).toBe(201);
    const removed = await api.call('DELETE', `/v1/tenants/${a.tenantId}/users/${b.ownerId}`, { token: a.ownerToken });
    expect(removed.status).toBe(204);
    expect(await findLogin(b.ownerEmail)).toBeDefined();
    expect(await api.login(b.ownerEmail, PASSWORD)).toEqual(expect.any(String));
  });
});
