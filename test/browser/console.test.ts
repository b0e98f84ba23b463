/**
 * The hosted pages and the console in real Chromium, as a person uses them —
 * by role and label only: an invitation mail's link → accept → signed in;
 * sign in → users and seats → invite to the limit (Invite off, saying why) →
 * edit a role → reset a password → that person's first-login challenge →
 * deactivate (seat freed) → roles, teams, audit, profile → forgot password
 * with the code from the mail. axe-core checks every screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/http/routes.ts';
import {
  checkAccessibility,
  description,
  invitationLink,
  type Kit,
  mailCount,
  nextMail,
  reportAccessibility,
  screenshot,
  startKit,
  visible,
} from './support.ts';

const PASSWORD = 'Browser-Passw0rd-1';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `owner-${run}@browser.test`, name: 'Olivia Owner' };
const invitee = `agent-${run}@browser.test`;
const created = { email: `maya-${run}@browser.test`, name: 'Maya Manager' };
const tenantName = `Browser Co ${run}`;

let kit: Kit;
let ownerPage: Page;
let tenantId = '';
/** Another tab of the owner's, signed in separately (to see a credential change end it). */
let otherSession: Page | undefined;
let ownerPassword = PASSWORD;

beforeAll(async () => {
  kit = await startKit();
});
afterAll(async () => {
  reportAccessibility();
  await kit?.close();
});

const seats = (page: Page) =>
  page
    .getByText(/seats? used/)
    .first()
    .textContent();
const row = (page: Page, email: string) => page.getByRole('row').filter({ hasText: email });

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('an invitation, from the mail to the console', () => {
  it('opens the accept page from the link in the mail, and accepting signs the person in', async () => {
    const seen = await mailCount(owner.email);
    const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
      body: JSON.stringify({ name: tenantName, plan: 'starter', owner: owner }),
    });
    expect(res.status).toBe(201);
    tenantId = ((await res.json()) as { id: string }).id;
    const link = invitationLink(await nextMail(owner.email, seen));
    expect(link.startsWith(`${kit.gw.baseUrl}/accept-invitation?token=`)).toBe(true);

    const { page } = await kit.visitor();
    ownerPage = page;
    await page.goto(link);
    await visible(page.getByRole('heading', { name: `Join ${tenantName}` }));
    expect(await page.getByRole('definition').allTextContents()).toEqual(
      expect.arrayContaining([tenantName, 'Administrator', owner.email]),
    );
    await checkAccessibility(page, 'accept invitation (new login)');
    await screenshot(page, 'accept-invitation');

    expect(await page.getByLabel('Your name').inputValue()).toBe(owner.name);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: `Create login and join ${tenantName}` }).click();

    await visible(page.getByRole('heading', { name: 'Users' }));
    expect(new URL(page.url()).pathname).toBe('/users');
    await visible(row(page, owner.email));
    expect(await seats(page)).toBe('1 of 3 seats used');

    const again = await kit.visitor();
    await again.page.goto(link);
    await visible(again.page.getByRole('heading', { name: 'This invitation link no longer works' }));
    await checkAccessibility(again.page, 'accept invitation (dead link)');
    await screenshot(again.page, 'accept-invitation-dead-link');
  });
});

describe('the users screen', () => {
  it('signs in and shows the users table with the seat indicator', async () => {
    const { page } = await kit.visitor();
    await page.goto('/');
    await visible(page.getByRole('heading', { name: 'Sign in to Roster' }));
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await checkAccessibility(page, 'sign in');
    await screenshot(page, 'sign-in');
    await signIn(page, owner.email, PASSWORD);
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(row(page, owner.email));
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(
      expect.arrayContaining(['Email', 'Name', 'Role', 'Role template', 'Status', 'CRM access', 'Teams', 'Last login']),
    );
    expect(await row(page, owner.email).getByRole('cell').allTextContents()).toContain('Active');
    // Tokens: in memory; the refresh token only in an HttpOnly, SameSite=Strict cookie on /v1/auth that no
    // script reads; storage holds no token, only the hints "signed in here" and the organisation chosen.
    const stored = await page.evaluate(() => ({
      local: Object.fromEntries(Object.entries(localStorage)),
      session: Object.keys(sessionStorage),
      script: (globalThis as unknown as { document: { cookie: string } }).document.cookie,
    }));
    expect(Object.keys(stored.local).sort()).toEqual(['roster.session', 'roster.tenantId']);
    expect(stored.local['roster.session']).toBe('1');
    expect(stored.session).toEqual(['roster.tenantId']);
    expect(stored.script).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.path, c.httpOnly, c.sameSite])).toEqual([
      ['roster_refresh', '/v1/auth', true, 'Strict'],
    ]);
    // A new tab of this browser is signed in (issue 18 item 13), on the same organisation.
    const tab = await page.context().newPage();
    await tab.goto('/users');
    await visible(tab.getByRole('heading', { name: 'Users' }));
    await visible(row(tab, owner.email));
    await tab.close();
    ownerPage = page;
  });

  it('invites until the seat limit, then Invite is disabled and says why', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await visible(dialog);
    await checkAccessibility(page, 'invite dialog');
    await dialog.getByLabel('Email').fill(invitee);
    await dialog.getByLabel('Role', { exact: true }).selectOption('agent');
    await screenshot(page, 'invite-dialog');
    const seen = await mailCount(invitee);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await visible(page.getByRole('status').filter({ hasText: `Invitation sent to ${invitee}.` }));
    await nextMail(invitee, seen);
    await page.getByText('2 of 3 seats used').waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await visible(form);
    await checkAccessibility(page, 'new user dialog');
    await form.getByLabel('Full name').fill(created.name);
    await form.getByLabel('Email').fill(created.email);
    await form.getByLabel('Initial password').fill('Initial-Passw0rd-9');
    await form.getByLabel('Ask for a new password at first sign-in').uncheck();
    await form.getByRole('button', { name: 'Create user' }).click();
    await visible(page.getByRole('status').filter({ hasText: `${created.email} was created.` }));
    await visible(row(page, created.email));

    const invite = page.getByRole('button', { name: 'Invite user' });
    await page.getByText('3 of 3 seats used').waitFor();
    expect(await invite.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'New user' }).isDisabled()).toBe(true);
    expect(await description(invite)).toMatch(/All seats are taken/);
    await visible(page.getByText(/All seats are taken\. Deactivate or delete someone/));
    await checkAccessibility(page, 'users (at the seat limit)');
    await screenshot(page, 'users');
  });

  it('edits a role and shows the change', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: `Edit ${created.email}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${created.email}` });
    await visible(dialog);
    await checkAccessibility(page, 'edit dialog');
    await screenshot(page, 'edit-dialog');
    await dialog.getByLabel('Role', { exact: true }).selectOption('manager');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByRole('status').filter({ hasText: `${created.email} was updated.` }));
    await row(page, created.email).getByRole('cell', { name: 'Manager', exact: true }).waitFor();
  });

  it('resets a password, and the person must choose a new one at their next sign-in', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: `More actions for ${created.email}` }).click();
    await page.getByRole('button', { name: `Reset password ${created.email}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Reset password for ${created.email}` });
    await visible(dialog);
    await checkAccessibility(page, 'reset password dialog');
    await dialog.getByLabel('New password').fill('Reset-Passw0rd-77');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await visible(page.getByRole('status').filter({ hasText: `The password of ${created.email} was reset.` }));

    const { page: maya } = await kit.visitor();
    await signIn(maya, created.email, 'Reset-Passw0rd-77');
    await visible(maya.getByRole('heading', { name: 'Choose a new password' }));
    await checkAccessibility(maya, 'first-login new password');
    await screenshot(maya, 'new-password');
    await maya.getByLabel('New password', { exact: true }).fill('Mayas-Own-Passw0rd');
    await maya.getByLabel('Repeat the new password').fill('Mayas-Own-Passw0rd');
    await maya.getByRole('button', { name: 'Save password and continue' }).click();
    await visible(maya.getByRole('heading', { name: 'Users' }));
    // A manager sees the users but holds no users:create: no Invite, no row actions.
    await visible(row(maya, invitee));
    expect(await maya.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await maya.getByRole('button', { name: `Edit ${invitee}` }).count()).toBe(0);
    expect(await maya.getByRole('link', { name: 'Roles' }).count()).toBe(1);
  });

  it('deactivates after confirmation, and the seat is freed', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: `More actions for ${created.email}` }).click();
    await page.getByRole('button', { name: `Deactivate ${created.email}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Deactivate ${created.email}?` });
    await visible(confirm);
    await checkAccessibility(page, 'deactivate confirmation');
    await screenshot(page, 'deactivate-confirmation');
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await visible(page.getByRole('status').filter({ hasText: `${created.email}: deactivated.` }));
    await page.getByText('2 of 3 seats used').waitFor();
    await row(page, created.email).getByRole('cell', { name: 'Deactivated', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Invite user' }).isEnabled()).toBe(true);
  });

  it('filters by status with the filter in the URL', async () => {
    const page = ownerPage;
    await page.getByLabel('Status').selectOption('invited');
    await page.waitForURL(/status=invited/);
    await visible(row(page, invitee));
    await row(page, created.email).waitFor({ state: 'detached' });
    await page.reload();
    await visible(row(page, invitee));
    expect(await page.getByLabel('Status').inputValue()).toBe('invited');
    await page.getByLabel('Status').selectOption('');
    await visible(row(page, created.email));
    // Everyone here signed in (or was invited) today: nobody has been away 30 days.
    await page.getByLabel('Signed in').selectOption('30');
    await page.waitForURL(/inactiveDays=30/);
    await visible(page.getByText('No users match these filters.'));
    await page.getByLabel('Signed in').selectOption('');
    await visible(row(page, created.email));
  });
});

describe('the other console screens', () => {
  it('Roles: a custom role from the permission grid', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'Roles' }).click();
    await visible(page.getByRole('heading', { name: 'Roles', level: 1 }));
    await visible(page.getByRole('rowheader', { name: 'Administrator' }));
    await checkAccessibility(page, 'roles');
    await page.getByRole('button', { name: 'New role' }).click();
    const dialog = page.getByRole('dialog', { name: 'New role' });
    await visible(dialog);
    await dialog.getByLabel('Name').fill('Sales lead');
    await dialog.getByRole('checkbox', { name: 'contacts:view' }).check();
    await dialog.getByRole('checkbox', { name: 'campaigns:create' }).check();
    await checkAccessibility(page, 'role dialog (permission grid)');
    await screenshot(page, 'roles-grid');
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Role Sales lead was saved.' }));
    // Two permissions, as ticked in the grid.
    await row(page, 'Sales lead').getByRole('cell', { name: '2', exact: true }).waitFor();
  });

  it('Teams: a team with its strategy, capacity and members', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'Teams' }).click();
    await visible(page.getByRole('heading', { name: 'Teams', level: 1 }));
    await page.getByRole('button', { name: 'New team' }).click();
    const dialog = page.getByRole('dialog', { name: 'New team' });
    await dialog.getByLabel('Name').fill('Support EU');
    await dialog.getByLabel('Assignment strategy').selectOption('load_balanced');
    await dialog.getByLabel('Capacity per agent').fill('4');
    await checkAccessibility(page, 'team dialog');
    await dialog.getByRole('button', { name: 'Save team' }).click();
    await visible(row(page, 'Support EU'));
    await page.getByRole('button', { name: 'Open team Support EU' }).click();
    await visible(page.getByRole('heading', { name: 'Support EU' }));
    await page.getByLabel('Add a member to Support EU').selectOption({ label: `${owner.name} (${owner.email})` });
    await page.getByRole('button', { name: 'Add to team' }).click();
    const member = page
      .getByRole('table', { name: 'Members of Support EU' })
      .getByRole('row')
      .filter({ hasText: owner.email });
    await visible(member);
    expect(await member.getByRole('cell').allTextContents()).toContain('Online');
    await page.getByRole('button', { name: `Set away: ${owner.email}` }).click();
    await member.getByRole('cell', { name: 'Away' }).waitFor();
    await visible(page.getByText('No conversations are waiting for Support EU.'));

    // The inbox hands the team a conversation while nobody is online: it waits in the team's queue.
    const teamId = new URL(page.url()).searchParams.get('team');
    const conversation = `wa-${run}`;
    const assigned = await fetch(
      `${kit.gw.baseUrl}/v1/platform/tenants/${tenantId}/conversations/${conversation}/assignment`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
        body: JSON.stringify({ teamId }),
      },
    );
    expect(assigned.ok, await assigned.text()).toBe(true);
    await page.reload();
    const queue = page.getByRole('list', { name: 'Conversations waiting for Support EU, oldest first' });
    await visible(queue.getByText(`Conversation ${conversation}`, { exact: false }));
    await checkAccessibility(page, 'teams');
    await screenshot(page, 'teams');

    // Room appears (the member comes online): the queue drains to them at once.
    await page.getByRole('button', { name: `Set online: ${owner.email}` }).click();
    await member.getByRole('cell', { name: 'Online' }).waitFor();
    await visible(page.getByText('No conversations are waiting for Support EU.'));
  });

  it('Audit: events with people shown by name, filterable', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'Audit' }).click();
    await visible(page.getByRole('heading', { name: 'Audit', level: 1 }));
    const deactivated = page.getByRole('row').filter({ hasText: 'member.deactivated' });
    await visible(deactivated);
    // Who and to whom, by name (looked up per person once the page of events is in).
    await deactivated.getByRole('cell', { name: owner.name, exact: true }).waitFor();
    await deactivated.getByRole('cell', { name: created.name, exact: true }).waitFor();
    // The Action filter is a list of the actions in words, not free text (issue 18 item 13).
    const actions = page.getByLabel('Action');
    expect(await actions.evaluate((el) => el.tagName)).toBe('SELECT');
    await actions.selectOption({ label: 'Invited' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=member\.invited/);
    await page.getByRole('row').filter({ hasText: invitee }).waitFor();
    await page.getByRole('row').filter({ hasText: 'member.deactivated' }).waitFor({ state: 'detached' });
    await checkAccessibility(page, 'audit');
    await screenshot(page, 'audit');
  });

  it('My profile: availability, and the password and sign-out controls', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'My profile' }).click();
    await visible(page.getByRole('heading', { name: 'My profile' }));
    expect(await page.getByRole('radio', { name: /Online/ }).isChecked()).toBe(true);
    const away = page.getByRole('radio', { name: /Away/ });
    await away.check();
    await visible(page.getByRole('status').filter({ hasText: 'You are away.' }));
    await checkAccessibility(page, 'my profile');
    await screenshot(page, 'profile');
  });
});

/** Main's identity work (issue 10) brings change-password, sign-out and proof on accept together. */
const has = (path: string) => ROUTES.some((r) => r.path === path);
const identityContract = has('/v1/auth/change-password');

/** A tenant made by the platform whose owner invitation goes to `email`; the link from that mail. */
async function tenantFor(email: string, name: string): Promise<string> {
  const seen = await mailCount(email);
  const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
    body: JSON.stringify({ name, plan: 'starter', owner: { email, name: owner.name } }),
  });
  expect(res.status).toBe(201);
  return invitationLink(await nextMail(email, seen));
}

describe('an invitation for a login that already exists', () => {
  it('links with the session already open here, and the person can switch organisation', async () => {
    const second = `Second Co ${run}`;
    const link = await tenantFor(owner.email, second);
    const page = ownerPage;
    await page.goto(link);
    await visible(page.getByRole('heading', { name: `Join ${second}` }));
    await visible(page.getByText(`You are signed in as ${owner.email}.`));
    await checkAccessibility(page, 'accept invitation (signed in)');
    await page.getByRole('button', { name: `Join ${second}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(page.getByText(second, { exact: true }).first());

    await page.getByRole('link', { name: 'My profile' }).click();
    await page.getByRole('button', { name: `Switch to ${tenantName}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(row(page, created.email));
  });

  it('asks for that login’s password to link it, and then signs the person in', async () => {
    const third = `Third Co ${run}`;
    const link = await tenantFor(owner.email, third);
    const { page } = await kit.visitor();
    await page.goto(link);
    await visible(page.getByRole('heading', { name: `Join ${third}` }));
    await visible(page.getByText(`${owner.email} already has a Roster login.`, { exact: false }));
    await checkAccessibility(page, 'accept invitation (existing login)');
    await screenshot(page, 'accept-invitation-existing-login');
    if (identityContract) {
      // Proof before linking (DESIGN §2a rule 3): a wrong password links nothing.
      await page.getByLabel(`Password for ${owner.email}`).fill('Not-The-Passw0rd');
      await page.getByRole('button', { name: `Sign in and join ${third}` }).click();
      await visible(
        page.getByRole('alert').filter({ hasText: `That is not the password of the login ${owner.email}` }),
      );
    }
    await page.getByLabel(`Password for ${owner.email}`).fill(ownerPassword);
    await page.getByRole('button', { name: `Sign in and join ${third}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(page.getByText(third, { exact: true }).first());
    otherSession = page;
  });
});

describe('identity routes of the contract (change password, sign out)', () => {
  it('changes the password from My profile (or shows the API refusal where the route is missing)', async () => {
    const page = ownerPage;
    const next = 'Changed-Passw0rd-5';
    await page.getByRole('link', { name: 'My profile' }).click();
    await page.getByLabel('Current password').fill(ownerPassword);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat the new password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    if (identityContract) {
      await visible(page.getByRole('status').filter({ hasText: 'Your password was changed.' }));
      ownerPassword = next;
      // This tab goes on with its fresh tokens; every other session is refused on its next request (§2a rule 4).
      await page.getByRole('link', { name: 'Users' }).click();
      await visible(row(page, created.email));
      const other = otherSession as Page;
      await other.getByRole('link', { name: 'Audit' }).click();
      await visible(other.getByText('Your session has ended. Sign in again.'));
      await page.getByRole('link', { name: 'My profile' }).click();
    } else {
      await visible(page.getByRole('alert').filter({ hasText: 'No route matches /v1/auth/change-password.' }));
    }
  });

  it('signs out to the sign-in page', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Sign in to Roster' }));
    await visible(page.getByText('You are signed out.'));
    await page.goto('/users');
    await visible(page.getByRole('heading', { name: 'Sign in to Roster' }));
    // Sign-out ended the browser's session: its cookie is gone, and a new tab asks to sign in.
    expect((await page.context().cookies()).filter((c) => c.name === 'roster_refresh')).toEqual([]);
    const tab = await page.context().newPage();
    await tab.goto('/users');
    await visible(tab.getByRole('heading', { name: 'Sign in to Roster' }));
    await tab.close();
  });
});

describe('forgot password', () => {
  it('resets the password with the code from the email', async () => {
    const { page } = await kit.visitor();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await visible(page.getByRole('heading', { name: 'Forgot your password?' }));
    await checkAccessibility(page, 'forgot password');
    await page.getByLabel('Email').fill(owner.email);
    const seen = await mailCount(owner.email);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await visible(page.getByRole('heading', { name: 'Reset your password' }));
    await checkAccessibility(page, 'reset password with code');
    await screenshot(page, 'reset-password');

    const mail = await nextMail(owner.email, seen);
    expect(mail.subject).toMatch(/password/i);
    expect(mail.body.html).toContain('Roster');
    const code = /\b(\d{6})\b/.exec(mail.body.text ?? '')?.[1];
    expect(code, mail.body.text).toBeDefined();

    await page.getByLabel('Code from the email').fill(code as string);
    await page.getByLabel('New password', { exact: true }).fill('Recovered-Passw0rd-3');
    await page.getByLabel('Repeat the new password').fill('Recovered-Passw0rd-3');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await visible(page.getByText('Your password was changed. Sign in with your new password.'));
    expect(await page.getByLabel('Email').inputValue()).toBe(owner.email);
    await page.getByLabel('Password').fill('Recovered-Passw0rd-3');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A member of three organisations by now: the console asks which to open.
    await visible(page.getByRole('heading', { name: 'Choose an organisation' }));
    await checkAccessibility(page, 'choose an organisation');
    await page.getByRole('button', { name: `Open ${tenantName}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(row(page, created.email));
  });
});

describe('what the pages load', () => {
  it('comes only from Roster’s own origin, and no page broke its Content-Security-Policy', () => {
    expect(kit.requests.length).toBeGreaterThan(50);
    const elsewhere = kit.requests.filter((url) => !url.startsWith(`${kit.gw.baseUrl}/`) && !url.startsWith('data:'));
    expect(elsewhere).toEqual([]);
    expect(kit.cspViolations).toEqual([]);
  });
});
