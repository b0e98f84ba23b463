/**
 * An existing password member moves to single sign-on in real Chromium
 * against a real OIDC provider (oidc-provider on loopback): the tenant
 * requires SSO, so their password alone no longer signs them in; "Continue
 * with SSO", the IdP's login page, then Roster's "Confirm it’s you" step (their
 * Roster password, lib/app/sso-link.ts) — and they land in the console. The
 * next time SSO goes straight through. A refused SSO sign-in is words on the
 * sign-in page, never JSON. axe checks the new step.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { client, PASSWORD } from '../e2e/client.ts';
import { verifyDomain } from '../support/sso.ts';
import { checkAccessibility, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const run = Math.random().toString(36).slice(2, 8);
const domain = `sso-link-${run}.com`;
const member = `pat-${run}@${domain}`;
let kit: Kit;
let idp: OidcIdp;

beforeAll(async () => {
  kit = await startKit();
  const api = client(kit.gw);
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${kit.gw.baseUrl}/v1/auth/sso/callback` });
  const ownerEmail = `owner@${domain}`;
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `SSO Link ${run}`, plan: 'growth', owner: { email: ownerEmail, name: 'Olga Owner' } },
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
  // Pat's login is their own (another tenant made it); they joined this tenant with its password.
  const other = await api.tenantWithOwner('starter', 'ssolink-other');
  const made = await api.call('POST', `/v1/tenants/${other.tenantId}/users`, {
    token: other.ownerToken,
    body: { email: member, name: 'Pat Password', role: 'agent', password: PASSWORD, temporaryPassword: false },
  });
  expect(made.status).toBe(201);
  const invited = await api.call('POST', `/v1/tenants/${tenantId}/users`, {
    token: ownerToken,
    body: { email: member, name: 'Pat Password', role: 'agent' },
  });
  expect(invited.status).toBe(201);
  const accepted = await api.call('POST', '/v1/invitations/accept', {
    body: { token: await api.invitationToken(member), password: PASSWORD },
  });
  expect(accepted.status).toBe(200);
  const required = await api.call('PATCH', `/v1/tenants/${tenantId}`, {
    token: ownerToken,
    body: { sso: { required: true } },
  });
  expect(required.status).toBe(200);
});
afterAll(async () => {
  reportAccessibility('axe-results-sso-link');
  await idp?.stop();
  await kit?.close();
});

/** Sign-in page → "Continue with SSO" as `email` → the IdP's login page as `login`. */
async function continueWithSso(page: Page, email: string, login = email) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue with SSO' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((url) => url.origin === kit.gw.baseUrl);
}

/** Signed in (a reload resumes the session from the cookie): Pat's two organisations to choose from, then Pat's profile. */
async function signedIn(page: Page) {
  await page.goto('/profile');
  await page.getByRole('button', { name: `Open SSO Link ${run}` }).click();
  await page.waitForURL((url) => url.pathname === '/users');
  await page.goto('/profile');
  await visible(page.getByText(member).first());
}

describe('an existing password member moves to SSO', () => {
  it('an IdP asserting an email outside the verified domains: the sign-in page says so in words', async () => {
    const { page } = await kit.visitor();
    await continueWithSso(page, member, `someone@elsewhere-${run}.test`);
    await visible(page.getByText('an email outside the domains your organisation verified'));
    expect(page.url()).toContain('sso=failed');
    expect(await page.locator('body').textContent()).not.toContain('"code"');
  });

  it('confirms with the Roster password once, lands signed in; the next time goes straight through', async () => {
    const first = await kit.visitor();
    await continueWithSso(first.page, member);
    await visible(first.page.getByRole('heading', { name: 'Confirm it’s you' }));
    // The token lives in the fragment only, and is gone from the address bar once read.
    expect(first.page.url()).not.toContain('link=');
    await checkAccessibility(first.page, 'sso link: confirm it is you');
    await first.page.getByLabel('Roster password').fill('Not-my-password-1');
    await first.page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await visible(first.page.getByText('That password is not correct.'));
    await first.page.getByLabel('Roster password').fill(PASSWORD);
    await first.page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await first.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    await signedIn(first.page);

    const next = await kit.visitor();
    await continueWithSso(next.page, member);
    await next.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    await signedIn(next.page);
  });
});
