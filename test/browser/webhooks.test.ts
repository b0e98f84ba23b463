/**
 * Webhooks in real Chromium (issue 21): the owner adds an endpoint on
 * Organisation settings, sees its secret once, sends a test event that a
 * receiver on this machine gets — verifiable with that secret through the
 * standardwebhooks package — and reads the delivery in words. axe-core
 * checks the screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver, verifyReceived } from '../support/receiver.ts';
import { checkAccessibility, followMailLink, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const PASSWORD = 'Hooks-Passw0rd-7';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `wendy-${run}@browser.test`, name: 'Wendy Webhook' };
const tenantName = `Hooks Co ${run}`;

let kit: Kit;
let receiver: Receiver;
let page: Page;

beforeAll(async () => {
  kit = await startKit();
  receiver = await startReceiver();
});
afterAll(async () => {
  reportAccessibility('axe-results-webhooks');
  await receiver?.close();
  await kit?.close();
});

describe('webhooks on Organisation settings', () => {
  it('the owner adds an endpoint, sees its secret once, sends a test event and reads the delivery', async () => {
    const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
      body: JSON.stringify({ name: tenantName, plan: 'scale', owner }),
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
    await visible(page.getByRole('heading', { name: 'Webhooks' }));
    await visible(page.getByText('No endpoints yet.'));
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const notice = page.getByRole('region', { name: 'Signing secret' });
    await visible(notice);
    const secret = (await notice.locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await checkAccessibility(page, 'settings-webhooks');
    await notice.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    const endpoint = page.getByRole('article', { name: receiver.url });
    await visible(endpoint.getByText('Active · All events'));
    await endpoint.getByRole('button', { name: 'Send test event' }).click();
    await visible(page.getByText('Test event: Delivered (HTTP 200).'));
    const test = receiver.received.find((r) => r.body.includes('"roster.test"'));
    if (!test) throw new Error('the receiver got no test event');
    expect(verifyReceived(secret, test)).toMatchObject({ type: 'roster.test' });
    const table = page.getByRole('table', { name: 'Deliveries' });
    await visible(table.getByRole('cell', { name: 'Delivered (HTTP 200)' }));
    await checkAccessibility(page, 'settings-webhook-deliveries');
  });
});
