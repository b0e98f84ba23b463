/**
 * lastLoginAt through the whole local path a sign-in takes: the gateway's
 * login route → cognito-local → its post-authentication trigger, invoked
 * through the local Lambda service (the deployed handler) → DynamoDB Local.
 */
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as postAuthentication } from '../../functions/triggers/post-authentication.ts';
import { acceptInvitation } from '../../lib/app/invitations.ts';
import { createMember, inviteMember } from '../../lib/app/members.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { resetConfig } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { authorizeTenant, type TenantAccess } from '../../lib/http/middleware/authorize.ts';
import { logger } from '../../lib/log.ts';
import { getMember } from '../../lib/store/members.ts';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';

const platform = { type: 'platform', id: 'integration' } as const;
const unique = () => Math.random().toString(36).slice(2, 10);
const PASSWORD = 'LastLogin1Password';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}) {
  const res = await fetch(`${gateway.baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: responses are inspected loosely
  const body: any = await res.json();
  return { status: res.status, body };
}

async function invitationToken(email: string): Promise<string> {
  const mail = (await sesMessages(undefined, email)).at(-1);
  const token = /accept-invitation\?token=([A-Za-z0-9._%-]+)/.exec(mail?.body.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail for ${email}`);
  return decodeURIComponent(token);
}

/** A tenant whose owner has a login (set by accepting, which is not a sign-in). */
async function tenantOwnedBy(email: string): Promise<TenantAccess> {
  const tenant = await provisionTenant(
    { name: 'Login Co', plan: 'growth', owner: { email, name: 'Owner' } },
    platform,
    new Date(),
  );
  await acceptInvitation({ token: await invitationToken(email), name: 'Owner', password: PASSWORD }, new Date());
  return authorizeTenant(
    { kind: 'user', id: tenant.ownerId, email, token: { authTime: Math.floor(Date.now() / 1000) } },
    tenant.id,
    null,
  );
}

const membership = async (tenantId: string, id: string) => (await getMember(tenantId, id)) as MemberRecord;

describe('lastLoginAt', () => {
  it('is set on every membership at each sign-in, without moving the version', async () => {
    const email = `login-${unique()}@it.test`;
    const first = await tenantOwnedBy(email);
    const personId = first.member.id;
    // The same person joins a second tenant with the login they already have.
    const second = await tenantOwnedBy(`other-${unique()}@it.test`);
    await inviteMember(second, { email, role: 'agent' }, new Date());
    await acceptInvitation({ token: await invitationToken(email), password: PASSWORD }, new Date());

    const before = await Promise.all([membership(first.tenant.id, personId), membership(second.tenant.id, personId)]);
    // Proving the login with its password is a sign-in of the first membership only; the new one has none yet.
    expect(before.map((m) => m.status)).toEqual(['active', 'active']);
    expect(before[1]?.lastLoginAt).toBeNull();

    const signedInFrom = new Date().toISOString();
    const login = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);

    // cognito-local awaits the trigger before it answers: no waiting needed.
    const after = await Promise.all([membership(first.tenant.id, personId), membership(second.tenant.id, personId)]);
    for (const [n, m] of after.entries()) {
      expect(m.lastLoginAt ?? '').toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(String(m.lastLoginAt) >= signedInFrom).toBe(true);
      expect(m.version).toBe(before[n]?.version);
    }

    // Visible to the API on both memberships.
    const token = login.body.accessToken as string;
    for (const tenantId of [first.tenant.id, second.tenant.id]) {
      const read = await call('GET', `/v1/tenants/${tenantId}/users/${personId}`, { token });
      expect(read.status).toBe(200);
      expect(read.body.lastLoginAt).toBe(after.find((m) => m.tenantId === tenantId)?.lastLoginAt);
    }

    const again = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(again.status).toBe(200);
    const later = await membership(first.tenant.id, personId);
    expect(String(later.lastLoginAt) > String(after[0]?.lastLoginAt)).toBe(true);
  });

  it('is set when the first sign-in answers the new-password challenge, not before', async () => {
    const owner = await tenantOwnedBy(`admin-${unique()}@it.test`);
    const email = `new-${unique()}@it.test`;
    const { body } = await createMember(
      owner,
      { email, name: 'New Person', role: 'agent', password: 'Temporary1Password' },
      new Date(),
    );
    const id = (body as { id: string }).id;

    const challenged = await call('POST', '/v1/auth/login', { body: { email, password: 'Temporary1Password' } });
    expect(challenged.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect((await membership(owner.tenant.id, id)).lastLoginAt).toBeNull();

    const answered = await call('POST', '/v1/auth/new-password', {
      body: { email, session: challenged.body.session, newPassword: PASSWORD },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect((await membership(owner.tenant.id, id)).lastLoginAt).not.toBeNull();
  });
});

describe('post-authentication trigger', () => {
  const event = (sub?: string): PostAuthenticationTriggerEvent => ({
    version: '1',
    region: 'us-east-1',
    userPoolId: localStack().cognito.userPoolId,
    userName: sub ?? 'nobody',
    triggerSource: 'PostAuthentication_Authentication',
    callerContext: { awsSdkVersion: 'test', clientId: localStack().cognito.clientId },
    request: { userAttributes: sub ? { sub, email: 'x@it.test' } : {}, newDeviceUsed: false },
    response: {},
  });

  it('returns the event unchanged for an identity with no membership, or none at all', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    try {
      for (const input of [event(`no-member-${unique()}`), event()]) {
        const copy = structuredClone(input);
        const output = await postAuthentication(input);
        expect(output).toBe(input);
        expect(output).toEqual(copy);
      }
      expect(warn).toHaveBeenCalledExactlyOnceWith('sign-in without a sub attribute', { userName: 'nobody' });
    } finally {
      warn.mockRestore();
    }
  });

  it('never fails the sign-in, even when DynamoDB cannot be reached: it logs the error', async () => {
    const table = process.env.TABLE_NAME;
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
    // A table that does not exist: the query fails inside the handler.
    process.env.TABLE_NAME = `missing-${unique()}`;
    resetConfig();
    try {
      const input = event(`someone-${unique()}`);
      await expect(postAuthentication(input)).resolves.toBe(input);
      expect(error).toHaveBeenCalledWith(
        'lastLoginAt not recorded',
        expect.objectContaining({ identityId: input.userName }),
      );
    } finally {
      process.env.TABLE_NAME = table;
      resetConfig();
      error.mockRestore();
    }
  });

  it('is served to cognito-local by the local Lambda service, and only the TRIGGERS functions are', async () => {
    const { lambda } = localStack().urls;
    const unknown = await fetch(`${lambda}/2015-03-31/functions/nothing/invocations`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    const input = event(`direct-${unique()}`);
    const invoked = await fetch(`${lambda}/2015-03-31/functions/postAuthentication/invocations`, {
      method: 'POST',
      body: JSON.stringify(input),
    });
    expect(invoked.status).toBe(200);
    expect(invoked.headers.get('x-amz-function-error')).toBeNull();
    expect(await invoked.json()).toEqual(input);
  });
});
