/**
 * Single sign-on attacks (docs/security.md, "Single sign-on attacks (round 4)"):
 * every attack drives the real HTTP flow — Roster's start, an IdP, Roster's
 * callback — against a hostile OpenID provider on loopback whose token
 * endpoint answers whatever ID token the test mints (test/support/forged-idp.ts),
 * or calls Cognito's custom challenge directly as an attacker could. Each
 * refusal is checked to give no session cookie and to make no member; each
 * family has a control that succeeds, so the refusal is the check's doing.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import {
  type Claims,
  type ForgedIdp,
  hmacWithClientSecret,
  type Minter,
  signed,
  signedByUnpublishedKey,
  startForgedIdp,
  unsigned,
} from '../support/forged-idp.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';
import { cookiesSetBy, plantProof, setConnectionEndpoint, verifyDomain } from '../support/sso.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let idp: ForgedIdp;
const run = unique();
const domainA = `atk-a-${run}.com`;
const domainB = `atk-b-${run}.com`;
const A = { tenantId: '', ownerId: '', ownerEmail: `owner@${domainA}`, ownerToken: '', connectionId: '', second: '' };
const B = { tenantId: '', ownerId: '', ownerEmail: `owner@${domainB}`, ownerToken: '', connectionId: '' };

async function tenantInDomain(t: typeof A | typeof B, domain: string, label: string) {
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `${label} Co`, plan: 'enterprise', owner: { email: t.ownerEmail, name: `${label} Owner` } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  t.tenantId = created.body.id;
  t.ownerId = created.body.ownerId;
  t.ownerToken = await api.acceptAndLogin(t.ownerEmail, `${label} Owner`, PASSWORD);
  await verifyDomain(api.call, t.tenantId, t.ownerToken, domain);
  const jit = await api.call('PATCH', `/v1/tenants/${t.tenantId}`, {
    token: t.ownerToken,
    body: { sso: { jitProvisioning: true } },
  });
  expect(jit.status).toBe(200);
}

async function connect(t: { tenantId: string; ownerToken: string }, name: string, domain: string): Promise<string> {
  const res = await api.call('POST', `/v1/tenants/${t.tenantId}/sso-connections`, {
    token: t.ownerToken,
    body: {
      type: 'oidc',
      name,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [domain],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  idp = await startForgedIdp();
  await tenantInDomain(A, domainA, 'Attack A');
  await tenantInDomain(B, domainB, 'Attack B');
  A.connectionId = await connect(A, 'Forged A', domainA);
  A.second = await connect(A, 'Forged A (second)', domainA);
  B.connectionId = await connect(B, 'Forged B', domainB);
});
afterAll(async () => {
  await idp?.stop();
  await gw?.close();
});

/** A browser's trip: Roster's start, the IdP (answers at once), and the URL it sends the browser back to. */
async function begin(connectionId: string, toForgedIdp = false) {
  const start = await fetch(`${gw.baseUrl}/v1/auth/sso/${connectionId}/start`, { redirect: 'manual' });
  expect(start.status, await start.clone().text()).toBe(303);
  const authorize = new URL(start.headers.get('location') as string);
  // `toForgedIdp`: the authorization endpoint names another host; the browser ends up at the forged IdP anyway.
  const atIdp = await fetch(toForgedIdp ? `${idp.issuer}/authorize${authorize.search}` : authorize, {
    redirect: 'manual',
  });
  expect(atIdp.status).toBe(302);
  return { back: new URL(atIdp.headers.get('location') as string), browser: cookiesSetBy(start), authorize };
}

/** Roster's callback as the browser `browser` (its cookies) calls it. */
const callback = (back: URL, browser: string) =>
  fetch(`${gw.baseUrl}${back.pathname}${back.search}`, {
    redirect: 'manual',
    headers: browser ? { cookie: browser } : {},
  });

/** One sign-in through `connectionId` whose ID token `minter` makes. */
async function signIn(connectionId: string, minter: Minter) {
  idp.mint(minter);
  const { back, browser } = await begin(connectionId);
  return callback(back, browser);
}

const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));

/** The access token of the session a successful callback set (through the console's cookie refresh). */
async function accessTokenOf(res: Response): Promise<string> {
  const cookie = sessionCookie(res)?.split(';')[0] ?? '';
  const refreshed = await fetch(`${gw.baseUrl}/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-roster-session': 'cookie' },
    body: '{}',
  });
  expect(refreshed.status).toBe(200);
  return ((await refreshed.json()) as { accessToken: string }).accessToken;
}

async function membersNamed(t: { tenantId: string; ownerToken: string }, email: string) {
  const res = await api.call('GET', `/v1/tenants/${t.tenantId}/users?q=${encodeURIComponent(email)}`, {
    token: t.ownerToken,
  });
  return (res.body.items as { id: string; email: string; status: string }[]).filter((m) => m.email === email);
}

/** Refused as an SSO failure: 401, no session, and nobody made for `email` in tenant A. */
async function expectRefused(res: Response, email?: string) {
  const body = await res.clone().text();
  expect(res.status, body).toBe(401);
  expect(JSON.parse(body).code).toBe('sso-failed');
  expect(sessionCookie(res)).toBeUndefined();
  if (email) expect(await membersNamed(A, email)).toEqual([]);
  return JSON.parse(body) as { detail: string };
}

const person = (label: string, domain = domainA): Claims => {
  const email = `${label}-${unique()}@${domain}`;
  return { sub: `sub-${email}`, email, email_verified: true, name: label };
};

describe('domains', () => {
  it('a connection naming another tenant’s verified domain is refused (409 domain-unverified), writing nothing', async () => {
    const before = await api.call('GET', `/v1/tenants/${A.tenantId}/sso-connections`, { token: A.ownerToken });
    const res = await api.call('POST', `/v1/tenants/${A.tenantId}/sso-connections`, {
      token: A.ownerToken,
      body: {
        type: 'oidc',
        name: 'Hijack',
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        domains: [domainA, domainB],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('domain-unverified');
    expect(res.body.detail).toContain(domainB);
    const patched = await api.call('PATCH', `/v1/tenants/${A.tenantId}/sso-connections/${A.connectionId}`, {
      token: A.ownerToken,
      body: { domains: [domainB] },
    });
    expect(patched.status).toBe(409);
    const after = await api.call('GET', `/v1/tenants/${A.tenantId}/sso-connections`, { token: A.ownerToken });
    expect(after.body).toEqual(before.body);
  });

  it('tenant A’s connection asserting an email in tenant B’s verified domain provisions nobody anywhere', async () => {
    const claims = person('crossdomain', domainB);
    await expectRefused(await signIn(A.connectionId, signed(claims)));
    expect(await membersNamed(A, claims.email as string)).toEqual([]);
    expect(await membersNamed(B, claims.email as string)).toEqual([]);
  });
});

describe('who may manage connections', () => {
  it('a non-admin, even one whose custom role has settings:manage, cannot manage a connection (403); another tenant’s admin cannot reach it (404)', async () => {
    const role = await api.call('POST', `/v1/tenants/${A.tenantId}/roles`, {
      token: A.ownerToken,
      body: { name: `Settings ${unique()}`, permissions: ['settings:view', 'settings:manage'] },
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const agentEmail = `settings-${unique()}@${domainA}`;
    const made = await api.call('POST', `/v1/tenants/${A.tenantId}/users`, {
      token: A.ownerToken,
      body: {
        email: agentEmail,
        name: 'Sam Settings',
        role: 'custom',
        roleId: role.body.id,
        password: PASSWORD,
        temporaryPassword: false,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const agent = await api.login(agentEmail, PASSWORD);
    const path = `/v1/tenants/${A.tenantId}/sso-connections`;
    const body = {
      type: 'oidc',
      name: 'Agent IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [domainA],
    };
    expect((await api.call('POST', path, { token: agent, body })).status).toBe(403);
    expect((await api.call('GET', path, { token: agent })).status).toBe(403);
    const own = `${path}/${A.connectionId}`;
    expect((await api.call('PATCH', own, { token: agent, body: { name: 'Mine now' } })).status).toBe(403);
    expect((await api.call('DELETE', own, { token: agent })).status).toBe(403);
    // Tenant B's admin, naming A's connection under B's own tenant path.
    const foreign = `/v1/tenants/${B.tenantId}/sso-connections/${A.connectionId}`;
    expect((await api.call('GET', foreign, { token: B.ownerToken })).status).toBe(404);
    expect((await api.call('PATCH', foreign, { token: B.ownerToken, body: { domains: [domainB] } })).status).toBe(404);
    expect((await api.call('DELETE', foreign, { token: B.ownerToken })).status).toBe(404);
    const still = await api.call('GET', own, { token: A.ownerToken });
    expect(still.body).toMatchObject({ name: 'Forged A', domains: [domainA] });
  });
});

describe('forged and mis-addressed ID tokens', () => {
  it('control: an honest ID token signs a new person in the verified domain in', async () => {
    const claims = person('honest');
    const res = await signIn(A.connectionId, signed(claims));
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe(`${localStack().env.APP_URL.replace(/\/+$/, '')}/sign-in?sso=done`);
    const me = await api.call('GET', `/v1/tenants/${A.tenantId}/me`, { token: await accessTokenOf(res) });
    expect(me.body.email).toBe(claims.email);
  });

  it('an ID token signed by a key the IdP does not publish is refused', async () => {
    const claims = person('unpublished');
    await expectRefused(await signIn(A.connectionId, signedByUnpublishedKey(claims)), claims.email);
  });

  it('an unsigned ID token (alg none) is refused', async () => {
    const claims = person('none');
    await expectRefused(await signIn(A.connectionId, unsigned(claims)), claims.email);
  });

  it('an ID token MACed with the client secret (HS256) is refused', async () => {
    const claims = person('hs256');
    await expectRefused(await signIn(A.connectionId, hmacWithClientSecret(claims)), claims.email);
  });

  it('an ID token for another client (wrong audience) is refused', async () => {
    const claims = person('audience');
    const res = await signIn(
      A.connectionId,
      signed(claims, (p) => {
        p.aud = 'another-client';
      }),
    );
    await expectRefused(res, claims.email);
  });

  it('an ID token from another issuer is refused', async () => {
    const claims = person('issuer');
    const res = await signIn(
      A.connectionId,
      signed(claims, (p) => {
        p.iss = 'https://idp.attacker.example';
      }),
    );
    await expectRefused(res, claims.email);
  });

  it('an expired ID token is refused', async () => {
    const claims = person('expired');
    const res = await signIn(
      A.connectionId,
      signed(claims, (p) => {
        p.iat = Math.floor(Date.now() / 1000) - 7200;
        p.exp = Math.floor(Date.now() / 1000) - 3600;
      }),
    );
    await expectRefused(res, claims.email);
  });

  it('an ID token without the nonce, or replaying another sign-in’s token (its nonce), is refused', async () => {
    const claims = person('nonce');
    const res = await signIn(
      A.connectionId,
      signed(claims, (p) => {
        delete p.nonce;
      }),
    );
    await expectRefused(res, claims.email);
    // A token minted for one sign-in, answered again for the next one.
    let captured = '';
    const honest = signed(claims);
    const first = await signIn(A.connectionId, async (ctx) => {
      captured = await honest(ctx);
      return captured;
    });
    expect(first.status).toBe(303);
    const replayed = await signIn(A.connectionId, async () => captured);
    await expectRefused(replayed);
  });

  it('a replayed callback (its state used) is refused even where the IdP would redeem the code again', async () => {
    idp.redeemCodesAgain(true);
    try {
      const claims = person('replay');
      idp.mint(signed(claims));
      const { back, browser } = await begin(A.connectionId);
      expect((await callback(back, browser)).status).toBe(303);
      await expectRefused(await callback(back, browser));
      // And without any state at all.
      const stateless = new URL(back);
      stateless.searchParams.delete('state');
      await expectRefused(await callback(stateless, browser));
    } finally {
      idp.redeemCodesAgain(false);
    }
  });

  it('an email the IdP says is unverified (email_verified false) provisions nobody', async () => {
    const claims = { ...person('unverified'), email_verified: false };
    const detail = await expectRefused(await signIn(A.connectionId, signed(claims)), claims.email);
    expect(detail.detail).toMatch(/verified/);
  });
});

describe('login CSRF and redirects', () => {
  it('an answer to a sign-in started in another browser is refused (the state is bound to the starting browser)', async () => {
    // The attacker starts a sign-in and signs in at the IdP as themselves…
    const attacker = person('csrf');
    idp.mint(signed(attacker));
    const { back } = await begin(A.connectionId);
    // …then sends the victim the callback URL: the victim's browser has no (or its own) binding.
    await expectRefused(await callback(back, ''), attacker.email);
    const victim = await begin(A.connectionId);
    const crossed = await begin(A.connectionId);
    await expectRefused(await callback(crossed.back, victim.browser), attacker.email);
    // Control: the browser that started it finishes it.
    expect((await callback(victim.back, victim.browser)).status).toBe(303);
  });

  it('no parameter steers where the IdP or the callback sends the browser (no open redirect)', async () => {
    const steered = await fetch(
      `${gw.baseUrl}/v1/auth/sso/${A.connectionId}/start?redirect_uri=https://evil.example/cb&next=https://evil.example`,
      { redirect: 'manual' },
    );
    expect(steered.status).toBe(400);
    const { back, browser, authorize } = await begin(A.connectionId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${localStack().env.APP_URL.replace(/\/+$/, '')}/v1/auth/sso/callback`,
    );
    idp.mint(signed(person('redirect')));
    const withNext = new URL(back);
    withNext.searchParams.set('next', 'https://evil.example');
    expect((await callback(withNext, browser)).status).toBe(400);
  });
});

describe('the Cognito custom challenge without Roster', () => {
  const cognito = () =>
    new CognitoIdentityProviderClient({
      endpoint: localStack().env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
      region: localStack().env.AWS_REGION,
      credentials: {
        accessKeyId: localStack().env.AWS_ACCESS_KEY_ID,
        secretAccessKey: localStack().env.AWS_SECRET_ACCESS_KEY,
      },
    });

  /** CUSTOM_AUTH for `login` answered with `answer`, as anyone holding the public client id can. */
  async function answer(login: string, proof: string) {
    const c = cognito();
    try {
      const started = await c.send(
        new InitiateAuthCommand({
          ClientId: localStack().cognito.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: login },
        }),
      );
      const answered = await c.send(
        new RespondToAuthChallengeCommand({
          ClientId: localStack().cognito.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: started.Session,
          ChallengeResponses: { USERNAME: started.ChallengeParameters?.USERNAME ?? login, ANSWER: proof },
        }),
      );
      return answered.AuthenticationResult?.AccessToken ? 'tokens' : 'no tokens';
    } catch (error) {
      return (error as { name?: string }).name ?? 'error';
    } finally {
      c.destroy();
    }
  }

  const proof = () => `${unique()}-${'p'.repeat(40)}`;

  it('a guessed answer, a proof made for another login, an expired proof and a used proof are all refused', async () => {
    expect(await answer(A.ownerId, 'guess')).toBe('NotAuthorizedException');
    expect(await answer(A.ownerId, proof())).toBe('NotAuthorizedException');
    const forB = proof();
    await plantProof(forB, B.ownerId, Date.now() + 60_000);
    expect(await answer(A.ownerId, forB)).toBe('NotAuthorizedException');
    const stale = proof();
    await plantProof(stale, A.ownerId, Date.now() - 1);
    expect(await answer(A.ownerId, stale)).toBe('NotAuthorizedException');
    // Control: a live proof for this very login signs in — once.
    const live = proof();
    await plantProof(live, A.ownerId, Date.now() + 60_000);
    expect(await answer(A.ownerId, live)).toBe('tokens');
    expect(await answer(A.ownerId, live)).toBe('NotAuthorizedException');
  });
});

describe('identities across connections, tenants and lifecycles', () => {
  it('a subject bound in tenant B, asserted through tenant A’s connection, never becomes B’s login', async () => {
    const inB = person('bound', domainB);
    const made = await signIn(B.connectionId, signed(inB));
    expect(made.status).toBe(303);
    const [bMember] = await membersNamed(B, inB.email as string);
    // Through A's connection with B's email: outside A's verified domains.
    await expectRefused(await signIn(A.connectionId, signed(inB)), inB.email);
    // Through A's connection with an email in A's domain: a new login of A's, never B's.
    const asA = { ...inB, email: `bound-${unique()}@${domainA}` };
    const res = await signIn(A.connectionId, signed(asA));
    expect(res.status).toBe(303);
    const me = await api.call('GET', `/v1/tenants/${A.tenantId}/me`, { token: await accessTokenOf(res) });
    expect(me.body.email).toBe(asA.email);
    expect(me.body.id).not.toBe(bMember?.id);
  });

  it('a second connection of the same tenant asserting a provisioned person’s email gets no session', async () => {
    const claims = person('twice');
    expect((await signIn(A.connectionId, signed(claims))).status).toBe(303);
    const other = { ...claims, sub: `another-${claims.sub}` };
    const detail = await expectRefused(await signIn(A.second, signed(other)));
    expect(detail.detail).toMatch(/already signs in through another single sign-on identity/);
    expect(await membersNamed(A, claims.email as string)).toHaveLength(1);
  });

  it('a suspended member’s SSO sign-in is refused, and works again once restored', async () => {
    const claims = person('suspended');
    expect((await signIn(A.connectionId, signed(claims))).status).toBe(303);
    const [member] = await membersNamed(A, claims.email as string);
    const path = `/v1/tenants/${A.tenantId}/users/${member?.id}`;
    expect((await api.call('POST', `${path}/suspend`, { token: A.ownerToken })).status).toBe(200);
    await expectRefused(await signIn(A.connectionId, signed(claims)));
    expect((await api.call('POST', `${path}/reactivate`, { token: A.ownerToken })).status).toBe(200);
    expect((await signIn(A.connectionId, signed(claims))).status).toBe(303);
  });

  it('a directory (SCIM) deactivation ends a JIT member’s SSO access; the directory’s reactivation restores it', async () => {
    const claims = person('directory');
    expect((await signIn(A.connectionId, signed(claims))).status).toBe(303);
    const token = await api.call('POST', `/v1/tenants/${A.tenantId}/scim/tokens`, {
      token: A.ownerToken,
      body: { name: 'Directory' },
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const scim = (method: string, path: string, body?: unknown) =>
      api.call(method, `/scim/v2${path}`, {
        headers: { authorization: `Bearer ${token.body.token}`, 'content-type': 'application/scim+json' },
        body,
      });
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${claims.email}"`)}`);
    const id = found.body.Resources?.[0]?.id as string;
    expect(id, JSON.stringify(found.body)).toBeTruthy();
    const active = (value: boolean) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value }],
    });
    expect((await scim('PATCH', `/Users/${id}`, active(false))).status).toBe(200);
    await expectRefused(await signIn(A.connectionId, signed(claims)));
    expect((await scim('PATCH', `/Users/${id}`, active(true))).status).toBe(200);
    expect((await signIn(A.connectionId, signed(claims))).status).toBe(303);
  });

  it('a connection deleted between start and callback ends the sign-in', async () => {
    const doomed = await connect(A, 'Doomed', domainA);
    const claims = person('deleted');
    idp.mint(signed(claims));
    const { back, browser } = await begin(doomed);
    const removed = await api.call('DELETE', `/v1/tenants/${A.tenantId}/sso-connections/${doomed}`, {
      token: A.ownerToken,
    });
    expect(removed.status).toBe(204);
    await expectRefused(await callback(back, browser), claims.email);
  });

  it('sso.required refuses a non-owner admin’s password; the owner keeps the break-glass', async () => {
    const admin = `admin-${unique()}@${domainA}`;
    const made = await api.call('POST', `/v1/tenants/${A.tenantId}/users`, {
      token: A.ownerToken,
      body: { email: admin, name: 'Ada Admin', role: 'admin', password: PASSWORD, temporaryPassword: false },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await api.call('PATCH', `/v1/tenants/${A.tenantId}`, { token: A.ownerToken, body: { sso: { required: true } } });
    try {
      const refused = await api.call('POST', '/v1/auth/login', { body: { email: admin, password: PASSWORD } });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('sso-required');
      const owner = await api.call('POST', '/v1/auth/login', { body: { email: A.ownerEmail, password: PASSWORD } });
      expect(owner.status).toBe(200);
    } finally {
      await api.call('PATCH', `/v1/tenants/${A.tenantId}`, { token: A.ownerToken, body: { sso: { required: false } } });
    }
  });

  it('discovery says the same for an unknown domain, a merely pending one and a verified one without SSO', async () => {
    const pending = `atk-pending-${run}.com`;
    const added = await api.call('POST', `/v1/tenants/${B.tenantId}/domains`, {
      token: B.ownerToken,
      body: { domain: pending },
    });
    expect(added.status).toBe(201);
    const bare = `atk-bare-${run}.com`;
    await verifyDomain(api.call, B.tenantId, B.ownerToken, bare);
    const answers = await Promise.all(
      [`x@unknown-${run}.com`, `x@${pending}`, `x@${bare}`].map(
        async (email) => (await api.call('POST', '/v1/auth/sso/discover', { body: { email } })).body,
      ),
    );
    expect(answers).toEqual([
      { sso: [], passwordAllowed: true },
      { sso: [], passwordAllowed: true },
      { sso: [], passwordAllowed: true },
    ]);
  });

  it('a closed tenant’s connection signs nobody in, a provisioned member included', async () => {
    const claims = person('closing', domainB);
    expect((await signIn(B.connectionId, signed(claims))).status).toBe(303);
    const closed = await api.call('DELETE', `/v1/platform/tenants/${B.tenantId}`, { headers: api.platform });
    expect(closed.status).toBe(200);
    await expectRefused(await signIn(B.connectionId, signed(claims)));
    await expectRefused(await signIn(B.connectionId, signed(person('after-close', domainB))));
  });
});

describe('SSRF through the issuer, with AWS’s rules (SSO_ALLOW_PRIVATE_ISSUERS unset)', () => {
  beforeAll(() => {
    process.env.SSO_ALLOW_PRIVATE_ISSUERS = 'false';
    resetConfig();
  });
  afterAll(() => {
    process.env.SSO_ALLOW_PRIVATE_ISSUERS = 'true';
    resetConfig();
  });

  /** A connection saved under the local allowance (the loopback IdP), then used under AWS's rules. */
  async function connectWhileAllowed(name: string, domain: string): Promise<string> {
    process.env.SSO_ALLOW_PRIVATE_ISSUERS = 'true';
    resetConfig();
    try {
      return await connect(A, name, domain);
    } finally {
      process.env.SSO_ALLOW_PRIVATE_ISSUERS = 'false';
      resetConfig();
    }
  }

  it('a saved connection whose IdP names a private token endpoint gets no request sent there at sign-in', async () => {
    const shifty = await connectWhileAllowed('Shifty', domainA);
    // A plain-http IdP saved under the local allowance cannot even be started under AWS's rules.
    const start = await fetch(`${gw.baseUrl}/v1/auth/sso/${shifty}/start`, { redirect: 'manual' });
    await expectRefused(start);
    // With https endpoints (the browser's authorization endpoint is never fetched by Roster), the
    // token request to a private address is refused as it is made.
    await setConnectionEndpoint(shifty, 'authorization_endpoint', 'https://idp.example.com/authorize');
    await setConnectionEndpoint(shifty, 'token_endpoint', 'https://127.0.0.1:1/token');
    idp.mint(signed(person('shifty')));
    const { back, browser } = await begin(shifty, true);
    const detail = await expectRefused(await callback(back, browser));
    expect(detail.detail).toMatch(/private or reserved/);
  });

  const ISSUERS = [
    ['plain http on loopback (a live IdP)', () => idp.issuer, /https/],
    ['loopback', () => 'https://127.0.0.1:9001/', /private or reserved/],
    ['loopback by name', () => 'https://localhost:8443/', /private or reserved/],
    ['instance metadata', () => 'https://169.254.169.254/latest/meta-data', /private or reserved/],
    ['RFC 1918', () => 'https://10.1.2.3/', /private or reserved/],
    ['IPv6 loopback', () => 'https://[::1]/', /private or reserved/],
  ] as const;

  it.each(ISSUERS)('an issuer at %s is refused at save (400 body.issuer), writing nothing', async (_, issuer, why) => {
    const res = await api.call('POST', `/v1/tenants/${A.tenantId}/sso-connections`, {
      token: A.ownerToken,
      body: {
        type: 'oidc',
        name: 'Internal',
        issuer: issuer(),
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        domains: [domainA],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors[0].path).toBe('body.issuer');
    expect(res.body.errors[0].message).toMatch(why);
    const list = await api.call('GET', `/v1/tenants/${A.tenantId}/sso-connections`, { token: A.ownerToken });
    expect(list.body.items.map((c: { name: string }) => c.name)).not.toContain('Internal');
  });
});
