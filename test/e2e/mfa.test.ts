/**
 * Two-factor authentication and the tenant MFA policy (DESIGN §1 "Enterprise
 * sign-in", §2a rules 1, 2, 4, 14), over HTTP through the local gateway
 * against real cognito-local, which holds the TOTP secret and checks every
 * code. Codes come from the `otpauth` package, as an authenticator app makes
 * them. The attacks: skipping or replaying the sign-in's code step, a wrong
 * code, a non-admin setting the policy, requiring it while not enrolled, a
 * member past the grace period (refused per tenant: their other tenant is
 * unaffected), and MFA resets of the owner, of a dominating member and of a
 * login the tenant does not manage.
 */
import * as OTPAuth from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, unique } from './client.ts';
import { identitySuite, type Person, pastIssueSecond, type Tenant } from './identity-kit.ts';

const { api, kit } = identitySuite();

const code = (secret: string) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
/** A code that is certainly wrong for `secret` now (and in the window either side). */
function wrongCode(secret: string): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  const near = new Set([-1, 0, 1].map((d) => totp.generate({ timestamp: Date.now() + d * 30_000 })));
  let guess = 123456;
  while (near.has(String(guess).padStart(6, '0'))) guess += 1;
  return String(guess).padStart(6, '0');
}

let t: Tenant;
let u: Tenant;
let admin: Person;
let manager: Person;
let agent: Person;
let custom: Person;
/** U's owner, also an accepted member of T (a login T does not manage). */
let shared: { id: string; email: string; token: string };
const secrets = new Map<string, string>();

const tenantPath = (x: Tenant, rest = '') => `/v1/tenants/${x.tenantId}${rest}`;

/** Enrols the signed-in login: setup, then verify with the app's current code. */
async function enrol(token: string): Promise<string> {
  const setup = await api.call('POST', '/v1/auth/mfa/totp/setup', { token });
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const verified = await api.call('POST', '/v1/auth/mfa/totp/verify', {
    token,
    body: { code: code(setup.body.secret) },
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return setup.body.secret;
}

/** Password step, then the code step: the tokens. */
async function signInWithCode(email: string, secret: string) {
  const first = await api.call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(first.body).toMatchObject({ challenge: 'SOFTWARE_TOKEN_MFA' });
  const second = await api.call('POST', '/v1/auth/mfa/challenge', {
    body: { email, session: first.body.session, code: code(secret) },
  });
  expect(second.status, JSON.stringify(second.body)).toBe(200);
  return second.body as { accessToken: string; refreshToken: string };
}

async function setPolicy(token: string, mfa: Record<string, unknown>) {
  return api.call('PATCH', tenantPath(t), { token, body: { mfa } });
}

beforeAll(async () => {
  const label = unique();
  [t, u] = await Promise.all([
    api.tenantWithOwner('scale', `mfa-t-${label}`),
    api.tenantWithOwner('scale', `mfa-u-${label}`),
  ]);
  const roleId = await kit.customRole(t, ['settings:manage', 'users:view', 'users:edit']);
  [admin, manager, agent, custom] = await Promise.all([
    kit.join(t, 'mfa-admin', { role: 'admin' }),
    kit.join(t, 'mfa-manager', { role: 'manager' }),
    kit.join(t, 'mfa-agent', { role: 'agent' }),
    kit.join(t, 'mfa-custom', { role: 'custom', roleId }),
  ]);
  const sharedId = await kit.linkInto(t, u.ownerEmail);
  shared = { id: sharedId, email: u.ownerEmail, token: u.ownerToken };
});

describe('enrolment (TOTP through Cognito)', () => {
  it('setup answers a secret and its otpauth URI; a wrong code enrols nothing; the right one does, audited', async () => {
    const setup = await api.call('POST', '/v1/auth/mfa/totp/setup', { token: t.ownerToken });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    const { secret, otpauthUri } = setup.body as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(otpauthUri.startsWith(`otpauth://totp/Roster:${encodeURIComponent(t.ownerEmail)}?`)).toBe(true);
    const uri = new URL(otpauthUri);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Roster');

    const wrong = await api.call('POST', '/v1/auth/mfa/totp/verify', {
      token: t.ownerToken,
      body: { code: wrongCode(secret) },
    });
    expect(wrong.status).toBe(400);
    expect((await api.call('GET', '/v1/me', { token: t.ownerToken })).body.mfa).toEqual({
      enrolled: false,
      enrolledAt: null,
    });
    // Still no challenge: a refused code turned nothing on at Cognito either.
    expect(
      (await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } })).body,
    ).not.toHaveProperty('challenge');

    const ok = await api.call('POST', '/v1/auth/mfa/totp/verify', {
      token: t.ownerToken,
      body: { code: code(secret) },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ enrolled: true, enrolledAt: expect.any(String) });
    secrets.set(t.ownerEmail, secret);
    expect((await api.call('GET', '/v1/me', { token: t.ownerToken })).body.mfa).toEqual({
      enrolled: true,
      enrolledAt: ok.body.enrolledAt,
    });
    expect(await kit.auditOf(t, 'identity.mfa_enrolled', t.ownerId)).toHaveLength(1);

    // A second setup would swap the secret Cognito checks for an unconfirmed one.
    const again = await api.call('POST', '/v1/auth/mfa/totp/setup', { token: t.ownerToken });
    expect(again.status).toBe(409);
  });
});

describe('the sign-in challenge cannot be skipped, guessed or replayed', () => {
  it('the password alone answers a challenge, never tokens or a session cookie', async () => {
    const res = await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['challenge', 'session']);
    expect(res.body.challenge).toBe('SOFTWARE_TOKEN_MFA');
    expect(res.headers.get('set-cookie')).toBeNull();
    // Nothing to refresh with: no token, no cookie.
    expect((await api.call('POST', '/v1/auth/refresh', { body: {} })).status).toBeGreaterThanOrEqual(400);
  });

  it('a wrong code is 401 mfa-required; a session Roster did not issue to this login gets nothing', async () => {
    const secret = secrets.get(t.ownerEmail) as string;
    const first = await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } });
    const wrong = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: t.ownerEmail, session: first.body.session, code: wrongCode(secret) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('mfa-required');
    // A made-up session with the right code (cognito-local would take any session).
    const madeUp = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: t.ownerEmail, session: crypto.randomUUID(), code: code(secret) },
    });
    expect(madeUp.status).toBe(401);
    expect(madeUp.body.code).toBe('mfa-required');
    // This login's session under another address.
    const other = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: agent.email, session: first.body.session, code: code(secret) },
    });
    expect(other.status).toBe(401);
  });

  it('the right code gets tokens once; replaying the session, even with a right code, gets nothing', async () => {
    const secret = secrets.get(t.ownerEmail) as string;
    const first = await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } });
    const answer = { email: t.ownerEmail, session: first.body.session, code: code(secret) };
    const ok = await api.call('POST', '/v1/auth/mfa/challenge', { body: answer });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    expect(ok.headers.get('set-cookie')).toMatch(/roster_refresh=/);
    expect((await api.call('GET', tenantPath(t, '/me'), { token: ok.body.accessToken })).status).toBe(200);
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: ok.body.refreshToken } });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);

    const replay = await api.call('POST', '/v1/auth/mfa/challenge', { body: answer });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('mfa-required');
    t.ownerToken = ok.body.accessToken;
  });

  it('a challenge takes five codes at most: after five wrong ones the right one is refused', async () => {
    const secret = secrets.get(t.ownerEmail) as string;
    const first = await api.call('POST', '/v1/auth/login', { body: { email: t.ownerEmail, password: PASSWORD } });
    for (let i = 0; i < 5; i += 1) {
      const res = await api.call('POST', '/v1/auth/mfa/challenge', {
        body: { email: t.ownerEmail, session: first.body.session, code: wrongCode(secret) },
      });
      expect(res.status).toBe(401);
    }
    const late = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: t.ownerEmail, session: first.body.session, code: code(secret) },
    });
    expect(late.status).toBe(401);
  });
});

describe('the tenant policy (rule 14: admins alone; the requester enrolled)', () => {
  it('a manager and a custom role with settings:manage cannot set it; nothing changes', async () => {
    const before = await api.call('GET', tenantPath(t), { token: t.ownerToken });
    const byManager = await setPolicy(manager.token, { required: true, graceDays: 0 });
    expect(byManager.status).toBe(403);
    const byCustom = await setPolicy(custom.token, { required: true, graceDays: 0 });
    expect(byCustom.status).toBe(403);
    expect(byCustom.body.detail).toMatch(/mfa/);
    const after = await api.call('GET', tenantPath(t), { token: t.ownerToken });
    expect(after.body).toEqual(before.body);
  });

  it('an admin who has not set it up cannot require it (403 mfa-enrollment-required, nothing written)', async () => {
    const trail = (await kit.audit(t)).length;
    const res = await setPolicy(admin.token, { required: true, graceDays: 0 });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('mfa-enrollment-required');
    expect((await api.call('GET', tenantPath(t), { token: t.ownerToken })).body.mfa.required).toBe(false);
    expect((await kit.audit(t)).length).toBe(trail);
  });

  it('within the grace period members get in; after it a member without MFA is refused here only', async () => {
    const graced = await setPolicy(t.ownerToken, { required: true, graceDays: 7 });
    expect(graced.status, JSON.stringify(graced.body)).toBe(200);
    expect(graced.body.mfa).toMatchObject({ required: true, graceDays: 7, includeSso: false });
    const requiredAt = graced.body.mfa.requiredAt as string;
    expect(Date.parse(graced.body.mfa.enforcedFrom) - Date.parse(requiredAt)).toBe(7 * 86_400_000);
    expect((await api.call('GET', tenantPath(t, '/users'), { token: agent.token })).status).toBe(200);
    const audited = (await kit.audit(t)).find((e) => e.action === 'tenant.updated');
    expect(audited?.after).toMatchObject({ mfa: { required: true, graceDays: 7 } });

    // The grace period runs from when it was required, not from this edit.
    const now = await setPolicy(t.ownerToken, { required: true, graceDays: 0 });
    expect(now.body.mfa.requiredAt).toBe(requiredAt);
    expect(now.body.mfa.enforcedFrom).toBe(requiredAt);

    const refused = await api.call('GET', tenantPath(t, '/users'), { token: agent.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('mfa-enrollment-required');
    // What the console needs to send them to set it up still answers.
    expect((await api.call('GET', tenantPath(t, '/me'), { token: agent.token })).status).toBe(200);
    expect((await api.call('GET', '/v1/me', { token: agent.token })).status).toBe(200);

    // Per tenant: the same person in a tenant without the policy is not affected.
    expect((await api.call('GET', tenantPath(t, '/users'), { token: shared.token })).body.code).toBe(
      'mfa-enrollment-required',
    );
    expect((await api.call('GET', tenantPath(u, '/users'), { token: shared.token })).status).toBe(200);

    // Enrolling lets them in with the session they have.
    secrets.set(agent.email, await enrol(agent.token));
    expect((await api.call('GET', tenantPath(t, '/users'), { token: agent.token })).status).toBe(200);
  });
});

describe('an admin resets a member’s MFA (rules 1, 2, 4)', () => {
  const reset = (token: string, id: string) => api.call('POST', tenantPath(t, `/users/${id}/reset-mfa`), { token });

  it('refuses the owner’s, one’s own, a dominating member’s, and a login the tenant does not manage', async () => {
    // The policy off for now, so that the refusals below are the reset's own.
    expect((await setPolicy(t.ownerToken, { required: false })).status).toBe(200);
    const refusal = async (token: string, id: string) => {
      const res = await reset(token, id);
      return `${res.status} ${res.body?.code}`;
    };
    expect(await refusal(admin.token, t.ownerId), 'an admin resets the owner').toBe('403 forbidden');
    expect(await refusal(t.ownerToken, t.ownerId), 'one’s own').toBe('403 forbidden');
    expect(await refusal(manager.token, agent.id), 'without users:edit').toBe('403 forbidden');
    expect(await refusal(custom.token, admin.id), 'a custom role resets an admin').toBe('403 forbidden');
    secrets.set(shared.email, await enrol(shared.token));
    const sharedReset = await reset(t.ownerToken, shared.id);
    expect(sharedReset.status).toBe(409);
    expect(sharedReset.body.code).toBe('identity-shared');
    expect(await kit.auditOf(t, 'member.mfa_reset', agent.id)).toHaveLength(0);
    // Still enrolled: the refused resets turned nothing off.
    const first = await api.call('POST', '/v1/auth/login', { body: { email: agent.email, password: PASSWORD } });
    expect(first.body.challenge).toBe('SOFTWARE_TOKEN_MFA');
  });

  it('resets a managed member: audited, sessions ended, Cognito asks no code, the policy applies again', async () => {
    await pastIssueSecond(agent.token);
    const res = await reset(t.ownerToken, agent.id);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(await kit.auditOf(t, 'member.mfa_reset', agent.id)).toHaveLength(1);
    const old = await api.call('GET', '/v1/me', { token: agent.token });
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('session-revoked');
    const fresh = await kit.signIn(agent.email, PASSWORD);
    expect((await api.call('GET', '/v1/me', { token: fresh.accessToken })).body.mfa.enrolled).toBe(false);
    expect((await setPolicy(t.ownerToken, { required: true, graceDays: 0 })).status).toBe(200);
    expect((await api.call('GET', tenantPath(t, '/users'), { token: fresh.accessToken })).body.code).toBe(
      'mfa-enrollment-required',
    );
    // A new secret from scratch; the old one no longer signs in.
    secrets.set(agent.email, await enrol(fresh.accessToken));
    await signInWithCode(agent.email, secrets.get(agent.email) as string);
  });

  it('an admin’s password reset of a login with TOTP: code first, then a new password of their own, then the code again', async () => {
    const given = `${PASSWORD}-given`;
    const reset = await api.call('POST', tenantPath(t, `/users/${agent.id}/reset-password`), {
      token: t.ownerToken,
      body: { password: given },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(204);
    const secret = secrets.get(agent.email) as string;
    const first = await api.call('POST', '/v1/auth/login', { body: { email: agent.email, password: given } });
    expect(first.body.challenge).toBe('SOFTWARE_TOKEN_MFA');
    const coded = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: agent.email, session: first.body.session, code: code(secret) },
    });
    expect(coded.body).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED', reason: 'admin-reset' });
    // The admin's password is no password of their own, even though sign-in with it stops at the code step.
    const same = await api.call('POST', '/v1/auth/new-password', {
      body: { email: agent.email, session: coded.body.session, newPassword: given },
    });
    expect(same.status).toBe(400);
    const own = await api.call('POST', '/v1/auth/new-password', {
      body: { email: agent.email, session: coded.body.session, newPassword: `${PASSWORD}-own` },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.challenge).toBe('SOFTWARE_TOKEN_MFA');
    const done = await api.call('POST', '/v1/auth/mfa/challenge', {
      body: { email: agent.email, session: own.body.session, code: code(secret) },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await api.call('GET', tenantPath(t, '/users'), { token: done.body.accessToken })).status).toBe(200);
  });
});
