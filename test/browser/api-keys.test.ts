/**
 * API keys in real Chromium, by role, label and text only: the owner creates
 * a key on Organisation settings with some of their permissions, sees its
 * secret once and copies it; the key then works on the API; revoking it after
 * the confirmation refuses the very next request.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitationLink, type Kit, mailCount, nextMail, startKit, visible } from './support.ts';

const PASSWORD = 'Keys-Passw0rd-77';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `kira-${run}@browser.test`, name: 'Kira Keys' };
const tenantName = `Keys Co ${run}`;

let kit: Kit;
let page: Page;
let tenantId = '';

beforeAll(async () => {
  kit = await startKit();
  const seen = await mailCount(owner.email);
  const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
    body: JSON.stringify({ name: tenantName, plan: 'scale', owner }),
  });
  expect(res.status).toBe(201);
  tenantId = ((await res.json()) as { id: string }).id;
  const link = invitationLink(await nextMail(owner.email, seen));
  const visitor = await kit.visitor();
  page = visitor.page;
  await visitor.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(link);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: `Create login and join ${tenantName}` }).click();
  await visible(page.getByRole('heading', { name: 'Users' }));
});
afterAll(async () => {
  await kit?.close();
});

const usersWith = (secret: string) =>
  fetch(`${kit.gw.baseUrl}/v1/tenants/${tenantId}/users`, { headers: { authorization: `Bearer ${secret}` } });

describe('API keys on Organisation settings', () => {
  let secret = '';

  it('the owner creates a key with a name, a permission and an expiry, and sees its secret once', async () => {
    await page.goto('/settings');
    const panel = page.getByRole('region', { name: 'API keys' });
    await visible(panel.getByRole('heading', { name: 'API keys' }));
    const form = panel.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Key name').fill('CRM sync');
    await form.getByRole('checkbox', { name: 'See the tenant’s people' }).check();
    await form.getByLabel('Expires').selectOption({ label: 'In 30 days' });
    await form.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.getByRole('region', { name: 'New API key' });
    await visible(shown);
    secret = await shown.getByLabel('API key secret').inputValue();
    expect(secret).toMatch(new RegExp(`^rst_${tenantId}\\.[a-z0-9]{26}\\.[A-Za-z0-9_-]{43}$`));
    await shown.getByRole('button', { name: 'Copy' }).click();
    await visible(shown.getByRole('button', { name: 'Copied' }));
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByRole('region', { name: 'New API key' }).count()).toBe(0);
    // Listed by name and creator, never the secret.
    await visible(panel.getByRole('cell', { name: 'CRM sync', exact: true }));
    await visible(panel.getByRole('cell', { name: owner.name, exact: true }));
    expect(await page.content()).not.toContain(secret.split('.')[2]);
  });

  it('the key works on the API', async () => {
    expect((await usersWith(secret)).status).toBe(200);
  });

  it('revoking asks first, and the next request with the key is refused', async () => {
    const panel = page.getByRole('region', { name: 'API keys' });
    await panel.getByRole('button', { name: 'Revoke CRM sync' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke the API key CRM sync?' });
    await visible(confirm);
    expect((await usersWith(secret)).status).toBe(200);
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'The API key CRM sync was revoked.' }));
    expect((await usersWith(secret)).status).toBe(401);
    await visible(panel.getByRole('cell', { name: 'No API keys yet.' }));
  });
});
