/**
 * "Continue with SSO" in real Chromium against a real OIDC provider
 * (oidc-provider on loopback, infra/local/idp/oidc.ts): the sign-in page
 * discovers the email's connection, the IdP's own login page signs the person
 * in, and the callback lands them in the console signed in — a first-time
 * person in a verified domain provisioned just in time. axe checks the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { client, PASSWORD } from '../e2e/client.ts';
import { verifyDomain } from '../support/sso.ts';
import { checkAccessibility, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const run = Math.random().toString(36).slice(2, 8);
const domain = `sso-browser-${run}.com`;
let kit: Kit;
let idp: OidcIdp;

beforeAll(async () => {
  kit = await startKit();
  const api = client(kit.gw);
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${kit.gw.baseUrl}/v1/auth/sso/callback` });
  const ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `SSO Browser ${run}`, plan: 'starter', owner: { email: ownerEmail, name: 'Olga Owner' } },
  });
  expect(created.status).toBe(201);
  const tenantId = created.body.id as string;
  const ownerToken = await api.acceptAndLogin(ownerEmail, 'Olga Owner', PASSWORD);
  await verifyDomain(api.call, tenantId, ownerToken, domain);
  const connection = await api.call('POST', `/v1/tenants/${tenantId}/sso-connections`, {
    token: ownerToken,
    body: {
      type: 'oidc',
      name: 'Acme IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [domain],
    },
  });
  expect(connection.status).toBe(201);
  const jit = await api.call('PATCH', `/v1/tenants/${tenantId}`, {
    token: ownerToken,
    body: { sso: { jitProvisioning: true } },
  });
  expect(jit.status).toBe(200);
});
afterAll(async () => {
  reportAccessibility('axe-results-sso');
  await idp?.stop();
  await kit?.close();
});

describe('Continue with SSO (OIDC)', () => {
  it('signs a first-time person in the verified domain in through the IdP, into the console', async () => {
    const { page } = await kit.visitor();
    const person = `nora-${run}@${domain}`;
    await page.goto('/sign-in');
    await checkAccessibility(page, 'sign-in with SSO');
    await page.getByLabel('Email').fill(person);
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    // The IdP's own login page (oidc-provider's).
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(person);
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    // Back on Roster, signed in: the console, with the person's own profile.
    await page.waitForURL((url) => url.origin === kit.gw.baseUrl && !url.pathname.startsWith('/sign-in'));
    await page.goto('/profile');
    await visible(page.getByText(person).first());
    expect(page.url()).toContain('/profile');
  });
});
