/**
 * "Continue with SSO" in real Chromium against a real SAML 2.0 IdP (samlify
 * on loopback, infra/local/idp/saml.ts): the sign-in page discovers the
 * email's SAML connection, Roster's AuthnRequest takes the browser to the
 * IdP's login form, the IdP's page posts the signed assertion back (HTTP-POST
 * binding) and the person lands in the console signed in — a first-time
 * person in a verified domain provisioned just in time. axe checks the
 * sign-in page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type SamlIdp, startSamlIdp } from '../../infra/local/idp/saml.ts';
import { client, PASSWORD } from '../e2e/client.ts';
import { verifyDomain } from '../support/sso.ts';
import { checkAccessibility, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const run = Math.random().toString(36).slice(2, 8);
const domain = `saml-browser-${run}.com`;
let kit: Kit;
let idp: SamlIdp;

beforeAll(async () => {
  kit = await startKit();
  const api = client(kit.gw);
  idp = await startSamlIdp({
    port: await freePort(),
    acsUrl: `${kit.gw.baseUrl}/v1/auth/sso/callback`,
    spEntityId: `${kit.gw.baseUrl}/sso`,
  });
  const ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `SAML Browser ${run}`, plan: 'starter', owner: { email: ownerEmail, name: 'Sara Owner' } },
  });
  expect(created.status).toBe(201);
  const tenantId = created.body.id as string;
  const ownerToken = await api.acceptAndLogin(ownerEmail, 'Sara Owner', PASSWORD);
  await verifyDomain(api.call, tenantId, ownerToken, domain);
  const connection = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
    token: ownerToken,
    body: { type: 'saml', name: 'Acme SAML', metadataXml: idp.metadataXml, domains: [domain] },
  });
  expect(connection.status, JSON.stringify(connection.body)).toBe(201);
  const jit = await api.call('PATCH', `/v1/tenants/${tenantId}`, {
    token: ownerToken,
    body: { sso: { jitProvisioning: true } },
  });
  expect(jit.status).toBe(200);
});
afterAll(async () => {
  reportAccessibility('axe-results-sso-saml');
  await idp?.stop();
  await kit?.close();
});

describe('Continue with SSO (SAML)', () => {
  it('signs a first-time person in the verified domain in through the SAML IdP, into the console', async () => {
    const { page } = await kit.visitor();
    const person = `sami-${run}@${domain}`;
    await page.goto('/sign-in');
    await checkAccessibility(page, 'sign-in with SAML SSO');
    await page.getByLabel('Email').fill(person);
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    // The IdP's own login form, reached with Roster's AuthnRequest (HTTP-Redirect).
    await page.waitForURL((url) => url.href.startsWith(idp.ssoUrl));
    await page.getByLabel('Email').fill(person);
    await page.getByLabel('Name').fill('Sami Saml');
    await page.getByLabel('Password').fill('anything');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The IdP's page posts the signed assertion to Roster; back on Roster, signed in.
    await page.waitForURL((url) => url.origin === kit.gw.baseUrl && !url.pathname.startsWith('/sign-in'));
    await page.goto('/profile');
    await visible(page.getByText(person).first());
    expect(page.url()).toContain('/profile');
  });
});
