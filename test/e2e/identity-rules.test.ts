/**
 * DESIGN §2a rules 1, 2, 3, 6, 8 and 9, each attacked over HTTP: dominance,
 * managed logins, proof before linking, no orphan logins, idempotency per
 * caller, privacy across tenants. (Rules 4 and 7 are in
 * identity-sessions.test.ts, 5 and 10 in identity-invitations.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { sesMessages } from '../support/http.ts';
import { PASSWORD, unique } from './client.ts';
import { ATTACKER_PASSWORD, attackerAddress, identitySuite } from './identity-kit.ts';

const { api, kit } = identitySuite();

describe('rule 1: dominance', () => {
  it('a role acts only on members whose every permission it holds', async () => {
    const t = await api.tenantWithOwner('scale', 'dominance');
    const hrRole = await kit.customRole(t, ['users:view', 'users:edit', 'users:delete']);
    const hr = await kit.join(t, 'hr', { role: 'custom', roleId: hrRole });
    const agent = await kit.join(t, 'agent');
    const viewer = await kit.join(t, 'viewer', { role: 'custom', roleId: await kit.customRole(t, ['users:view']) });
    const untouched = await kit.watch(t, [agent.id]);
    const on = `${kit.users(t)}/${agent.id}`;

    const attempts = [
      () => api.call('PATCH', on, { token: hr.token, body: { name: 'Renamed' } }),
      () => api.call('PATCH', on, { token: hr.token, body: { crmAccess: false } }),
      () => api.call('PATCH', on, { token: hr.token, body: { email: attackerAddress() } }),
      () => api.call('POST', `${on}/suspend`, { token: hr.token }),
      () => api.call('POST', `${on}/deactivate`, { token: hr.token }),
      () => api.call('POST', `${on}/reset-password`, { token: hr.token, body: { password: ATTACKER_PASSWORD } }),
      () => api.call('DELETE', on, { token: hr.token }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    await untouched();
    await kit.expectNoSignIn(agent.email, ATTACKER_PASSWORD);
    await kit.signIn(agent.email, agent.password);

    // A member holding nothing the role lacks is within its reach.
    const renamed = await api.call('PATCH', `${kit.users(t)}/${viewer.id}`, { token: hr.token, body: { name: 'Vi' } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const suspended = await api.call('POST', `${kit.users(t)}/${viewer.id}/suspend`, { token: hr.token });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
  });

  it('a session cannot set its own password through the admin route (only with the current one)', async () => {
    const t = await api.tenantWithOwner('growth', 'self-reset');
    const admin = await kit.join(t, 'admin', { role: 'admin' });
    const untouched = await kit.watch(t, [admin.id]);
    // Someone holding the admin's token (not their password) tries to lock them out.
    const res = await api.call('POST', `${kit.users(t)}/${admin.id}/reset-password`, {
      token: admin.token,
      body: { password: ATTACKER_PASSWORD, temporary: false },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    await untouched();
    await kit.expectNoSignIn(admin.email, ATTACKER_PASSWORD);
    await kit.signIn(admin.email, admin.password);
  });

  it('only admins act on admins, even a custom role holding every permission', async () => {
    const t = await api.tenantWithOwner('scale', 'admins-only');
    const catalogue = await api.call('GET', '/v1/permissions', { token: t.ownerToken });
    const everything: string[] = catalogue.body.resources.flatMap((r: { actions: { permission: string }[] }) =>
      r.actions.map((a) => a.permission),
    );
    const superRole = await kit.join(t, 'super', { role: 'custom', roleId: await kit.customRole(t, everything) });
    const admin = await kit.join(t, 'admin', { role: 'admin' });
    const pendingAdmin = await kit.invite(t, `pending-admin-${unique()}@e2e.test`, { role: 'admin' });
    const untouched = await kit.watch(t, [admin.id, pendingAdmin.id]);
    const on = `${kit.users(t)}/${admin.id}`;

    const attempts = [
      () => api.call('PATCH', on, { token: superRole.token, body: { name: 'Renamed' } }),
      () => api.call('POST', `${on}/suspend`, { token: superRole.token }),
      () => api.call('POST', `${on}/reset-password`, { token: superRole.token, body: { password: ATTACKER_PASSWORD } }),
      () => api.call('DELETE', on, { token: superRole.token }),
      () => api.call('POST', `${kit.users(t)}/${pendingAdmin.id}/resend-invitation`, { token: superRole.token }),
      () => api.call('DELETE', `${kit.users(t)}/${pendingAdmin.id}`, { token: superRole.token }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    await untouched();
    await kit.signIn(admin.email, admin.password);

    // An admin may act on another (non-owner) admin.
    const byAdmin = await api.call('PATCH', on, { token: t.ownerToken, body: { name: 'Renamed by the owner' } });
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(200);
  });
});

describe('rule 2: managed logins', () => {
  it('a pending invitation in another tenant does not make a login shared: its tenant still resets it', async () => {
    const a = await api.tenantWithOwner('growth', 'managed-a');
    const b = await api.tenantWithOwner('growth', 'managed-b');
    const email = `managed-${unique()}@e2e.test`;
    const created = await api.call('POST', kit.users(a), {
      token: a.ownerToken,
      body: { email, name: 'Managed Person', password: 'Managed1Password!', temporaryPassword: false, role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await kit.signIn(email, 'Managed1Password!');
    await kit.invite(b, email);
    const bTrail = (await kit.audit(b)).length;

    const reset = await api.call('POST', `${kit.users(a)}/${created.body.id}/reset-password`, {
      token: a.ownerToken,
      body: { password: 'Temporary1Password!' },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(204);
    const login = await api.call('POST', '/v1/auth/login', { body: { email, password: 'Temporary1Password!' } });
    expect(login.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect(await kit.auditOf(a, 'member.password_reset', created.body.id)).toHaveLength(1);
    // The tenant that only invited the person hears nothing of it.
    expect(await kit.audit(b)).toHaveLength(bTrail);
  });

  it('once the person accepted elsewhere, neither tenant sets the password or the email', async () => {
    const a = await api.tenantWithOwner('growth', 'shared-a');
    const b = await api.tenantWithOwner('growth', 'shared-b');
    const email = `shared-${unique()}@e2e.test`;
    const own = 'Persons1Own!Password';
    const created = await api.call('POST', kit.users(a), {
      token: a.ownerToken,
      body: { email, name: 'Shared Person', password: own, temporaryPassword: false, role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const inB = await kit.linkInto(b, email, own);
    const untouchedA = await kit.watch(a, [created.body.id]);
    const untouchedB = await kit.watch(b, [inB]);

    for (const [t, id] of [
      [a, created.body.id],
      [b, inB],
    ] as const) {
      const reset = await api.call('POST', `${kit.users(t)}/${id}/reset-password`, {
        token: t.ownerToken,
        body: { password: ATTACKER_PASSWORD, temporary: false },
      });
      expect(reset.status, JSON.stringify(reset.body)).toBe(409);
      expect(reset.body.code).toBe('identity-shared');
      const moved = await api.call('PATCH', `${kit.users(t)}/${id}`, {
        token: t.ownerToken,
        body: { email: attackerAddress() },
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(409);
      expect(moved.body.code).toBe('identity-shared');
    }
    await untouchedA();
    await untouchedB();
    await kit.expectNoSignIn(email, ATTACKER_PASSWORD);
    await kit.signIn(email, own);
  });
});

describe('rule 3: proof before linking', () => {
  it("a member of another tenant cannot accept a person's invitation with their own credentials or a forged link", async () => {
    const a = await api.tenantWithOwner('growth', 'steal-a');
    const victim = await api.tenantWithOwner('growth', 'steal-victim');
    const b = await api.tenantWithOwner('growth', 'steal-b');
    const attacker = await kit.join(b, 'attacker', { role: 'admin' }, ATTACKER_PASSWORD);
    const invited = await kit.invite(a, victim.ownerEmail, { role: 'admin' });
    // The victim's link, forwarded to or intercepted by the attacker.
    const link = await api.invitationToken(victim.ownerEmail);
    const untouched = await kit.watch(a, [invited.id]);

    const withToken = await kit.accept({ token: link }, attacker.token);
    expect(withToken.status, JSON.stringify(withToken.body)).toBe(401);
    expect(withToken.body.code).toBe('login-required');
    const withPassword = await kit.accept({ token: link, password: ATTACKER_PASSWORD });
    expect(withPassword.status, JSON.stringify(withPassword.body)).toBe(401);
    expect(withPassword.body.code).toBe('unauthenticated');
    const bare = await kit.accept({ token: link, name: 'Attacker' });
    expect(bare.status, JSON.stringify(bare.body)).toBe(401);
    expect(bare.body.code).toBe('login-required');

    // A live secret of the attacker's own (a pending invitation in B) spliced onto A's ids.
    const decoy = attackerAddress();
    await kit.invite(b, decoy);
    const secret = (await api.invitationToken(decoy)).split('.')[2];
    for (const forged of [`${a.tenantId}.${invited.id}.${secret}`, `${a.tenantId}.${attacker.id}.${secret}`]) {
      expect((await api.call('POST', '/v1/invitations/preview', { body: { token: forged } })).status).toBe(410);
      const res = await kit.accept({ token: forged, password: ATTACKER_PASSWORD }, attacker.token);
      expect(res.status, JSON.stringify(res.body)).toBe(410);
      expect(res.body.code).toBe('invitation-invalid');
    }
    await untouched();
    expect((await api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: attacker.token })).status).toBe(404);

    // The person it was meant for joins with their own session.
    const joined = await kit.accept({ token: link }, victim.ownerToken);
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toMatchObject({ memberId: invited.id, status: 'active', linked: true });
  });

  it("accepting never changes an existing login's password; only the login's own password links it", async () => {
    const a = await api.tenantWithOwner('growth', 'accept-a');
    const victim = await api.tenantWithOwner('growth', 'accept-victim');
    const invited = await kit.invite(a, victim.ownerEmail);
    const link = await api.invitationToken(victim.ownerEmail);
    const preview = await api.call('POST', '/v1/invitations/preview', { body: { token: link } });
    expect(preview.body.hasLogin).toBe(true);
    const untouched = await kit.watch(a, [invited.id]);

    const wrong = await kit.accept({ token: link, name: 'Victim', password: ATTACKER_PASSWORD });
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(401);
    expect(wrong.body.code).toBe('unauthenticated');
    await untouched();
    await kit.expectNoSignIn(victim.ownerEmail, ATTACKER_PASSWORD);
    await kit.signIn(victim.ownerEmail, PASSWORD);

    const right = await kit.accept({ token: link, name: 'Victim', password: PASSWORD });
    expect(right.status, JSON.stringify(right.body)).toBe(200);
    expect(right.body).toMatchObject({ memberId: invited.id, status: 'active', linked: true });
    await kit.signIn(victim.ownerEmail, PASSWORD);
    await kit.expectNoSignIn(victim.ownerEmail, ATTACKER_PASSWORD);
  });
});

describe('rule 6: no orphan logins', () => {
  it('deleting the last membership deletes the login; a re-invite lets the person choose a new password', async () => {
    const t = await api.tenantWithOwner('growth', 'orphan');
    const leaver = await kit.join(t, 'leaver');
    const removed = await api.call('DELETE', `${kit.users(t)}/${leaver.id}`, { token: t.ownerToken });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);

    await kit.expectNoSignIn(leaver.email, leaver.password);
    expect((await api.call('GET', '/v1/me', { token: leaver.token })).status).toBe(401);

    // Invited again, the person is a newcomer: no login to link, a password of their choosing.
    const again = await kit.invite(t, leaver.email);
    const link = await api.invitationToken(leaver.email);
    const preview = await api.call('POST', '/v1/invitations/preview', { body: { token: link } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.hasLogin).toBe(false);
    const bare = await kit.accept({ token: link });
    expect(bare.status, 'accepted without choosing a password').toBe(400);
    const accepted = await kit.accept({ token: link, name: 'Back Again', password: 'Fresh1Password!x' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ memberId: again.id, status: 'active', linked: false });
    await kit.signIn(leaver.email, 'Fresh1Password!x');
    await kit.expectNoSignIn(leaver.email, leaver.password);
  });
});

describe('rule 8: idempotency is per caller', () => {
  it("a colleague replaying the admin's Idempotency-Key gets a fresh request judged by their own rights", async () => {
    const t = await api.tenantWithOwner('growth', 'idem');
    const roleId = await kit.customRole(t, ['users:view', 'users:create']);
    const recruiter = await kit.join(t, 'recruiter', { role: 'custom', roleId });
    const key = `idem-${unique()}-0001`;
    const adminEmail = `new-admin-${unique()}@e2e.test`;
    const body = { email: adminEmail, role: 'admin', name: 'New Admin' };
    const first = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      headers: { 'idempotency-key': key },
      body,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const untouched = await kit.watch(t, [first.body.id]);

    const replayed = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: recruiter.token,
      headers: { 'idempotency-key': key },
      body,
    });
    // Judged as the recruiter's own request: they may not make an admin (and the address is taken anyway).
    expect([403, 409], JSON.stringify(replayed.body)).toContain(replayed.status);
    expect(replayed.body.id).toBeUndefined();
    await untouched();
    expect(await sesMessages(undefined, adminEmail)).toHaveLength(1);

    // The same key for a request the recruiter may make is simply a new request of theirs.
    const own = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: recruiter.token,
      headers: { 'idempotency-key': key },
      body: { email: `candidate-${unique()}@e2e.test`, role: 'custom', roleId, name: 'Candidate' },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.id).not.toBe(first.body.id);
    // …while the admin's own retry still replays the admin's response.
    const retry = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      headers: { 'idempotency-key': key },
      body,
    });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });
});

describe('rule 9: private across tenants', () => {
  it("an invitation in another tenant learns nothing of the person's sign-ins", async () => {
    const home = await api.tenantWithOwner('growth', 'private-home');
    const other = await api.tenantWithOwner('growth', 'private-other');
    const invited = await kit.invite(other, home.ownerEmail);
    expect(invited.lastLoginAt).toBeNull();
    const before = (await kit.read(home, home.ownerId)).body.lastLoginAt;
    expect(before).toEqual(expect.any(String));

    await kit.signIn(home.ownerEmail, PASSWORD);

    // The sign-in is on record where the person is a member…
    const after = (await kit.read(home, home.ownerId)).body.lastLoginAt;
    expect(after > before, `lastLoginAt ${after} not after ${before}`).toBe(true);
    // …and not where they are only invited.
    const seen = await kit.read(other, invited.id);
    expect(seen.status).toBe(200);
    expect(seen.body.lastLoginAt).toBeNull();
  });
});
