/**
 * Single sign-on end to end (docs/architecture.md, "Single sign-on"): a real
 * OIDC provider (oidc-provider) on loopback, Roster as the relying party, the
 * session established through Cognito's custom challenge (cognito-local
 * extended with CUSTOM_AUTH: infra/local/emulators/cognito-server.ts).
 * Each attack below fails without the check named in its title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';
import { type IdpAnswer, setTenantMfa, signInAtIdp, tamperNonce, verifyDomain } from '../support/sso.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let idp: OidcIdp;
const domain = `sso-${unique()}.com`;
let tenantId = '';
let ownerToken = '';
let ownerEmail = '';
let connectionId = '';

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  const appUrl = localStack().env.APP_URL.replace(/\/+$/, '');
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${appUrl}/v1/auth/sso/callback` });
  ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: 'SSO Co', plan: 'starter', owner: { email: ownerEmail, name: 'SSO Owner' } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tenantId = created.body.id;
  ownerToken = await api.acceptAndLogin(ownerEmail, 'SSO Owner', PASSWORD);
  await verifyDomain(api.call, tenantId, ownerToken, domain);
});
afterAll(async () => {
  await idp?.stop();
  await gw?.close();
});

/** The gateway's answer to the callback URL the IdP sent the browser to, in the browser that started it. */
const callback = (url: IdpAnswer) =>
  fetch(`${gw.baseUrl}${url.pathname}${url.search}`, { redirect: 'manual', headers: { cookie: url.browser } });
const startUrl = () => `${gw.baseUrl}/v1/auth/sso/${connectionId}/start`;
const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));

async function problem(res: Response) {
  return (await res.json()) as { code: string; detail: string };
}

describe('SSO connections', () => {
  it('refuses a domain the tenant has not verified (409 domain-unverified), writing nothing', async () => {
    const res = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
      token: ownerToken,
      body: {
        type: 'oidc',
        name: 'Other',
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        domains: [`other-${unique()}.test`],
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('domain-unverified');
    const list = await api.call('GET', `/v1/tenants/${tenantId}/sso-connections`, { token: ownerToken });
    expect(list.body.items).toEqual([]);
  });

  it('creates an OIDC connection by discovery: the values the IdP needs, never the secret', async () => {
    const res = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
      token: ownerToken,
      body: {
        type: 'oidc',
        name: 'Local IdP',
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        domains: [domain],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    connectionId = res.body.id;
    expect(res.body.serviceProvider.redirectUri).toMatch(/\/v1\/auth\/sso\/callback$/);
    expect(JSON.stringify(res.body)).not.toContain(idp.clientSecret);
    const audit = await api.call('GET', `/v1/tenants/${tenantId}/audit-events?action=sso.connection_created`, {
      token: ownerToken,
    });
    expect(JSON.stringify(audit.body)).toContain(connectionId);
  });

  it('discovery names the verified domain’s connections, and nothing for another domain (same shape)', async () => {
    const known = await api.call('POST', '/v1/auth/sso/discover', { body: { email: `someone@${domain}` } });
    expect(known.status).toBe(200);
    expect(known.body.sso).toEqual([expect.objectContaining({ connectionId, name: 'Local IdP' })]);
    const unknown = await api.call('POST', '/v1/auth/sso/discover', {
      body: { email: `someone@nowhere-${unique()}.test` },
    });
    expect(unknown.body).toEqual({ sso: [], passwordAllowed: true });
  });
});

describe('SSO sign-in', () => {
  const person = `jit-${unique()}@${domain}`;

  it('without JIT provisioning, a stranger in the domain is refused and nothing is made', async () => {
    const res = await callback(await signInAtIdp(startUrl(), person));
    expect(res.status).toBe(401);
    expect((await problem(res)).code).toBe('sso-failed');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('with JIT provisioning: signed in with the pool’s own tokens, in the console’s session cookie', async () => {
    const patched = await api.call('PATCH', `/v1/tenants/${tenantId}`, {
      token: ownerToken,
      body: { sso: { jitProvisioning: true } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.sso).toEqual({ required: false, jitProvisioning: true });
    const res = await callback(await signInAtIdp(startUrl(), person));
    expect(res.status, await res.clone().text()).toBe(303);
    const cookie = sessionCookie(res)?.split(';')[0] ?? '';
    expect(cookie.length).toBeGreaterThan(40);
    // The console resumes the session from the cookie, as after a password sign-in.
    const refreshed = await fetch(`${gw.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-roster-session': 'cookie' },
      body: '{}',
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    const me = await api.call('GET', `/v1/tenants/${tenantId}/me`, { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: person, status: 'active', role: 'agent' });
    // The MFA policy: an SSO-made login's sessions are SSO sessions (ssoOnly, read in the one round trip),
    // exempt unless the tenant includes SSO.
    const policy = { required: true, graceDays: 0, includeSso: false, requiredAt: '2020-01-01T00:00:00.000Z' };
    try {
      await setTenantMfa(tenantId, policy);
      expect((await api.call('GET', `/v1/tenants/${tenantId}`, { token: accessToken })).status).toBe(200);
      await setTenantMfa(tenantId, { ...policy, includeSso: true });
      const refused = await api.call('GET', `/v1/tenants/${tenantId}`, { token: accessToken });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('mfa-enrollment-required');
    } finally {
      await setTenantMfa(tenantId, undefined);
    }
  });

  it('the same (connection, subject) signs in as the same login the next time', async () => {
    const res = await callback(await signInAtIdp(startUrl(), person));
    expect(res.status).toBe(303);
    const members = await api.call('GET', `/v1/tenants/${tenantId}/users?q=${encodeURIComponent(person)}`, {
      token: ownerToken,
    });
    expect(members.body.items.filter((m: { email: string }) => m.email === person)).toHaveLength(1);
  });

  it('an IdP asserting the email of an existing password login never gets that login’s session', async () => {
    // The owner has a password login in this very domain.
    const res = await callback(await signInAtIdp(startUrl(), ownerEmail));
    expect(res.status).toBe(401);
    expect((await problem(res)).detail).toMatch(/password/i);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('an email outside the connection’s verified domains is refused', async () => {
    const res = await callback(await signInAtIdp(startUrl(), `someone@elsewhere-${unique()}.test`));
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('an answer without state, or with a state already used, is refused', async () => {
    const back = await signInAtIdp(startUrl(), person);
    const stateless = Object.assign(new URL(back), { browser: back.browser });
    stateless.searchParams.delete('state');
    expect((await callback(stateless)).status).toBe(401);
    expect((await callback(back)).status).toBe(303);
    const again = await callback(back);
    expect(again.status).toBe(401);
    expect(sessionCookie(again)).toBeUndefined();
  });

  it('an ID token whose nonce is not the one this sign-in sent is refused', async () => {
    const back = await signInAtIdp(startUrl(), person);
    await tamperNonce(back.searchParams.get('state') as string, 'another-sign-in-nonce-0123456789abcdef');
    const res = await callback(back);
    expect(res.status).toBe(401);
    expect((await problem(res)).code).toBe('sso-failed');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('sso.required refuses a member’s password sign-in (403 sso-required), never the owner’s', async () => {
    const member = `pw-${unique()}@${domain}`;
    const made = await api.call('POST', `/v1/tenants/${tenantId}/users`, {
      token: ownerToken,
      body: { email: member, name: 'Pass Word', role: 'agent', password: PASSWORD, temporaryPassword: false },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await api.call('POST', '/v1/auth/login', { body: { email: member, password: PASSWORD } })).status).toBe(
      200,
    );
    await api.call('PATCH', `/v1/tenants/${tenantId}`, { token: ownerToken, body: { sso: { required: true } } });
    const refused = await api.call('POST', '/v1/auth/login', { body: { email: member, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('sso-required');
    expect(refused.headers.getSetCookie()).toEqual([]);
    const owner = await api.call('POST', '/v1/auth/login', { body: { email: ownerEmail, password: PASSWORD } });
    expect(owner.status).toBe(200);
    const discovered = await api.call('POST', '/v1/auth/sso/discover', { body: { email: member } });
    expect(discovered.body.passwordAllowed).toBe(false);
    await api.call('PATCH', `/v1/tenants/${tenantId}`, { token: ownerToken, body: { sso: { required: false } } });
  });

  it('a deactivated member is refused: a directory deactivation ends SSO access', async () => {
    const members = await api.call('GET', `/v1/tenants/${tenantId}/users?q=${encodeURIComponent(person)}`, {
      token: ownerToken,
    });
    const id = members.body.items.find((m: { email: string }) => m.email === person)?.id;
    const off = await api.call('POST', `/v1/tenants/${tenantId}/users/${id}/deactivate`, { token: ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const res = await callback(await signInAtIdp(startUrl(), person));
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeUndefined();
  });
});
