/**
 * Two-factor authentication in real Chromium, by role, label and text only,
 * against real cognito-local (which holds the secret and checks every code):
 * the owner sets it up from My profile (QR code and key on the page; the code
 * made from that key by the `otpauth` package, as an authenticator app makes
 * it), signs out, signs in through the code step, requires it of everyone
 * with no grace period, and a colleague without it is taken to the setup page.
 * axe-core checks each new page.
 */
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../e2e/client.ts';
import { checkAccessibility, type Kit, reportAccessibility, startKit, visible } from './support.ts';

const PASSWORD = 'Mfa-Browser-Passw0rd';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `otto-${run}@browser.test`, name: 'Otto Owner' };
const colleague = { email: `cleo-${run}@browser.test`, name: 'Cleo Colleague' };

let kit: Kit;
let page: Page;
let secret = '';

const code = () =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();

async function signIn(p: Page, email: string) {
  await p.goto('/sign-in');
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  kit = await startKit();
  // The people, through the API (the invitation flow has its own browser tests).
  const api = client(kit.gw);
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: `Mfa Co ${run}`, plan: 'enterprise', owner },
  });
  expect(created.status).toBe(201);
  const ownerToken = await api.acceptAndLogin(owner.email, owner.name, PASSWORD);
  const invited = await api.call('POST', `/v1/tenants/${created.body.id}/invitations`, {
    token: ownerToken,
    body: { email: colleague.email, name: colleague.name, role: 'agent' },
  });
  expect(invited.status).toBe(201);
  await api.acceptAndLogin(colleague.email, colleague.name, PASSWORD);
});
afterAll(async () => {
  reportAccessibility('axe-results-mfa');
  await kit?.close();
});

describe('two-factor authentication, end to end', () => {
  it('the owner sets it up from My profile with a code from the key on the page', async () => {
    ({ page } = await kit.visitor());
    await signIn(page, owner.email);
    await visible(page.getByRole('heading', { name: 'Users' }));
    await page.goto('/profile');
    const panel = page.getByRole('region', { name: 'Two-factor authentication' });
    await visible(panel.getByText('Off.'));
    await panel.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    await visible(page.getByRole('heading', { name: 'Set up two-factor authentication' }));
    await visible(page.getByRole('img', { name: 'QR code for adding Roster to your authenticator app' }));
    secret = (await page.locator('code.secret').getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect((await page.locator('code.secret').textContent())?.replace(/\s/g, '')).toBe(secret);
    await checkAccessibility(page, 'two-factor setup');
    await page.getByLabel('Code from the app').fill(code());
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await visible(page.getByRole('heading', { name: 'My profile' }));
    await visible(page.getByRole('region', { name: 'Two-factor authentication' }).getByText('On', { exact: true }));
  });

  it('signed out, the sign-in asks for the code, and the right one signs in', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Sign in to Roster' }));
    await signIn(page, owner.email);
    await visible(page.getByRole('heading', { name: 'Enter your code' }));
    await checkAccessibility(page, 'sign-in code step');
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await visible(page.getByText(/That code is not correct/));
    await page.getByLabel('Code from the app').fill(code());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
  });

  it('the owner requires it with no grace period; a colleague without it is taken to set it up', async () => {
    await page.goto('/settings');
    const panel = page.getByRole('region', { name: 'Two-factor authentication' });
    await visible(panel);
    await panel.getByLabel('Require two-factor authentication of every member').check();
    await panel.getByLabel('Grace period').selectOption('0');
    await checkAccessibility(page, 'settings with MFA policy');
    await panel.getByRole('button', { name: 'Save two-factor policy' }).click();
    await visible(page.getByText(/Two-factor authentication is required/).first());

    const { page: other } = await kit.visitor();
    await signIn(other, colleague.email);
    await visible(other.getByRole('heading', { name: 'Set up two-factor authentication' }));
    await visible(other.getByText('Your organisation requires two-factor authentication. Set it up to continue.'));
    expect(new URL(other.url()).pathname).toBe('/two-factor-setup');
    await checkAccessibility(other, 'two-factor setup (required)');
  });
});
