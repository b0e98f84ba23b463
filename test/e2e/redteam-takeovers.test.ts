/**
 * Red team (DESIGN §2a): account takeovers the identity suite does not cover
 * yet, each written as the attacker's steps over HTTP against the real
 * emulators. Every test ends on what the victim cares about: the attacker
 * cannot sign in as them, nor reach a tenant through their membership.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, unique } from './client.ts';
import { ATTACKER_PASSWORD, attackerAddress, identitySuite } from './identity-kit.ts';

const { api, kit } = identitySuite();

/**
 * What signing in as `email` with `password` opens in `tenantId` (a new-password
 * challenge answered with `next`): the status of `GET /v1/tenants/{t}/me`
 * (200 = inside), or 'no session' when the sign-in gave no tokens.
 */
async function reach(
  tenantId: string,
  email: string,
  password: string,
  next = password,
): Promise<number | 'no session'> {
  const login = await api.call('POST', '/v1/auth/login', { body: { email, password } });
  let token: string | undefined = login.body?.accessToken;
  if (login.status === 200 && login.body.challenge === 'NEW_PASSWORD_REQUIRED') {
    const answered = await api.call('POST', '/v1/auth/new-password', {
      body: { email, session: login.body.session, newPassword: next },
    });
    token = answered.status === 200 ? answered.body.accessToken : undefined;
  }
  if (!token) return 'no session';
  return (await api.call('GET', `/v1/tenants/${tenantId}/me`, { token })).status;
}

describe("another tenant's admin", () => {
  it("re-points a login that the victim tenant's invitation names to its own address before the victim sets it up, then recovers it", async () => {
    const attacker = await api.tenantWithOwner('growth', 'rt-repoint-attacker');
    const victimTenant = await api.tenantWithOwner('growth', 'rt-repoint-victim');
    const cfo = `cfo-${unique()}@e2e.test`;
    const mine = attackerAddress();

    // 1. The attacker's tenant invites the address first: Roster creates the login (managed by the attacker's tenant).
    const planted = await kit.invite(attacker, cfo, { name: 'Target' });
    // 2. The victim tenant invites the same address as an admin: its invitation names the same login.
    const real = await kit.invite(victimTenant, cfo, { role: 'admin', name: 'Chief Financial' });
    expect(real.id).toBe(planted.id);
    // 3. The attacker moves its own (pending) membership's email — and with it the login's address — to itself.
    const moved = await api.call('PATCH', `${kit.users(attacker)}/${planted.id}`, {
      token: attacker.ownerToken,
      body: { email: mine },
    });
    // 4. The CFO accepts the victim tenant's invitation from their own mailbox and chooses a password.
    const accepted = await kit.accept({
      token: await kit.linkFor(cfo, victimTenant.tenantId),
      name: 'Chief Financial',
      password: PASSWORD,
    });
    // 5. The attacker recovers "its" address and signs in.
    const recovered = (await kit.recover(mine, ATTACKER_PASSWORD)).confirmed?.status === 204;

    expect(
      await reach(victimTenant.tenantId, mine, ATTACKER_PASSWORD),
      `the attacker's address opened the CFO's admin membership of the victim tenant (PATCH ${moved.status}, accept ${accepted.status}, recovery ${recovered})`,
    ).not.toBe(200);
    // The person who accepted with the victim tenant's link signs in with their own address.
    if (accepted.status === 200) expect(await reach(victimTenant.tenantId, cfo, PASSWORD)).toBe(200);
  });
});

describe('someone holding only a session (a stolen access token)', () => {
  it("cannot move the owner's own email to their address and recover the account there", async () => {
    const t = await api.tenantWithOwner('growth', 'rt-self-email');
    const mine = attackerAddress();
    const stolen = t.ownerToken;

    const patched = await api.call('PATCH', `${kit.users(t)}/${t.ownerId}`, { token: stolen, body: { email: mine } });
    const recovered = (await kit.recover(mine, ATTACKER_PASSWORD)).confirmed?.status === 204;

    expect(
      await reach(t.tenantId, mine, ATTACKER_PASSWORD),
      `the stolen session moved the owner's email (PATCH ${patched.status}, recovery ${recovered}) and the attacker signed in as the owner`,
    ).not.toBe(200);
    expect(await reach(t.tenantId, t.ownerEmail, PASSWORD), 'the owner no longer signs in with their own address').toBe(
      200,
    );
  });
});

describe('an admin who set a colleague’s temporary password', () => {
  it('cannot follow the colleague into another tenant that the colleague joined with that temporary password', async () => {
    const home = await api.tenantWithOwner('growth', 'rt-temp-home');
    const other = await api.tenantWithOwner('growth', 'rt-temp-other');
    const bob = `bob-${unique()}@e2e.test`;
    const temporary = 'Temp0rary!Given';

    // The home tenant's admin creates Bob with a temporary password only they and Bob know.
    const created = await api.call('POST', kit.users(home), {
      token: home.ownerToken,
      body: { email: bob, name: 'Bob', password: temporary, role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Before Bob's first sign-in, another tenant invites him; its page asks for his existing login's password.
    const invited = await kit.invite(other, bob, { role: 'admin', name: 'Bob' });
    const linked = await kit.accept({ token: await kit.linkFor(bob, other.tenantId), password: temporary });

    // The home admin signs in with the temporary password, answers the new-password step, and looks around.
    const reached = await reach(other.tenantId, bob, temporary, ATTACKER_PASSWORD);
    expect(
      reached,
      `Bob's login joined ${other.tenantId} with an admin-set temporary password (accept ${linked.status}); the admin who set it got in`,
    ).not.toBe(200);
    expect(invited.id).toBe(created.body.id);
  });

  it("cannot follow the colleague in when the new-password step's session is offered as the linking token", async () => {
    const home = await api.tenantWithOwner('growth', 'rt-temp-bearer-home');
    const other = await api.tenantWithOwner('growth', 'rt-temp-bearer-other');
    const bob = `bob-${unique()}@e2e.test`;
    const temporary = 'Temp0rary!Given';
    const created = await api.call('POST', kit.users(home), {
      token: home.ownerToken,
      body: { email: bob, name: 'Bob', password: temporary, role: 'agent' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await kit.invite(other, bob, { role: 'admin', name: 'Bob' });

    // Signing in with the temporary password gives only the new-password step; its session is an access token.
    const challenge = await api.call('POST', '/v1/auth/login', { body: { email: bob, password: temporary } });
    expect(challenge.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const linked = await kit.accept({ token: await kit.linkFor(bob, other.tenantId) }, challenge.body.session);

    expect(
      await reach(other.tenantId, bob, temporary, ATTACKER_PASSWORD),
      `the new-password session linked Bob's login into ${other.tenantId} (accept ${linked.status}); the admin who set the temporary password got in`,
    ).not.toBe(200);
  });
});
