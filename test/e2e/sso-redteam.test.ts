/**
 * SSO red team, round 5 (docs/security.md, "SSO red team (round 5)"): the
 * newest SSO code attacked as an outsider would — the pending link's
 * password step under concurrency, the invited member's activation by the
 * tenant's own IdP (expired invitations, seats, counters, audit). A real OIDC
 * provider (oidc-provider) on loopback; its subject is what is typed at its
 * login page and the email is that, lowercased. Each attack fails without the
 * check its title names.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { cognito, dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import { keys } from '../../lib/store/keys.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { cognitoCode, localStack } from '../support/local-stack.ts';
import { type IdpAnswer, setTenantMfa, signInAtIdp, verifyDomain } from '../support/sso.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let idp: OidcIdp;
const domain = `redteam-${unique()}.com`;
let a = { tenantId: '', ownerToken: '', ownerEmail: '' };
let b = { tenantId: '', ownerToken: '' };
let connectionId = '';

const at = (local: string) => `${local}-${unique()}@${domain}`;

/** Password checks Cognito was asked to make, per login (USER_PASSWORD_AUTH), counted in this process. */
const passwordChecks = new Map<string, number>();

/** A login tenant B created (B manages it) that then joined tenant A with its password: A does not manage it. */
async function sharedMemberOfA(email: string): Promise<string> {
  const made = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
    token: b.ownerToken,
    body: { email, name: 'Shared Person', role: 'agent', password: PASSWORD, temporaryPassword: false },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const invited = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
    token: a.ownerToken,
    body: { email, name: 'Shared Person', role: 'agent' },
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const accepted = await api.call('POST', '/v1/invitations/accept', {
    body: { token: await api.invitationToken(email), password: PASSWORD },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return invited.body.id as string;
}

const startUrl = () => `${gw.baseUrl}/v1/auth/sso/${connectionId}/start`;
const callback = (url: IdpAnswer) =>
  fetch(`${gw.baseUrl}${url.pathname}${url.search}`, {
    redirect: 'manual',
    headers: { cookie: url.browser, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));
const location = (res: Response) => new URL(res.headers.get('location') ?? '', 'http://x');

async function linkTokenFor(login: string): Promise<string> {
  const res = await callback(await signInAtIdp(startUrl(), login));
  const to = location(res);
  expect(to.searchParams.get('sso')).toBe('link');
  const token = new URLSearchParams(to.hash.slice(1)).get('link') ?? '';
  expect(token.length).toBeGreaterThan(40);
  return token;
}

const link = (body: Record<string, unknown>) => api.call('POST', '/v1/auth/sso/link', { body });

async function audits(tenantId: string, token: string, action: string, memberId: string) {
  const res = await api.call('GET', `/v1/tenants/${tenantId}/audit-events?action=${action}`, { token });
  expect(res.status).toBe(200);
  return (res.body.items as { target: { id: string }; after?: Record<string, unknown> }[]).filter(
    (e) => e.target.id === memberId,
  );
}

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  // Count the password checks the handlers (in this process) ask Cognito for.
  cognito().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { AuthFlow?: string; AuthParameters?: Record<string, string> };
      const user = input.AuthParameters?.USERNAME;
      if (input.AuthFlow === 'USER_PASSWORD_AUTH' && user)
        passwordChecks.set(user, (passwordChecks.get(user) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'redteamPasswordChecks' },
  );
  const appUrl = localStack().env.APP_URL.replace(/\/+$/, '');
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${appUrl}/v1/auth/sso/callback` });
  a.ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: 'Red Team Co', plan: 'enterprise', owner: { email: a.ownerEmail, name: 'Red Owner' } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  a = { ...a, tenantId: created.body.id, ownerToken: await api.acceptAndLogin(a.ownerEmail, 'Red Owner', PASSWORD) };
  const other = await api.tenantWithOwner('enterprise', 'redb');
  b = { tenantId: other.tenantId, ownerToken: other.ownerToken };
  await verifyDomain(api.call, a.tenantId, a.ownerToken, domain);
  const conn = await api.call('POST', `/v1/tenants/${a.tenantId}/sso-connections`, {
    token: a.ownerToken,
    body: {
      type: 'oidc',
      name: 'Local IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [domain],
    },
  });
  expect(conn.status, JSON.stringify(conn.body)).toBe(201);
  connectionId = conn.body.id;
});
afterAll(async () => {
  await idp?.stop();
  await gw?.close();
});

describe('the pending link’s password step', () => {
  it('concurrent guesses on one link: Cognito checks at most five passwords, whatever arrives at once', async () => {
    const email = at('racer');
    const id = await sharedMemberOfA(email);
    const token = await linkTokenFor(email);
    passwordChecks.delete(id);
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => link({ linkToken: token, password: `Wrong-guess-${i}-Horse` })),
    );
    expect(answers.every((r) => r.status === 401)).toBe(true);
    expect(answers.filter((r) => r.body.code === 'unauthenticated').length).toBeLessThanOrEqual(5);
    // The limit is on what Cognito is asked, not on what the answers say.
    expect(passwordChecks.get(id) ?? 0).toBeLessThanOrEqual(5);
    // And the right password afterwards is refused too: the link is spent.
    const right = await link({ linkToken: token, password: PASSWORD });
    expect(right.status).toBe(401);
    expect(right.body.code).toBe('sso-failed');
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', id)).toEqual([]);
  });
});

describe('a pending link outlived by what made it', () => {
  it('a link made through a connection deleted since is refused with the right password, writing nothing', async () => {
    const email = at('orphan');
    const id = await sharedMemberOfA(email);
    const second = await api.call('POST', `/v1/tenants/${a.tenantId}/sso-connections`, {
      token: a.ownerToken,
      body: {
        type: 'oidc',
        name: 'Short-lived IdP',
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        domains: [domain],
      },
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const answer = await signInAtIdp(`${gw.baseUrl}/v1/auth/sso/${second.body.id}/start`, email);
    const to = location(await callback(answer));
    expect(to.searchParams.get('sso')).toBe('link');
    const token = new URLSearchParams(to.hash.slice(1)).get('link') ?? '';
    const deleted = await api.call('DELETE', `/v1/tenants/${a.tenantId}/sso-connections/${second.body.id}`, {
      token: a.ownerToken,
    });
    expect(deleted.status).toBe(204);
    const res = await link({ linkToken: token, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('sso-failed');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', id)).toEqual([]);
  });
});

describe('an invited member activated by the tenant’s own IdP', () => {
  /** A login tenant A creates by inviting it (A manages it): the member is invited. */
  async function invitedByA(email: string, role = 'agent'): Promise<string> {
    const invited = await api.call('POST', `/v1/tenants/${a.tenantId}/invitations`, {
      token: a.ownerToken,
      body: { email, name: 'Invited Person', role },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body.status).toBe('invited');
    return invited.body.id as string;
  }

  it('an invitation that has expired (not yet swept to `expired`) is not accepted by an SSO sign-in', async () => {
    const email = at('lapsed');
    const id = await invitedByA(email);
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(a.tenantId, id),
        UpdateExpression: 'SET invitation.expiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 60_000).toISOString() },
      }),
    );
    const res = await callback(await signInAtIdp(startUrl(), email));
    expect(sessionCookie(res)).toBeUndefined();
    expect(location(res).searchParams.get('sso')).toBe('failed');
    expect(location(res).searchParams.get('reason')).toBe('not-member');
    const member = await api.call('GET', `/v1/tenants/${a.tenantId}/users/${id}`, { token: a.ownerToken });
    expect(member.body.status).toBe('invited');
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', id)).toEqual([]);
  });

  it('an invitation being accepted through its link right now (a live claim) is not activated by SSO meanwhile', async () => {
    const email = at('claimed');
    const id = await invitedByA(email);
    // The accept's claim (lib/store/members.ts claimInvitation): it is setting the login's password now.
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(a.tenantId, id),
        UpdateExpression: 'SET invitation.acceptingId = :id, invitation.acceptingUntil = :until',
        ExpressionAttributeValues: { ':id': 'claim-in-flight', ':until': new Date(Date.now() + 30_000).toISOString() },
      }),
    );
    const res = await callback(await signInAtIdp(startUrl(), email));
    expect(sessionCookie(res)).toBeUndefined();
    expect(location(res).searchParams.get('sso')).toBe('failed');
    const member = await api.call('GET', `/v1/tenants/${a.tenantId}/users/${id}`, { token: a.ownerToken });
    expect(member.body.status).toBe('invited');
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', id)).toEqual([]);
  });

  it('a directory-made invitee the directory deactivated (invitation withdrawn) is not activated by SSO', async () => {
    const email = at('scim-gone');
    const made = await api.call('POST', `/v1/tenants/${a.tenantId}/scim/tokens`, {
      token: a.ownerToken,
      body: { name: 'Directory' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const scim = (method: string, path: string, body: unknown) =>
      api.call(method, `/scim/v2${path}`, {
        headers: { authorization: `Bearer ${made.body.token}`, 'content-type': 'application/scim+json' },
        body,
      });
    const user = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Gone', familyName: 'Person' },
      emails: [{ primary: true, value: email, type: 'work' }],
      active: true,
    });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const off = await scim('PATCH', `/Users/${user.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const res = await callback(await signInAtIdp(startUrl(), email));
    expect(sessionCookie(res)).toBeUndefined();
    expect(location(res).searchParams.get('reason')).toBe('not-member');
    const member = await api.call('GET', `/v1/tenants/${a.tenantId}/users/${user.body.id}`, { token: a.ownerToken });
    expect(member.body.status).toBe('expired');
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', user.body.id)).toEqual([]);
  });

  it('a live invitation is activated: the seat it held is kept (none taken), the active-admin counter moves, one audited activation and binding', async () => {
    const email = at('admin-invitee');
    const before = await api.call('GET', `/v1/tenants/${a.tenantId}`, { token: a.ownerToken });
    const id = await invitedByA(email, 'admin');
    const invited = await api.call('GET', `/v1/tenants/${a.tenantId}`, { token: a.ownerToken });
    const activeAdmins = async () =>
      Number(
        (await dynamo().send(new GetCommand({ TableName: config().tableName, Key: keys.tenant(a.tenantId) }))).Item
          ?.activeAdmins,
      );
    const adminsBefore = await activeAdmins();
    const res = await callback(await signInAtIdp(startUrl(), email));
    expect(location(res).searchParams.get('sso')).toBe('done');
    expect(sessionCookie(res)).toBeDefined();
    const after = await api.call('GET', `/v1/tenants/${a.tenantId}`, { token: a.ownerToken });
    // Invited already held the seat: activation takes none more.
    expect(after.body.seats.used).toBe(invited.body.seats.used);
    expect(invited.body.seats.used).toBe(before.body.seats.used + 1);
    // An invited admin becomes an active admin: the counter the last-admin rule reads moves with it.
    expect(await activeAdmins()).toBe(adminsBefore + 1);
    const activated = await audits(a.tenantId, a.ownerToken, 'member.activated', id);
    expect(activated).toEqual([expect.objectContaining({ after: expect.objectContaining({ reason: 'sso-sign-in' }) })]);
    expect(await audits(a.tenantId, a.ownerToken, 'identity.sso_linked', id)).toHaveLength(1);
  });
});

describe('a login made by SSO (JIT) that later gets a password', () => {
  it('its password sessions are no SSO sessions: the MFA policy’s SSO exemption does not cover them', async () => {
    // (Tokens carry no SSO mark: once the login has a password, its SSO sessions are judged as a linked
    // login's are — as password sessions. The stricter side; docs/security.md, round 5.)
    const patched = await api.call('PATCH', `/v1/tenants/${a.tenantId}`, {
      token: a.ownerToken,
      body: { sso: { jitProvisioning: true } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const email = at('jit-escape');
    const jit = await callback(await signInAtIdp(startUrl(), email));
    expect(location(jit).searchParams.get('sso')).toBe('done');
    // The person recovers a password for their SSO-made login (the code comes to their own mailbox)…
    expect((await api.call('POST', '/v1/auth/forgot-password', { body: { email } })).status).toBe(202);
    const recovered = await api.call('POST', '/v1/auth/confirm-forgot-password', {
      body: { email, code: await cognitoCode(email), newPassword: 'Own-Chosen-Passw0rd' },
    });
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(204);
    // …and signs in with it: a password session, which the tenant's MFA policy must judge as one.
    const token = await api.login(email, 'Own-Chosen-Passw0rd');
    const policy = { required: true, graceDays: 0, includeSso: false, requiredAt: '2020-01-01T00:00:00.000Z' };
    try {
      await setTenantMfa(a.tenantId, policy);
      const refused = await api.call('GET', `/v1/tenants/${a.tenantId}`, { token });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('mfa-enrollment-required');
    } finally {
      await setTenantMfa(a.tenantId, undefined);
    }
    // No longer `ssoOnly`, yet still one SSO identity per login: another subject with its email is refused.
    const second = await callback(await signInAtIdp(startUrl(), email.replace(/^j/, 'J')));
    expect(sessionCookie(second)).toBeUndefined();
    expect(location(second).searchParams.get('reason')).toBe('bound');
  });
});
