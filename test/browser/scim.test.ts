/**
 * Directory provisioning in real Chromium: the owner creates a SCIM token on
 * Organisation settings (shown once, with the base URL), an identity provider
 * uses it to provision a person, the Users screen opens that person with
 * "Managed by directory" and the directory's fields disabled, and revoking the
 * token in the console stops the IdP on its next request. axe-core checks the
 * screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, followMailLink, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const PASSWORD = 'Scim-Passw0rd-77';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `sonia-${run}@browser.test`, name: 'Sonia Scim' };
const tenantName = `Directory Co ${run}`;
const provisioned = `dee-${run}@idp.test`;

let kit: Kit;
let page: Page;

beforeAll(async () => {
  kit = await startKit();
});
afterAll(async () => {
  reportAccessibility('axe-results-scim');
  await kit?.close();
});

const scim = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${kit.gw.baseUrl}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('SCIM from the console', () => {
  it('the owner joins and creates a token: the token and base URL are shown once', async () => {
    const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
      body: JSON.stringify({ name: tenantName, plan: 'enterprise', owner }),
    });
    expect(res.status).toBe(201);
    const { context } = await kit.visitor();
    ({ page } = await followMailLink(context, {
      to: owner.email,
      subject: `invited you to ${tenantName}`,
      link: 'Accept the invitation',
    }));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: `Create login and join ${tenantName}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { name: 'Directory provisioning (SCIM)' }));
    await page.getByLabel('Token name').fill('Okta production');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'New SCIM token' });
    await visible(shown);
    await checkAccessibility(page, 'settings-scim-token');
    const token = (await shown.locator('code.secret').textContent()) ?? '';
    expect(token).toMatch(/^rsc_/);
    expect(await shown.textContent()).toContain(`${kit.gw.baseUrl}/scim/v2`);

    // The identity provider provisions a person with it.
    const created = await scim(token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: provisioned,
      name: { givenName: 'Dee', familyName: 'Directory' },
      emails: [{ value: provisioned, primary: true }],
    });
    expect(created.status).toBe(201);

    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(token).count()).toBe(0);

    // Users: the provisioned person opens as the directory's.
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('row').filter({ hasText: provisioned });
    await visible(row);
    await row.getByRole('button', { name: `Edit ${provisioned}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${provisioned}` });
    await visible(dialog.getByRole('note').filter({ hasText: 'Managed by directory' }));
    expect(await dialog.getByLabel('Full name').isDisabled()).toBe(true);
    expect(await dialog.getByLabel('Email').isDisabled()).toBe(true);
    await checkAccessibility(page, 'users-managed-by-directory');
    await page.keyboard.press('Escape');

    // Revoked in the console: the IdP's next request is refused.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Revoke Okta production' }).click();
    await page
      .getByRole('alertdialog', { name: 'Revoke Okta production?' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await visible(page.getByText('No SCIM tokens yet.'));
    expect((await scim(token, 'GET', '/Users')).status).toBe(401);
  });
});
