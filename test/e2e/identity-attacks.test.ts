/**
 * Issue 10, attack by attack: the takeovers listed at the top of the issue,
 * tried over HTTP as a colleague or another tenant's admin would. Each test
 * is the attacker's steps, then what the victim cares about: they still sign
 * in with their own password, the attacker's password opens nothing, and a
 * refused attempt left the member and the tenant's audit trail as they were.
 */
import { describe, expect, it } from 'vitest';
import { sesMessages } from '../support/http.ts';
import { PASSWORD, unique } from './client.ts';
import { ATTACKER_PASSWORD, attackerAddress, identitySuite, pastIssueSecond } from './identity-kit.ts';

const { api, kit } = identitySuite();

describe('a custom role holding only users:view + users:edit', () => {
  it("cannot move the owner's email to its own address and recover the owner's password there", async () => {
    const t = await api.tenantWithOwner('growth', 'hr-owner');
    const hr = await kit.join(t, 'hr', {
      role: 'custom',
      roleId: await kit.customRole(t, ['users:view', 'users:edit']),
    });
    const mine = attackerAddress();
    const untouched = await kit.watch(t, [t.ownerId]);

    const patched = await api.call('PATCH', `${kit.users(t)}/${t.ownerId}`, { token: hr.token, body: { email: mine } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(403);
    expect(patched.body.code).toBe('forbidden');
    await untouched();

    // Forgot-password on the attacker's address reaches no login at all.
    expect(await kit.recover(mine, ATTACKER_PASSWORD)).toEqual({});
    await kit.expectNoSignIn(mine, ATTACKER_PASSWORD);
    await kit.expectNoSignIn(t.ownerEmail, ATTACKER_PASSWORD);
    await kit.signIn(t.ownerEmail, PASSWORD);
  });

  it('cannot redirect a pending admin invitation to its own address, nor resend it', async () => {
    const t = await api.tenantWithOwner('growth', 'hr-invite');
    const hr = await kit.join(t, 'hr', {
      role: 'custom',
      roleId: await kit.customRole(t, ['users:view', 'users:edit']),
    });
    const adminEmail = `future-admin-${unique()}@e2e.test`;
    const invited = await kit.invite(t, adminEmail, { role: 'admin', name: 'Future Admin' });
    const mine = attackerAddress();
    const untouched = await kit.watch(t, [invited.id]);

    const patched = await api.call('PATCH', `${kit.users(t)}/${invited.id}`, {
      token: hr.token,
      body: { email: mine },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(403);
    expect(patched.body.code).toBe('forbidden');
    const resent = await api.call('POST', `${kit.users(t)}/${invited.id}/resend-invitation`, { token: hr.token });
    expect(resent.status, JSON.stringify(resent.body)).toBe(403);
    await untouched();
    expect(await sesMessages(undefined, mine)).toEqual([]);

    // The invitation is still the invitee's: their link works and their password is the one that counts.
    const accepted = await kit.accept({
      token: await api.invitationToken(adminEmail),
      name: 'Future Admin',
      password: PASSWORD,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ email: adminEmail, status: 'active' });
    await kit.signIn(adminEmail, PASSWORD);
    await kit.expectNoSignIn(mine, ATTACKER_PASSWORD);
  });
});

describe('a custom role holding only users:view + users:create', () => {
  it("cannot plant a password on a pending admin's login by directly creating the same address", async () => {
    const t = await api.tenantWithOwner('growth', 'rec-invite');
    const roleId = await kit.customRole(t, ['users:view', 'users:create']);
    const recruiter = await kit.join(t, 'recruiter', { role: 'custom', roleId });
    const victim = `pending-admin-${unique()}@e2e.test`;
    const invited = await kit.invite(t, victim, { role: 'admin', name: 'Pending Admin' });
    const untouched = await kit.watch(t, [invited.id]);

    const res = await api.call('POST', kit.users(t), {
      token: recruiter.token,
      body: {
        email: victim,
        name: 'Pending Admin',
        password: ATTACKER_PASSWORD,
        temporaryPassword: false,
        role: 'custom',
        roleId,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    await untouched();
    await kit.expectNoSignIn(victim, ATTACKER_PASSWORD);

    // The invitee still chooses their own password when they accept, and only that one opens the account.
    const accepted = await kit.accept({
      token: await api.invitationToken(victim),
      name: 'Pending Admin',
      password: PASSWORD,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', linked: false });
    await kit.signIn(victim, PASSWORD);
    await kit.expectNoSignIn(victim, ATTACKER_PASSWORD);
  });

  it('cannot replace the initial password of a directly created member who has not signed in yet', async () => {
    const t = await api.tenantWithOwner('growth', 'rec-direct');
    const roleId = await kit.customRole(t, ['users:view', 'users:create']);
    const recruiter = await kit.join(t, 'recruiter', { role: 'custom', roleId });
    const victim = `new-hire-${unique()}@e2e.test`;
    const created = await api.call('POST', kit.users(t), {
      token: t.ownerToken,
      body: { email: victim, name: 'New Hire', password: 'Initial1Password!', role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const untouched = await kit.watch(t, [created.body.id]);

    const res = await api.call('POST', kit.users(t), {
      token: recruiter.token,
      body: {
        email: victim,
        name: 'New Hire',
        password: ATTACKER_PASSWORD,
        temporaryPassword: false,
        role: 'custom',
        roleId,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    await untouched();
    await kit.expectNoSignIn(victim, ATTACKER_PASSWORD);
    // The password the admin gave the person still opens their first sign-in.
    const first = await api.call('POST', '/v1/auth/login', { body: { email: victim, password: 'Initial1Password!' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
  });
});

describe("another tenant's admin", () => {
  it("plants cfo@a with a password it knows; tenant A's invitation still needs the CFO's own proof", async () => {
    const a = await api.tenantWithOwner('growth', 'cfo-victim');
    const b = await api.tenantWithOwner('growth', 'cfo-attacker');
    const cfo = `cfo-${unique()}@a.e2e.test`;
    const planted = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
      token: b.ownerToken,
      body: { email: cfo, name: 'Planted CFO', password: ATTACKER_PASSWORD, temporaryPassword: false, role: 'agent' },
    });
    expect(planted.status, JSON.stringify(planted.body)).toBe(201);
    const planterSession = await kit.signIn(cfo, ATTACKER_PASSWORD);

    const invited = await kit.invite(a, cfo, { role: 'admin', name: 'Real CFO' });
    const link = await api.invitationToken(cfo);
    const untouched = await kit.watch(a, [invited.id]);
    // The link alone (the real CFO clicking it, or anyone it was forwarded to) links nothing.
    for (const body of [{ token: link }, { token: link, name: 'Real CFO' }]) {
      const res = await kit.accept(body);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.code).toBe('login-required');
    }
    await untouched();
    expect((await kit.read(a, invited.id)).body.status).toBe('invited');
    const peek = await api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: planterSession.accessToken });
    expect(peek.status).toBe(404);

    // The real CFO takes the address's login back with the emailed code, then joins A with that password.
    await pastIssueSecond(planterSession.accessToken);
    const { code, confirmed: recovered } = await kit.recover(cfo, 'CfosOwn1Password!');
    expect(code).toEqual(expect.any(String));
    expect(recovered?.status, JSON.stringify(recovered?.body)).toBe(204);
    const joined = await kit.accept({ token: link, password: 'CfosOwn1Password!' });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toMatchObject({ memberId: invited.id, status: 'active', linked: true });
    await kit.expectNoSignIn(cfo, ATTACKER_PASSWORD);
    await kit.expectRevoked(planterSession);

    // B created the login, but it is now in use in A: B can no longer set its password or email.
    const reset = await api.call('POST', `/v1/tenants/${b.tenantId}/users/${planted.body.id}/reset-password`, {
      token: b.ownerToken,
      body: { password: ATTACKER_PASSWORD, temporary: false },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(409);
    expect(reset.body.code).toBe('identity-shared');
    const moved = await api.call('PATCH', `/v1/tenants/${b.tenantId}/users/${planted.body.id}`, {
      token: b.ownerToken,
      body: { email: attackerAddress() },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(409);
    expect(moved.body.code).toBe('identity-shared');
    await kit.expectNoSignIn(cfo, ATTACKER_PASSWORD);
    await kit.signIn(cfo, 'CfosOwn1Password!');
  });

  it('adding a person who has a login elsewhere only invites them: never active at once, a password ignored', async () => {
    const a = await api.tenantWithOwner('growth', 'direct-attacker');
    const victim = await api.tenantWithOwner('growth', 'direct-victim');
    const added = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
      token: a.ownerToken,
      body: { email: victim.ownerEmail, name: 'Victim', role: 'agent' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.status).toBe('invited');
    // Not a member of A until they say so: A does not exist for them yet, and an invitation waits in their mail.
    expect((await api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: victim.ownerToken })).status).toBe(404);
    const preview = await api.call('POST', '/v1/invitations/preview', {
      body: { token: await api.invitationToken(victim.ownerEmail) },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ tenant: { id: a.tenantId }, email: victim.ownerEmail, hasLogin: true });

    // With a password the attacker chose: the same invitation, and the login's password untouched.
    const other = await api.tenantWithOwner('growth', 'direct-other');
    const withPassword = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
      token: a.ownerToken,
      body: {
        email: other.ownerEmail,
        name: 'Other',
        password: ATTACKER_PASSWORD,
        temporaryPassword: false,
        role: 'agent',
      },
    });
    expect(withPassword.status, JSON.stringify(withPassword.body)).toBe(201);
    expect(withPassword.body.status).toBe('invited');
    await kit.expectNoSignIn(other.ownerEmail, ATTACKER_PASSWORD);
    await kit.signIn(other.ownerEmail, PASSWORD);
    expect((await api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: other.ownerToken })).status).toBe(404);
  });
});

describe('a non-owner admin', () => {
  it("cannot reset the owner's password or move the owner's email, so cannot sign in as the owner", async () => {
    const t = await api.tenantWithOwner('growth', 'admin-owner');
    const admin = await kit.join(t, 'admin', { role: 'admin' });
    const untouched = await kit.watch(t, [t.ownerId]);

    for (const temporary of [false, true]) {
      const reset = await api.call('POST', `${kit.users(t)}/${t.ownerId}/reset-password`, {
        token: admin.token,
        body: { password: ATTACKER_PASSWORD, temporary },
      });
      expect(reset.status, JSON.stringify(reset.body)).toBe(403);
      expect(reset.body.code).toBe('forbidden');
    }
    const moved = await api.call('PATCH', `${kit.users(t)}/${t.ownerId}`, {
      token: admin.token,
      body: { email: attackerAddress() },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(403);
    expect(moved.body.code).toBe('forbidden');
    const transfer = await api.call('POST', `/v1/tenants/${t.tenantId}/transfer-ownership`, {
      token: admin.token,
      body: { memberId: admin.id },
    });
    expect(transfer.status).toBe(403);
    await untouched();

    await kit.expectNoSignIn(t.ownerEmail, ATTACKER_PASSWORD);
    await kit.signIn(t.ownerEmail, PASSWORD);
  });
});

describe('a two-permission HR role (users:view + users:edit)', () => {
  it("cannot reset a manager's password, demote, rename or suspend them", async () => {
    const t = await api.tenantWithOwner('growth', 'hr-manager');
    const hr = await kit.join(t, 'hr', {
      role: 'custom',
      roleId: await kit.customRole(t, ['users:view', 'users:edit']),
    });
    const viewer = await kit.customRole(t, ['users:view']);
    const manager = await kit.join(t, 'manager', { role: 'manager' });
    const untouched = await kit.watch(t, [manager.id]);
    const on = `${kit.users(t)}/${manager.id}`;

    const attempts = [
      () =>
        api.call('POST', `${on}/reset-password`, {
          token: hr.token,
          body: { password: ATTACKER_PASSWORD, temporary: false },
        }),
      () => api.call('PATCH', on, { token: hr.token, body: { role: 'custom', roleId: viewer } }),
      () => api.call('PATCH', on, { token: hr.token, body: { name: 'Demoted' } }),
      () => api.call('POST', `${on}/suspend`, { token: hr.token }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    await untouched();

    await kit.expectNoSignIn(manager.email, ATTACKER_PASSWORD);
    const session = await kit.signIn(manager.email, manager.password);
    const me = await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: session.accessToken });
    expect(me.body.permissions).toContain('teams:manage');
  });
});
