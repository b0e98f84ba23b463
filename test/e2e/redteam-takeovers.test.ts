/**
 * Red team (DESIGN §2a): account takeovers the identity suite does not cover
 * yet, each written as the attacker's steps over HTTP against the real
 * emulators. Every test ends on what the victim cares about: the attacker
 * cannot sign in as them, nor reach a tenant through their membership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { cognitoCode } from '../support/local-stack.ts';
import { client, PASSWORD, unique } from './client.ts';
import { ATTACKER_PASSWORD, attackerAddress, identityKit } from './identity-kit.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let kit: ReturnType<typeof identityKit>;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  kit = identityKit(api);
});
afterAll(async () => {
  await gw?.close();
});

/** The newest invitation link mailed to `email` for tenant `tenantId` (tokens start with the tenant id). */
async function linkFor(email: string, tenantId: string): Promise<string> {
  const tokens = (await sesMessages(undefined, email))
    .map((mail) => /accept-invitation\?token=([^\s"<&]+)/.exec(mail.body.text ?? '')?.[1])
    .filter((token): token is string => token !== undefined)
    .map((token) => decodeURIComponent(token))
    .filter((token) => token.startsWith(`${tenantId}.`));
  const token = tokens.at(-1);
  if (!token) throw new Error(`no invitation of ${tenantId} mailed to ${email}`);
  return token;
}

/** "Forgot password" on `email`, confirmed with the code Cognito issued: true when the password was set. */
async function recover(email: string, newPassword: string): Promise<boolean> {
  expect((await api.call('POST', '/v1/auth/forgot-password', { body: { email } })).status).toBe(202);
  const code = await cognitoCode(email);
  if (!code) return false;
  const confirmed = await api.call('POST', '/v1/auth/confirm-forgot-password', {
    body: { email, code, newPassword },
  });
  return confirmed.status === 204;
}

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
      token: await linkFor(cfo, victimTenant.tenantId),
      name: 'Chief Financial',
      password: PASSWORD,
    });
    // 5. The attacker recovers "its" address and signs in.
    const recovered = await recover(mine, ATTACKER_PASSWORD);

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
    const recovered = await recover(mine, ATTACKER_PASSWORD);

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
    const linked = await kit.accept({ token: await linkFor(bob, other.tenantId), password: temporary });

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
    const linked = await kit.accept({ token: await linkFor(bob, other.tenantId) }, challenge.body.session);

    expect(
      await reach(other.tenantId, bob, temporary, ATTACKER_PASSWORD),
      `the new-password session linked Bob's login into ${other.tenantId} (accept ${linked.status}); the admin who set the temporary password got in`,
    ).not.toBe(200);
  });
});
