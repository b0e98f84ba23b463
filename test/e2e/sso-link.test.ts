/**
 * SSO meets an existing Roster login (lib/app/sso-link.ts; DESIGN §2a rules
 * 2, 3, 7, 11, 13): a login the tenant manages is bound at the first SSO
 * sign-in; any other login only with its password (and its two-factor code)
 * through a single-use, 10-minute pending link. A real OIDC provider
 * (oidc-provider) on loopback; its subject is what is typed at its login page
 * and the email is that, lowercased — so `Ann@x` is another subject with
 * `ann@x`'s email. Each attack below fails without the check its title names.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';
import { type IdpAnswer, signInAtIdp, verifyDomain } from '../support/sso.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let idp: OidcIdp;
const domain = `link-${unique()}.com`;
const OTHER_PASSWORD = 'An0ther-Horse-Battery';
let a = { tenantId: '', ownerToken: '', ownerEmail: '' };
let b = { tenantId: '', ownerToken: '' };
let connectionId = '';

const at = (local: string) => `${local}-${unique()}@${domain}`;

/** A login tenant B created (B manages it) that then joined tenant A with its password: A does not manage it. */
async function sharedMemberOfA(email: string, password = PASSWORD): Promise<string> {
  const made = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
    token: b.ownerToken,
    body: { email, name: 'Shared Person', role: 'agent', password, temporaryPassword: false },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const invited = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
    token: a.ownerToken,
    body: { email, name: 'Shared Person', role: 'agent' },
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const accepted = await api.call('POST', '/v1/invitations/accept', {
    body: { token: await api.invitationToken(email), password },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return invited.body.id as string;
}

/** A login tenant A created with a password: A manages it. */
async function managedMemberOfA(email: string): Promise<string> {
  const made = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
    token: a.ownerToken,
    body: { email, name: 'Managed Person', role: 'agent', password: PASSWORD, temporaryPassword: false },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

const startUrl = () => `${gw.baseUrl}/v1/auth/sso/${connectionId}/start`;
/** The callback as a browser calls it (Accept: text/html), or as an API client. */
const callback = (url: IdpAnswer, browser = true) =>
  fetch(`${gw.baseUrl}${url.pathname}${url.search}`, {
    redirect: 'manual',
    headers: {
      cookie: url.browser,
      ...(browser ? { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } : {}),
    },
  });
const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));
const location = (res: Response) => new URL(res.headers.get('location') ?? '', 'http://x');

/** IdP sign-in as `login`, then the callback: the pending link's token from the confirm-password redirect. */
async function linkTokenFor(login: string): Promise<string> {
  const res = await callback(await signInAtIdp(startUrl(), login));
  expect(res.status).toBe(303);
  const to = location(res);
  expect(to.pathname).toBe('/sign-in');
  expect(to.searchParams.get('sso')).toBe('link');
  expect(sessionCookie(res)).toBeUndefined();
  const token = new URLSearchParams(to.hash.slice(1)).get('link') ?? '';
  expect(token.length).toBeGreaterThan(40);
  return token;
}

const link = (body: Record<string, unknown>) => api.call('POST', '/v1/auth/sso/link', { body });

async function linkedAudits(tenantId: string, token: string, memberId: string) {
  const res = await api.call('GET', `/v1/tenants/${tenantId}/audit-events?action=identity.sso_linked`, { token });
  expect(res.status).toBe(200);
  return (res.body.items as { target: { id: string }; after?: Record<string, unknown> }[]).filter(
    (e) => e.target.id === memberId,
  );
}

/** The refusal a browser is sent to: `/sign-in?sso=failed&reason=…`. */
async function refusedReason(login: string): Promise<string | null> {
  const res = await callback(await signInAtIdp(startUrl(), login));
  expect(res.status).toBe(303);
  expect(sessionCookie(res)).toBeUndefined();
  const to = location(res);
  expect(to.searchParams.get('sso')).toBe('failed');
  return to.searchParams.get('reason');
}

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  const appUrl = localStack().env.APP_URL.replace(/\/+$/, '');
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${appUrl}/v1/auth/sso/callback` });
  a.ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: 'Link Co', plan: 'enterprise', owner: { email: a.ownerEmail, name: 'Link Owner' } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  a = { ...a, tenantId: created.body.id, ownerToken: await api.acceptAndLogin(a.ownerEmail, 'Link Owner', PASSWORD) };
  const other = await api.tenantWithOwner('enterprise', 'linkb');
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

describe('a login the tenant manages is bound at the first SSO sign-in', () => {
  it('binds (connection, subject) to it, audited, and signs in; next time the same login', async () => {
    const email = at('managed');
    const id = await managedMemberOfA(email);
    const first = await callback(await signInAtIdp(startUrl(), email));
    expect(first.status).toBe(303);
    expect(location(first).searchParams.get('sso')).toBe('done');
    expect(sessionCookie(first)).toBeDefined();
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([
      expect.objectContaining({ after: { connectionId, method: 'managed' } }),
    ]);
    const again = await callback(await signInAtIdp(startUrl(), email));
    expect(location(again).searchParams.get('sso')).toBe('done');
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toHaveLength(1);
  });

  it('another subject asserting the same email is never bound to it (one SSO identity per login)', async () => {
    const email = at('twice');
    const id = await managedMemberOfA(email);
    expect(location(await callback(await signInAtIdp(startUrl(), email))).searchParams.get('sso')).toBe('done');
    // `Twice-…@` is another subject at the IdP with the same (lowercased) email.
    expect(await refusedReason(email.replace(/^t/, 'T'))).toBe('bound');
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toHaveLength(1);
  });
  it('a person the directory (SCIM) created signs in by SSO, bound to that very membership', async () => {
    const email = at('scim');
    const token = await api.call('POST', `/v1/tenants/${a.tenantId}/scim/tokens`, {
      token: a.ownerToken,
      body: { name: 'Directory' },
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const made = await api.call('POST', '/scim/v2/Users', {
      headers: { authorization: `Bearer ${token.body.token}`, 'content-type': 'application/scim+json' },
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        name: { givenName: 'Dee', familyName: 'Rectory' },
        emails: [{ primary: true, value: email, type: 'work' }],
        active: true,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const res = await callback(await signInAtIdp(startUrl(), email));
    expect(location(res).searchParams.get('sso')).toBe('done');
    expect(sessionCookie(res)).toBeDefined();
    expect(await linkedAudits(a.tenantId, a.ownerToken, made.body.id)).toEqual([
      expect.objectContaining({ after: { connectionId, method: 'managed' } }),
    ]);
    const member = await api.call('GET', `/v1/tenants/${a.tenantId}/users/${made.body.id}`, { token: a.ownerToken });
    expect(member.body.status).toBe('active');
    // The mailed invitation died with the activation: its link no longer opens.
    const late = await api.call('POST', '/v1/invitations/accept', {
      body: { token: await api.invitationToken(email), password: PASSWORD, name: 'Dee Rectory' },
    });
    expect(late.status).toBeGreaterThanOrEqual(400);
  });
});

describe('attacks: never linked by email alone', () => {
  it('an invitation to a login another tenant manages is never accepted by SSO: the invitee must accept it', async () => {
    const email = at('invited-elsewhere');
    const made = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
      token: b.ownerToken,
      body: { email, name: 'B Person', role: 'agent', password: PASSWORD, temporaryPassword: false },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const invited = await api.call('POST', `/v1/tenants/${a.tenantId}/users`, {
      token: a.ownerToken,
      body: { email, name: 'B Person', role: 'agent' },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(await refusedReason(email)).toBe('not-member');
    const still = await api.call('GET', `/v1/tenants/${a.tenantId}/users/${invited.body.id}`, { token: a.ownerToken });
    expect(still.body.status).toBe('invited');
    expect(await linkedAudits(a.tenantId, a.ownerToken, invited.body.id)).toEqual([]);
  });

  it('a login managed by ANOTHER tenant (joined this one with its password) is never auto-linked', async () => {
    const email = at('elsewhere');
    const id = await sharedMemberOfA(email);
    await linkTokenFor(email);
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
  });

  it('a login this tenant created but that also joined another tenant is never auto-linked', async () => {
    const email = at('both');
    const id = await managedMemberOfA(email);
    const invited = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
      token: b.ownerToken,
      body: { email, name: 'Both Places', role: 'agent' },
    });
    expect(invited.status).toBe(201);
    const accepted = await api.call('POST', '/v1/invitations/accept', {
      body: { token: await api.invitationToken(email), password: PASSWORD },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await linkTokenFor(email);
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
  });

  it('the owner’s login (managed, but only the owner acts on it) needs its password too', async () => {
    await linkTokenFor(a.ownerEmail);
  });

  it('an API client keeps the 401 problem (the browser alone is sent to the confirm step)', async () => {
    const res = await callback(await signInAtIdp(startUrl(), a.ownerEmail), false);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('sso-failed');
    expect(body.detail).toMatch(/password/i);
  });

  it('the link token without the password, or with a wrong one, is refused and writes nothing', async () => {
    const email = at('wrong');
    const id = await sharedMemberOfA(email);
    const token = await linkTokenFor(email);
    const bare = await link({ linkToken: token });
    expect(bare.status).toBe(400);
    const wrong = await link({ linkToken: token, password: 'Not-the-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('unauthenticated');
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
    // Still unbound: the IdP's next answer asks for the password again.
    await linkTokenFor(email);
    // The same link with the right password still works (a wrong attempt only counts).
    expect((await link({ linkToken: token, password: PASSWORD })).status).toBe(200);
  });

  it('wrong passwords are limited: after five the link is spent, even for the right password', async () => {
    const email = at('guess');
    const id = await sharedMemberOfA(email);
    const token = await linkTokenFor(email);
    for (let i = 0; i < 5; i++) {
      expect((await link({ linkToken: token, password: `Guess-number-${i}` })).status).toBe(401);
    }
    const right = await link({ linkToken: token, password: PASSWORD });
    expect(right.status).toBe(401);
    expect(right.body.code).toBe('sso-failed');
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
  });

  it('a link token for login X is refused with login Y’s password', async () => {
    const x = at('x');
    const y = at('y');
    const xId = await sharedMemberOfA(x);
    await sharedMemberOfA(y, OTHER_PASSWORD);
    const token = await linkTokenFor(x);
    const res = await link({ linkToken: token, password: OTHER_PASSWORD });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await linkedAudits(a.tenantId, a.ownerToken, xId)).toEqual([]);
  });

  it('the right password links once, audited in every tenant the login joined; a replayed token is refused', async () => {
    const email = at('linked');
    const id = await sharedMemberOfA(email);
    const token = await linkTokenFor(email);
    const res = await link({ linkToken: token, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.headers.getSetCookie().some((c) => c.startsWith('roster_refresh='))).toBe(true);
    const me = await api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: res.body.accessToken });
    expect(me.body).toMatchObject({ email, status: 'active' });
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([
      expect.objectContaining({ after: { connectionId, method: 'password' } }),
    ]);
    // Tenant B sees that it happened, not which tenant's connection (rule 9).
    expect(await linkedAudits(b.tenantId, b.ownerToken, id)).toEqual([
      expect.objectContaining({ after: { method: 'password' } }),
    ]);
    const replay = await link({ linkToken: token, password: PASSWORD });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('sso-failed');
    // From now on SSO goes straight through.
    const next = await callback(await signInAtIdp(startUrl(), email));
    expect(location(next).searchParams.get('sso')).toBe('done');
  });

  it('a suspended member is refused at the callback, and a link made before the suspension is refused', async () => {
    const email = at('susp');
    const id = await sharedMemberOfA(email);
    const token = await linkTokenFor(email);
    const off = await api.call('POST', `/v1/tenants/${a.tenantId}/users/${id}/suspend`, { token: a.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const res = await link({ linkToken: token, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('sso-failed');
    expect(await refusedReason(email)).toBe('not-member');
    expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
  });

  it('an unknown token is refused; a login without membership of the tenant is refused as before', async () => {
    expect((await link({ linkToken: 'x'.repeat(43), password: PASSWORD })).status).toBe(401);
    const outsider = at('outsider');
    const made = await api.call('POST', `/v1/tenants/${b.tenantId}/users`, {
      token: b.ownerToken,
      body: { email: outsider, name: 'Out Sider', role: 'agent', password: PASSWORD, temporaryPassword: false },
    });
    expect(made.status).toBe(201);
    expect(await refusedReason(outsider)).toBe('not-member');
  });

  it('an email outside the verified domains: the browser is sent to the sign-in page with the reason', async () => {
    expect(await refusedReason(`someone@elsewhere-${unique()}.test`)).toBe('domain');
  });
});

describe('sso.required and two-factor authentication', () => {
  const code = (secret: string) =>
    new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }).generate();

  it('under sso.required a password member links with the password (and code): never bypassing two-factor', async () => {
    const email = at('mfa');
    const id = await sharedMemberOfA(email);
    const session = await api.login(email, PASSWORD);
    const setup = await api.call('POST', '/v1/auth/mfa/totp/setup', { token: session });
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    const verified = await api.call('POST', '/v1/auth/mfa/totp/verify', {
      token: session,
      body: { code: code(secret) },
    });
    expect(verified.status).toBe(200);
    const required = await api.call('PATCH', `/v1/tenants/${a.tenantId}`, {
      token: a.ownerToken,
      body: { sso: { required: true } },
    });
    expect(required.status, JSON.stringify(required.body)).toBe(200);
    try {
      const password = await api.call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
      expect(password.status).toBe(403);
      const token = await linkTokenFor(email);
      const withoutCode = await link({ linkToken: token, password: PASSWORD });
      expect(withoutCode.status).toBe(401);
      expect(withoutCode.body.code).toBe('mfa-required');
      expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toEqual([]);
      const withCode = await link({ linkToken: token, password: PASSWORD, code: code(secret) });
      expect(withCode.status, JSON.stringify(withCode.body)).toBe(200);
      expect(await linkedAudits(a.tenantId, a.ownerToken, id)).toHaveLength(1);
    } finally {
      await api.call('PATCH', `/v1/tenants/${a.tenantId}`, { token: a.ownerToken, body: { sso: { required: false } } });
    }
  });
});
