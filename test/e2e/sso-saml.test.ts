/**
 * SAML 2.0 single sign-on end to end (docs/sso-saml.md): a real SAML IdP
 * (samlify, infra/local/idp/saml.ts) on loopback, Roster the service
 * provider (@node-saml/node-saml checks the signatures), the session
 * established through Cognito's custom challenge exactly as for OIDC. Each
 * attack is a Response a correct IdP would never send, differing from a
 * good one in the one thing its title names; each is refused with 401
 * sso-failed, no session, nobody provisioned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type MintOptions, type SamlIdp, signingKey, startSamlIdp } from '../../infra/local/idp/saml.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';
import {
  alteredUnsigned,
  browserOf,
  encode,
  injectAssertion,
  postToAcs,
  signInAtSamlIdp,
  startSaml,
  tamperRequestId,
  wrapAssertion,
  wrapInsideSignature,
} from '../support/saml.ts';
import { verifyDomain } from '../support/sso.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let idp: SamlIdp;
let appUrl = '';
const domain = `saml-${unique()}.com`;
let tenantId = '';
let ownerToken = '';
let ownerEmail = '';
let connectionId = '';

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  appUrl = localStack().env.APP_URL.replace(/\/+$/, '');
  idp = await startSamlIdp({
    port: await freePort(),
    acsUrl: `${appUrl}/v1/auth/sso/callback`,
    spEntityId: `${appUrl}/sso`,
  });
  ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: 'SAML Co', plan: 'scale', owner: { email: ownerEmail, name: 'SAML Owner' } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tenantId = created.body.id;
  ownerToken = await api.acceptAndLogin(ownerEmail, 'SAML Owner', PASSWORD);
  await verifyDomain(api.call, tenantId, ownerToken, domain);
  const jit = await api.call('PATCH', `/v1/tenants/${tenantId}`, {
    token: ownerToken,
    body: { sso: { jitProvisioning: true } },
  });
  expect(jit.status).toBe(200);
});
afterAll(async () => {
  await idp?.stop();
  await gw?.close();
});

const startUrl = () => `${gw.baseUrl}/v1/auth/sso/${connectionId}/start`;
const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));
const person = (label: string) => `${label}-${unique()}@${domain}`;

async function membersNamed(email: string) {
  const res = await api.call('GET', `/v1/tenants/${tenantId}/users?q=${encodeURIComponent(email)}`, {
    token: ownerToken,
  });
  return (res.body.items as { email: string }[]).filter((m) => m.email === email);
}

/** 401 sso-failed for the reason `why`, no session cookie, and `email` provisioned nowhere. */
async function expectRefused(res: Response, email: string, why: RegExp) {
  const body = (await res.json()) as { code: string; detail: string };
  expect(res.status, JSON.stringify(body)).toBe(401);
  expect(body.code).toBe('sso-failed');
  expect(body.detail).toMatch(why);
  expect(sessionCookie(res)).toBeUndefined();
  expect(await membersNamed(email)).toEqual([]);
}

/** A response minted for a freshly started sign-in (correct unless `override` says otherwise), posted back. */
async function mintAndPost(email: string, override: Partial<MintOptions> = {}) {
  const started = await startSaml(startUrl());
  const SAMLResponse = idp.mint({ nameId: email, email, inResponseTo: started.requestId, ...override });
  return postToAcs(gw.baseUrl, { SAMLResponse, RelayState: started.relayState });
}

/** The same, with the signed Response XML rewritten by `attack` before posting. */
async function tamperAndPost(email: string, attack: (signedXml: string) => string) {
  const started = await startSaml(startUrl());
  const signed = idp.mintXml({ nameId: email, email, inResponseTo: started.requestId });
  return postToAcs(gw.baseUrl, { SAMLResponse: encode(attack(signed)), RelayState: started.relayState });
}

describe('SAML connections', () => {
  it('refuses metadata that is not an IdP’s (400, writing nothing)', async () => {
    const res = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
      token: ownerToken,
      body: { type: 'saml', name: 'Broken', metadataXml: '<EntityDescriptor/>', domains: [domain] },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    const list = await api.call('GET', `/v1/tenants/${tenantId}/sso-connections`, { token: ownerToken });
    expect(list.body.items).toEqual([]);
  });

  it('creates a SAML connection from the IdP’s metadata: the ACS URL and entity id the IdP needs', async () => {
    const res = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
      token: ownerToken,
      body: { type: 'saml', name: 'Local SAML IdP', metadataXml: idp.metadataXml, domains: [domain] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    connectionId = res.body.id;
    expect(res.body).toMatchObject({
      type: 'saml',
      idpEntityId: idp.entityId,
      idpSsoUrl: idp.ssoUrl,
      serviceProvider: { acsUrl: `${appUrl}/v1/auth/sso/callback`, entityId: `${appUrl}/sso` },
    });
    const discovered = await api.call('POST', '/v1/auth/sso/discover', { body: { email: `x@${domain}` } });
    expect(discovered.body.sso).toEqual([expect.objectContaining({ connectionId, name: 'Local SAML IdP' })]);
  });
});

describe('SAML sign-in', () => {
  const nora = person('nora');

  it('through the IdP’s login form: the pool’s own tokens, in the console’s session cookie (JIT in the verified domain)', async () => {
    const form = await signInAtSamlIdp(startUrl(), nora, 'Nora Saml');
    expect(form.action).toBe(`${appUrl}/v1/auth/sso/callback`);
    const res = await postToAcs(gw.baseUrl, form);
    expect(res.status, await res.clone().text()).toBe(303);
    const cookie = sessionCookie(res)?.split(';')[0] ?? '';
    expect(cookie.length).toBeGreaterThan(40);
    const refreshed = await fetch(`${gw.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-roster-session': 'cookie' },
      body: '{}',
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    const me = await api.call('GET', `/v1/tenants/${tenantId}/me`, { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: nora, name: 'Nora Saml', status: 'active', role: 'agent' });
  });

  it('the same NameID signs in as the same login the next time', async () => {
    const res = await postToAcs(gw.baseUrl, await signInAtSamlIdp(startUrl(), nora));
    expect(res.status).toBe(303);
    expect(await membersNamed(nora)).toHaveLength(1);
  });

  it('a response minted the way the IdP makes them signs in (the control for the attacks below)', async () => {
    const res = await mintAndPost(person('control'));
    expect(res.status, await res.clone().text()).toBe(303);
    expect(sessionCookie(res)).toBeDefined();
  });

  it('a Response signed as well as its assertion (Entra’s “Sign SAML response and assertion”) signs in', async () => {
    const res = await mintAndPost(person('both-signed'), { signResponse: true });
    expect(res.status, await res.clone().text()).toBe(303);
  });
});

describe('SAML attacks', () => {
  it('an unsigned assertion, even inside a signed Response', async () => {
    const email = person('unsigned');
    await expectRefused(await mintAndPost(email, { signer: 'none' }), email, /signature/i);
    // Signed assertions are required (wantAssertionsSigned), not merely a signed envelope.
    await expectRefused(await mintAndPost(email, { signer: 'none', signResponse: true }), email, /signature/i);
  });

  it('an assertion signed by another key (the IdP’s entity id, an attacker’s certificate)', async () => {
    const email = person('foreign');
    await expectRefused(await mintAndPost(email, { signer: await signingKey('Evil IdP') }), email, /signature/i);
  });

  it('XSW: an unsigned assertion injected before the signed one', async () => {
    const email = person('inject');
    await expectRefused(await tamperAndPost(email, (xml) => injectAssertion(xml, email)), email, /signature/i);
  });

  it('XSW: the signed assertion moved into Extensions, an unsigned one in its place', async () => {
    const email = person('wrap');
    await expectRefused(await tamperAndPost(email, (xml) => wrapAssertion(xml, email)), email, /signature/i);
  });

  it('XSW: the signed assertion hidden inside its own Signature, an unsigned one around it', async () => {
    const email = person('wrapsig');
    await expectRefused(await tamperAndPost(email, (xml) => wrapInsideSignature(xml, email)), email, /signature/i);
  });

  it('XSW: a signed assertion altered and re-signed with a foreign key', async () => {
    const email = person('resigned');
    const foreign = await signingKey('Evil IdP');
    const res = await tamperAndPost(email, (xml) => idp.signAssertion(alteredUnsigned(xml, email), foreign));
    await expectRefused(res, email, /signature/i);
  });

  it('a replayed assertion (even when the sign-in it is replayed into expects its request id)', async () => {
    const email = person('replay');
    const first = await startSaml(startUrl());
    const SAMLResponse = idp.mint({ nameId: email, email, inResponseTo: first.requestId });
    expect((await postToAcs(gw.baseUrl, { SAMLResponse, RelayState: first.relayState })).status).toBe(303);
    const second = await startSaml(startUrl());
    await tamperRequestId(second.relayState, first.requestId);
    const res = await postToAcs(gw.baseUrl, { SAMLResponse, RelayState: second.relayState });
    const body = (await res.json()) as { code: string; detail: string };
    expect(res.status).toBe(401);
    expect(body).toMatchObject({ code: 'sso-failed', detail: expect.stringMatching(/already used/) });
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('login CSRF: an answer posted from a browser that did not start the sign-in is refused', async () => {
    // The attacker signs in at the IdP as themselves and makes the victim's browser post the answer: the
    // victim's browser holds no binding for that sign-in (none at all, or its own for another sign-in).
    const email = person('csrf');
    const attackers = await startSaml(startUrl());
    const SAMLResponse = idp.mint({ nameId: email, email, inResponseTo: attackers.requestId });
    const form = { SAMLResponse, RelayState: attackers.relayState };
    await expectRefused(await postToAcs(gw.baseUrl, form, ''), email, /another browser/);
    const victims = await startSaml(startUrl());
    const victimBrowser = browserOf(victims.relayState) ?? '';
    expect(victimBrowser).toContain('roster_sso_post=');
    const fresh = await startSaml(startUrl());
    const again = idp.mint({ nameId: email, email, inResponseTo: fresh.requestId });
    await expectRefused(
      await postToAcs(gw.baseUrl, { SAMLResponse: again, RelayState: fresh.relayState }, victimBrowser),
      email,
      /another browser/,
    );
    // Control: the cross-site cookie alone (what a browser sends on the IdP's form post) is the binding.
    const own = await startSaml(startUrl());
    const post = (browserOf(own.relayState) ?? '').split('; ').filter((c) => c.startsWith('roster_sso_post='));
    expect(post).toHaveLength(1);
    const ok = idp.mint({ nameId: email, email, inResponseTo: own.requestId });
    const res = await postToAcs(gw.baseUrl, { SAMLResponse: ok, RelayState: own.relayState }, post.join('; '));
    expect(res.status, await res.clone().text()).toBe(303);
    expect(sessionCookie(res)).toBeDefined();
  });

  it('a wrong audience', async () => {
    const email = person('audience');
    await expectRefused(await mintAndPost(email, { audience: 'https://other-sp.example/sso' }), email, /audience/i);
  });

  it('a wrong issuer (signed with the connection’s key)', async () => {
    const email = person('issuer');
    await expectRefused(await mintAndPost(email, { issuer: 'https://evil-idp.example' }), email, /issuer/i);
  });

  it('a wrong recipient', async () => {
    const email = person('recipient');
    const res = await mintAndPost(email, { recipient: 'https://other-sp.example/acs' });
    await expectRefused(res, email, /Recipient/);
  });

  it('a wrong destination', async () => {
    const email = person('destination');
    const res = await mintAndPost(email, { destination: 'https://other-sp.example/acs' });
    await expectRefused(res, email, /Destination/);
  });

  it('an expired assertion (NotOnOrAfter past, beyond the clock skew)', async () => {
    const email = person('expired');
    const issuedAt = new Date(Date.now() - 10 * 60_000);
    const res = await mintAndPost(email, { issuedAt, notOnOrAfter: new Date(Date.now() - 5 * 60_000) });
    await expectRefused(res, email, /expired|subject confirmation/i);
  });

  it('a response to another sign-in’s request (InResponseTo)', async () => {
    const email = person('other-request');
    const other = await startSaml(startUrl());
    const mine = await startSaml(startUrl());
    const SAMLResponse = idp.mint({ nameId: email, email, inResponseTo: other.requestId });
    const res = await postToAcs(gw.baseUrl, { SAMLResponse, RelayState: mine.relayState });
    await expectRefused(res, email, /InResponseTo/);
  });

  it('an assertion bound to another request inside a Response naming this one', async () => {
    const email = person('subject-request');
    const other = await startSaml(startUrl());
    const mine = await startSaml(startUrl());
    const xml = idp.mintXml({ nameId: email, email, inResponseTo: other.requestId });
    // The Response's InResponseTo is outside the signature: an attacker may set it.
    const forged = xml.replace(`InResponseTo="${other.requestId}"`, `InResponseTo="${mine.requestId}"`);
    expect(forged).toContain(`InResponseTo="${other.requestId}"`);
    const res = await postToAcs(gw.baseUrl, { SAMLResponse: encode(forged), RelayState: mine.relayState });
    await expectRefused(res, email, /InResponseTo/);
  });

  it('an unsolicited (IdP-initiated) assertion, even inside a Response naming this request', async () => {
    const email = person('unsolicited');
    const started = await startSaml(startUrl());
    const bare = await postToAcs(gw.baseUrl, {
      SAMLResponse: idp.mint({ nameId: email, email }),
      RelayState: started.relayState,
    });
    await expectRefused(bare, email, /InResponseTo/);
    // The Response's InResponseTo is unsigned: set to this sign-in's request, the signed assertion still names none.
    const again = await startSaml(startUrl());
    const xml = idp.mintXml({ nameId: email, email });
    const forged = xml.replace('<samlp:Response ', `<samlp:Response InResponseTo="${again.requestId}" `);
    const res = await postToAcs(gw.baseUrl, { SAMLResponse: encode(forged), RelayState: again.relayState });
    await expectRefused(res, email, /InResponseTo/);
  });

  it('an email outside the verified domains (through the IdP)', async () => {
    const email = `someone-${unique()}@elsewhere-${unique()}.test`;
    const res = await postToAcs(gw.baseUrl, await signInAtSamlIdp(startUrl(), email));
    await expectRefused(res, email, /verified domains/);
  });

  it('the email of an existing password login is never linked to it (through the IdP)', async () => {
    const res = await postToAcs(gw.baseUrl, await signInAtSamlIdp(startUrl(), ownerEmail));
    const body = (await res.json()) as { code: string; detail: string };
    expect(res.status).toBe(401);
    expect(body).toMatchObject({ code: 'sso-failed', detail: expect.stringMatching(/password/i) });
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('a RelayState already used is refused (the sign-in is single use)', async () => {
    const form = await signInAtSamlIdp(startUrl(), person('twice'));
    expect((await postToAcs(gw.baseUrl, form)).status).toBe(303);
    const again = await postToAcs(gw.baseUrl, form);
    expect(again.status).toBe(401);
    expect(sessionCookie(again)).toBeUndefined();
  });
});
