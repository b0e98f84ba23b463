/**
 * Verified domains and auto-join in real Chromium (issue 20), by role, label
 * and text only: an owner adds their domain on Organisation settings, reads
 * the TXT record to publish (published here through the local DNS server, as
 * they would at their DNS host), verifies it and turns auto-join on; a person
 * whose proven address is at that domain (they joined another organisation
 * from its invitation mail) finds "Organisations you can join" on their
 * profile and joins. axe-core checks the new panels.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, followMailLink, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const PASSWORD = 'Domain-Passw0rd-7';
const run = Math.random().toString(36).slice(2, 8);
const domain = `acme-${run}.com`;
const owner = { email: `olga-${run}@${domain}`, name: 'Olga Owner' };
const pat = { email: `pat-${run}@${domain}`, name: 'Pat Person' };
const tenantName = `Acme ${run}`;
const otherName = `Elsewhere ${run}`;

let kit: Kit;

beforeAll(async () => {
  kit = await startKit();
});
afterAll(async () => {
  reportAccessibility('axe-results-domains');
  await kit?.close();
});

async function tenantFor(name: string, who: { email: string; name: string }): Promise<string> {
  const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
    body: JSON.stringify({ name, plan: 'enterprise', owner: who }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The person opens their invitation mail and joins with a new login: the console opens. */
async function joinFromMail(name: string, who: { email: string }): Promise<Page> {
  const { context } = await kit.visitor();
  const { page } = await followMailLink(context, {
    to: who.email,
    subject: `invited you to ${name}`,
    link: 'Accept the invitation',
  });
  await visible(page.getByRole('heading', { name: `Join ${name}` }));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: `Create login and join ${name}` }).click();
  await visible(page.getByRole('heading', { name: 'Users' }));
  return page;
}

describe('an IT admin proves the domain and turns auto-join on; a colleague joins on their own', () => {
  let ownerPage: Page;

  it('adds the domain, publishes the record shown, verifies it', async () => {
    await tenantFor(tenantName, owner);
    ownerPage = await joinFromMail(tenantName, owner);
    const page = ownerPage;
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { name: 'Domains' }));
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    const item = page.getByRole('listitem', { name: domain });
    await visible(item.getByText('Waiting for verification', { exact: false }));
    const name = await item.getByText(`_roster-challenge.${domain}`).textContent();
    const value = await item.getByText('roster-verification=', { exact: false }).textContent();
    expect(name).toBe(`_roster-challenge.${domain}`);
    await checkAccessibility(page, 'settings-domains-pending');
    // At the DNS host: here the local DNS server.
    const published = await fetch(`${kit.gw.baseUrl}/local/dns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'TXT', value }),
    });
    expect(published.status).toBe(201);
    await item.getByRole('button', { name: `Verify ${domain}` }).click();
    await visible(page.getByRole('status').filter({ hasText: `${domain} is verified.` }));
    await visible(item.getByText('Verified. The record is checked daily', { exact: false }));
    await page.getByLabel('Who may join').selectOption('automatic');
    await page.getByRole('button', { name: 'Save auto-join' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Auto-join: Automatic' }));
    await checkAccessibility(page, 'settings-domains-verified');
  });

  it('a person at the domain (address proven by an invitation elsewhere) joins from their profile', async () => {
    await tenantFor(otherName, pat);
    const page = await joinFromMail(otherName, pat);
    await page.getByRole('link', { name: 'My profile' }).click();
    await visible(page.getByRole('heading', { name: 'Organisations you can join' }));
    await checkAccessibility(page, 'profile-joinable');
    await page.getByRole('button', { name: `Join ${tenantName}` }).click();
    await visible(page.getByText(`You joined ${tenantName}.`));
    await visible(page.getByRole('button', { name: `Switch to ${tenantName}` }));
    // The owner sees the new member.
    await ownerPage.getByRole('link', { name: 'Users' }).click();
    await ownerPage.reload();
    await visible(ownerPage.getByRole('row').filter({ hasText: pat.email }));
  });
});
