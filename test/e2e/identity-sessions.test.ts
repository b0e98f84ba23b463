/**
 * DESIGN §2a rules 4 and 7 over HTTP: every credential change ends the
 * sessions that came before it (the old access token is 401
 * `session-revoked` on its very next request, the old refresh token is
 * refused) and is on record in every tenant where the person is a member —
 * not where they are only invited; a refused attempt writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, unique } from './client.ts';
import { ATTACKER_PASSWORD, identitySuite, pastIssueSecond } from './identity-kit.ts';

const { api, kit } = identitySuite();

const NEW_PASSWORD = 'Changed1Password!x';

/** A person who owns tenant `a`, is an accepted member of `b` and only invited to `c`. */
async function personInThreeTenants(label: string) {
  const a = await api.tenantWithOwner('growth', `${label}-a`);
  const b = await api.tenantWithOwner('growth', `${label}-b`);
  const c = await api.tenantWithOwner('growth', `${label}-c`);
  await kit.linkInto(b, a.ownerEmail);
  await kit.invite(c, a.ownerEmail);
  return { a, b, c, id: a.ownerId, email: a.ownerEmail };
}

type Three = Awaited<ReturnType<typeof personInThreeTenants>>;

/** Exactly one `action` about the person in A (read with `tokenInA`) and in B; none in C. */
async function expectOnRecord(p: Three, action: string, tokenInA: string): Promise<void> {
  expect(await kit.auditOf(p.a, action, p.id, tokenInA), `${action} in the owned tenant`).toHaveLength(1);
  expect(await kit.auditOf(p.b, action, p.id), `${action} in the other member tenant`).toHaveLength(1);
  expect(await kit.auditOf(p.c, action, p.id), `${action} where only invited`).toHaveLength(0);
}

describe('rule 4: credential changes end sessions (rule 7: and are on record)', () => {
  it("an admin password reset ends every session of the person, on the old token's very next request", async () => {
    const t = await api.tenantWithOwner('growth', 'end-reset');
    const m = await kit.join(t, 'member');
    const session = await kit.signIn(m.email, m.password);
    await pastIssueSecond(session.accessToken);

    const reset = await api.call('POST', `${kit.users(t)}/${m.id}/reset-password`, {
      token: t.ownerToken,
      body: { password: 'Temporary1Password!' },
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(204);
    await kit.expectRevoked(session, t.tenantId);
    const first = await api.call('GET', '/v1/me', { token: m.token });
    expect(first.status).toBe(401);
    expect(first.body.code).toBe('session-revoked');
    expect(await kit.auditOf(t, 'member.password_reset', m.id)).toHaveLength(1);

    // The person gets back in with the temporary password and one of their own.
    const login = await api.call('POST', '/v1/auth/login', {
      body: { email: m.email, password: 'Temporary1Password!' },
    });
    expect(login.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const answered = await api.call('POST', '/v1/auth/new-password', {
      body: { email: m.email, session: login.body.session, newPassword: NEW_PASSWORD },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect((await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: answered.body.accessToken })).status).toBe(
      200,
    );
  });

  it('an email change ends the sessions and is on record with both addresses', async () => {
    const t = await api.tenantWithOwner('growth', 'end-email');
    const m = await kit.join(t, 'member');
    const session = await kit.signIn(m.email, m.password);
    await pastIssueSecond(session.accessToken);
    const newEmail = `moved-${unique()}@e2e.test`;

    const patched = await api.call('PATCH', `${kit.users(t)}/${m.id}`, {
      token: t.ownerToken,
      body: { email: newEmail },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await kit.expectRevoked(session, t.tenantId);
    const updated = await kit.auditOf(t, 'member.updated', m.id);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ before: { email: m.email }, after: { email: newEmail } });
    await kit.signIn(newEmail, m.password);
    await kit.expectNoSignIn(m.email, m.password);
  });

  it("changing one's own password ends every session before it, and is on record in each tenant of the person", async () => {
    const p = await personInThreeTenants('self-change');
    const other = await kit.signIn(p.email, PASSWORD);
    const current = await kit.signIn(p.email, PASSWORD);
    await pastIssueSecond(current.accessToken);
    const trails = await Promise.all([p.a, p.b, p.c].map(async (t) => (await kit.audit(t)).length));

    const wrong = await api.call('POST', '/v1/auth/change-password', {
      token: current.accessToken,
      body: { currentPassword: ATTACKER_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(400);
    expect(wrong.body.code).toBe('validation-failed');
    expect((await api.call('GET', '/v1/me', { token: other.accessToken })).status).toBe(200);
    expect(await Promise.all([p.a, p.b, p.c].map(async (t) => (await kit.audit(t)).length))).toEqual(trails);

    const changed = await api.call('POST', '/v1/auth/change-password', {
      token: current.accessToken,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      accessToken: expect.any(String),
      idToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    await kit.expectRevoked(other, p.b.tenantId);
    await kit.expectRevoked(current, p.a.tenantId);
    const fresh = changed.body.accessToken as string;
    expect((await api.call('GET', `/v1/tenants/${p.b.tenantId}/me`, { token: fresh })).status).toBe(200);
    await kit.signIn(p.email, NEW_PASSWORD);
    await kit.expectNoSignIn(p.email, PASSWORD);
    await expectOnRecord(p, 'identity.password_changed', fresh);
  });

  it('a confirmed forgot-password ends every session and is on record in each tenant of the person', async () => {
    const p = await personInThreeTenants('recovered');
    const session = await kit.signIn(p.email, PASSWORD);
    await pastIssueSecond(session.accessToken);

    const { code, confirmed } = await kit.recover(p.email, NEW_PASSWORD);
    expect(code).toEqual(expect.any(String));
    expect(confirmed?.status, JSON.stringify(confirmed?.body)).toBe(204);

    await kit.expectRevoked(session, p.a.tenantId);
    const fresh = await kit.signIn(p.email, NEW_PASSWORD);
    await expectOnRecord(p, 'identity.password_recovered', fresh.accessToken);
  });

  it('signing out ends that session; signing out everywhere ends them all and is on record', async () => {
    const p = await personInThreeTenants('sign-out');
    const one = await kit.signIn(p.email, PASSWORD);
    const two = await kit.signIn(p.email, PASSWORD);

    const out = await api.call('POST', '/v1/auth/sign-out', {
      token: one.accessToken,
      body: { refreshToken: one.refreshToken },
    });
    expect(out.status, JSON.stringify(out.body)).toBe(204);
    const dead = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: one.refreshToken } });
    expect(dead.status, JSON.stringify(dead.body)).toBe(401);
    // The other session lives on.
    expect((await api.call('GET', '/v1/me', { token: two.accessToken })).status).toBe(200);
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: two.refreshToken } });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(await kit.auditOf(p.b, 'identity.signed_out_everywhere', p.id)).toHaveLength(0);
    await pastIssueSecond(refreshed.body.accessToken);

    const everywhere = await api.call('POST', '/v1/auth/sign-out', {
      token: two.accessToken,
      body: { everywhere: true },
    });
    expect(everywhere.status, JSON.stringify(everywhere.body)).toBe(204);
    await kit.expectRevoked(two, p.b.tenantId);
    const late = await api.call('GET', '/v1/me', { token: refreshed.body.accessToken });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('session-revoked');

    const back = await kit.signIn(p.email, PASSWORD);
    expect((await api.call('GET', '/v1/me', { token: back.accessToken })).status).toBe(200);
    await expectOnRecord(p, 'identity.signed_out_everywhere', back.accessToken);
  });

  it("deactivation ends the person's sessions in that tenant (rule 11: not their login); on reactivation they sign in again", async () => {
    const t = await api.tenantWithOwner('growth', 'end-deactivate');
    const m = await kit.join(t, 'member');
    const session = await kit.signIn(m.email, m.password);
    await pastIssueSecond(session.accessToken);

    const deactivated = await api.call('POST', `${kit.users(t)}/${m.id}/deactivate`, { token: t.ownerToken });
    expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
    const reactivated = await api.call('POST', `${kit.users(t)}/${m.id}/reactivate`, { token: t.ownerToken });
    expect(reactivated.status, JSON.stringify(reactivated.body)).toBe(200);

    const old = await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: session.accessToken });
    expect(old.status, JSON.stringify(old.body)).toBe(401);
    expect(old.body.code).toBe('session-revoked');
    // The login itself was not touched: its refresh works, but the refreshed session is still over in t.
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const again = await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: refreshed.body.accessToken });
    expect(again.status, JSON.stringify(again.body)).toBe(401);
    expect(again.body.code).toBe('session-revoked');

    const back = await kit.signIn(m.email, m.password);
    expect((await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: back.accessToken })).status).toBe(200);
  });

  it('deleting a membership ends access to that tenant only: the person keeps their session in their other tenant', async () => {
    const home = await api.tenantWithOwner('growth', 'end-delete-home');
    const other = await api.tenantWithOwner('growth', 'end-delete-other');
    const inOther = await kit.linkInto(other, home.ownerEmail);
    const session = await kit.signIn(home.ownerEmail, PASSWORD);
    await pastIssueSecond(session.accessToken);

    const removed = await api.call('DELETE', `${kit.users(other)}/${inOther}`, { token: other.ownerToken });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect((await api.call('GET', `/v1/tenants/${other.tenantId}/me`, { token: session.accessToken })).status).toBe(
      404,
    );
    // DESIGN §2a rule 11: the other tenant's decision does not sign the person out of home.
    expect((await api.call('GET', `/v1/tenants/${home.tenantId}/me`, { token: session.accessToken })).status).toBe(200);
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(
      (await api.call('GET', `/v1/tenants/${other.tenantId}/me`, { token: refreshed.body.accessToken })).status,
    ).toBe(404);
  });
});

describe('rule 7: everything on record', () => {
  it('an existing login joining a tenant is on record there; a refused join leaves nothing', async () => {
    const t = await api.tenantWithOwner('growth', 'record-link');
    const person = await api.tenantWithOwner('growth', 'record-person');
    const invited = await kit.invite(t, person.ownerEmail);
    const link = await api.invitationToken(person.ownerEmail);
    const untouched = await kit.watch(t, [invited.id]);

    const bare = await kit.accept({ token: link });
    expect(bare.status, JSON.stringify(bare.body)).toBe(401);
    expect(bare.body.code).toBe('login-required');
    await untouched();

    const joined = await kit.accept({ token: link }, person.ownerToken);
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toMatchObject({ memberId: invited.id, status: 'active', linked: true });
    expect(await kit.auditOf(t, 'identity.linked', person.ownerId)).toHaveLength(1);
  });
});
