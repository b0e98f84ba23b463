/**
 * Single sign-on on Organisation settings in real Chromium against a real
 * OIDC provider (oidc-provider on loopback, infra/local/idp/oidc.ts), by role,
 * label and text only: the owner (an admin) connects the IdP for the verified
 * domain, reads the redirect URI to register, requires SSO and turns JIT
 * provisioning on; a member's password sign-in is then refused in words while
 * Continue with SSO signs a colleague in through the IdP; the owner's password
 * still works (break-glass); a manager — even with settings:manage — sees no
 * SSO panel. Layout at desktop and phone width, and axe, on the panel.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/process.ts';
import { type OidcIdp, startOidcIdp } from '../../infra/local/idp/oidc.ts';
import { client, PASSWORD } from '../e2e/client.ts';
import { verifyDomain } from '../support/sso.ts';
import {
  checkAccessibility,
  horizontalOverflow,
  type Kit,
  overflowing,
  reportAccessibility,
  startKit,
  visible,
} from './support.ts';

const run = Math.random().toString(36).slice(2, 8);
const domain = `sso-console-${run}.com`;
const owner = { email: `olga@${domain}`, name: 'Olga Owner' };
const member = { email: `mia@${domain}`, name: 'Mia Member' };
const manager = { email: `max@elsewhere-${run}.com`, name: 'Max Manager' };
const CONNECTION = 'Acme IdP';
let kit: Kit;
let idp: OidcIdp;

beforeAll(async () => {
  kit = await startKit();
  const api = client(kit.gw);
  idp = await startOidcIdp({ port: await freePort(), redirectUri: `${kit.gw.baseUrl}/v1/auth/sso/callback` });
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `SSO Console ${run}`, plan: 'growth', owner },
  });
  expect(created.status).toBe(201);
  const tenantId = created.body.id as string;
  const ownerToken = await api.acceptAndLogin(owner.email, owner.name, PASSWORD);
  // The domain is proven as domains.test.ts shows in the browser; here through the same routes.
  await verifyDomain(api.call, tenantId, ownerToken, domain);
  for (const [who, role, grants] of [
    [member, 'agent', []],
    [manager, 'manager', ['settings:manage']],
  ] as const) {
    const made = await api.call('POST', `/v1/tenants/${tenantId}/users`, {
      token: ownerToken,
      body: { ...who, role, grants, password: PASSWORD, temporaryPassword: false },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
});
afterAll(async () => {
  reportAccessibility('axe-results-sso-console');
  await idp?.stop();
  await kit?.close();
});

async function signIn(email: string): Promise<Page> {
  const { page } = await kit.visitor();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return page;
}

/** The panel and its controls lie within the window, and nothing widens the page. */
async function fitsWidth(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 860 });
  const panel = page.getByRole('region', { name: 'Single sign-on' });
  await visible(panel);
  expect(await horizontalOverflow(page), (await overflowing(page)).join('\n')).toBeLessThanOrEqual(0);
  const box = await panel.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= width + 0.5, `panel box ${JSON.stringify(box)}`).toBe(true);
  const item = panel.getByRole('listitem', { name: CONNECTION });
  for (const control of [
    item.getByRole('button', { name: `Copy the redirect uri of ${CONNECTION}` }),
    item.getByRole('button', { name: `Edit ${CONNECTION}…` }),
    item.getByRole('button', { name: `Remove ${CONNECTION}…` }),
    panel.getByRole('button', { name: 'Save single sign-on policy' }),
    panel.getByRole('button', { name: 'Add connection' }),
  ]) {
    await control.scrollIntoViewIfNeeded();
    expect(await control.isVisible()).toBe(true);
    const b = await control.boundingBox();
    expect(b && b.x >= 0 && b.x + b.width <= width + 0.5, `control box ${JSON.stringify(b)}`).toBe(true);
  }
}

describe('an admin connects their IdP on Organisation settings and requires SSO', () => {
  it('adds the OIDC connection, sees it listed with the redirect URI, requires SSO; layout and axe', async () => {
    const page = await signIn(owner.email);
    await page.getByRole('link', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Single sign-on' });
    await visible(panel);
    const add = panel.getByRole('form', { name: 'Add a connection' });
    await add.getByLabel('Type').selectOption({ label: 'OpenID Connect' });
    await add.getByLabel('Name').fill(CONNECTION);
    // An unreachable issuer: the server's refusal is shown at the field.
    await add.getByLabel('Issuer URL').fill(`http://127.0.0.1:${await freePort()}`);
    await add.getByLabel('Client ID').fill(idp.clientId);
    await add.getByLabel('Client secret').fill(idp.clientSecret);
    await add.getByRole('checkbox', { name: domain }).check();
    await add.getByRole('button', { name: 'Add connection' }).click();
    await visible(add.getByText(/Discovery failed/));
    expect(await add.getByLabel('Issuer URL').getAttribute('aria-invalid')).toBe('true');
    await add.getByLabel('Issuer URL').fill(idp.issuer);
    await add.getByRole('button', { name: 'Add connection' }).click();
    await visible(page.getByText(`The connection ${CONNECTION} was added`));

    const item = panel.getByRole('listitem', { name: CONNECTION });
    await visible(item.getByText('OpenID Connect'));
    await visible(item.getByText(domain, { exact: true }));
    await visible(item.getByText(`${kit.gw.baseUrl}/v1/auth/sso/callback`, { exact: true }));

    await panel.getByLabel('Require single sign-on for members in these domains').check();
    await panel.getByLabel('Create members at their first SSO sign-in').check();
    await panel.getByRole('button', { name: 'Save single sign-on policy' }).click();
    await visible(page.getByText(/Single sign-on is required/));

    await checkAccessibility(page, 'settings-sso');
    await fitsWidth(page, 1280);
    await fitsWidth(page, 375);
    await checkAccessibility(page, 'settings-sso-phone');
  });

  it('refuses a member’s password sign-in in words; Continue with SSO signs a colleague in through the IdP', async () => {
    const { page } = await kit.visitor();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(member.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await visible(page.getByRole('alert').getByText(/requires single sign-on: use “Continue with SSO”/));
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    const colleague = `nora-${run}@${domain}`;
    await page.getByLabel('Email').fill(colleague);
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(colleague);
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL((url) => url.origin === kit.gw.baseUrl && !url.pathname.startsWith('/sign-in'));
    expect(new URL(page.url()).searchParams.get('notice'), String(await page.locator('main').textContent())).toBeNull();
    await page.goto('/profile');
    await visible(page.getByText(colleague).first());
  });

  it('the owner’s password still works (break-glass)', async () => {
    const page = await signIn(owner.email);
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('region', { name: 'Single sign-on' }).getByRole('listitem', { name: CONNECTION }));
  });

  it('a manager, even with settings:manage, sees no SSO panel', async () => {
    const page = await signIn(manager.email);
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { name: 'Organisation settings' }));
    await visible(page.getByRole('heading', { name: 'Name' }));
    expect(await page.getByRole('heading', { name: 'Single sign-on' }).count()).toBe(0);
    expect(asked.filter((url) => url.includes('/sso-connections'))).toEqual([]);
  });
});
