/**
 * What a person sees, in real Chromium (issues 17 and 18): the hosted pages
 * with hostile query values still show their form; the row menu is hidden
 * until opened, lies over the table without stretching its row and closes
 * after an action and on Escape; dialogs are modal; rows are no taller than
 * their content; nothing overflows the viewport at 1280×800 or 390×844; names,
 * not ids; rights and seats follow changes made elsewhere without a reload; a
 * suspended person is told so; the forced password change refuses the
 * password an admin set and says what happened. Every screen is checked by
 * axe and compared, at both sizes, with its committed baseline (pixelmatch;
 * `npm run baselines` writes them again).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../e2e/client.ts';
import { HOSTILE } from '../support/hostile.ts';
import {
  changingText,
  checkAccessibility,
  horizontalOverflow,
  type Kit,
  matchesBaseline,
  overflowing,
  reportAccessibility,
  screenshot,
  startKit,
  visible,
} from './support.ts';

/* The page's own globals, used only inside page.evaluate callbacks (this project's types are Node's). */
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed loosely on purpose
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed loosely on purpose
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed loosely on purpose
declare const getComputedStyle: any;

const PASSWORD = 'Seen-Passw0rd-1';
const OWNER = { email: 'olga@seen.test', name: 'Olga Owner' };
const ANN = { email: 'ann@seen.test', name: 'Ann Manager', password: 'Ann-Passw0rd-11' };
const SAM = { email: 'sam@seen.test', name: 'Sam Sales', password: 'Sam-Passw0rd-22' };
const NINA = { email: 'nina@seen.test', name: 'Nina New', given: 'Given-Passw0rd-33' };
const TENANT = 'Seen Co';
const SIZES = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 390, height: 844 },
] as const;
/** A ULID as the API writes ids: what a person must never have to read. */
const ID = /\b[0-9a-hjkmnp-tv-z]{26}\b/i;

let kit: Kit;
let api: ReturnType<typeof client>;
let tenantId = '';
let ownerToken = '';
const ids: Record<'ann' | 'sam' | 'nina' | 'role' | 'team', string> = {} as never;
let owner: Page;

beforeAll(async () => {
  kit = await startKit();
  api = client(kit.gw);
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: TENANT, plan: 'scale', owner: { email: OWNER.email, name: OWNER.name } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tenantId = created.body.id;
  ownerToken = await api.acceptAndLogin(OWNER.email, OWNER.name, PASSWORD);
  const as = (method: string, path: string, body?: unknown) =>
    api.call(method, `/v1/tenants/${tenantId}${path}`, { token: ownerToken, body });
  const role = await as('POST', '/roles', { name: 'Sales lead', permissions: ['users:view', 'contacts:view'] });
  expect(role.status).toBe(201);
  ids.role = role.body.id;
  const team = await as('POST', '/teams', { name: 'Support EU', assignmentStrategy: 'load_balanced', capacity: 4 });
  expect(team.status).toBe(201);
  ids.team = team.body.id;
  const person = async (body: Record<string, unknown>) => {
    const res = await as('POST', '/users', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  ids.ann = await person({ ...ANN, role: 'manager', temporaryPassword: false });
  ids.sam = await person({
    email: SAM.email,
    name: SAM.name,
    password: SAM.password,
    role: 'custom',
    roleId: ids.role,
    temporaryPassword: false,
  });
  ids.nina = await person({ email: NINA.email, name: NINA.name, password: NINA.given, role: 'agent' });
  expect((await as('PUT', `/teams/${ids.team}/members/${ids.sam}`)).status).toBeLessThan(300);
});
afterAll(async () => {
  reportAccessibility('axe-results-seen');
  await kit?.close();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function visitor(size: { width: number; height: number } = SIZES[0]) {
  const { page } = await kit.visitor();
  await page.setViewportSize(size);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`a ${dialog.type()} opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, errors };
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

describe('hosted pages with hostile query values (issue 17)', () => {
  it('each page still shows its normal form, runs nothing and stays on this origin', async () => {
    const { page, errors } = await visitor();
    const pages: [string, string[], string][] = [
      ['/sign-in', ['notice', 'email', 'next'], 'Sign in to Roster'],
      ['/login', ['notice', 'email', 'next'], 'Sign in to Roster'],
      ['/new-password', ['notice', 'email', 'next'], 'Sign in to Roster'],
      ['/forgot-password', ['email'], 'Forgot your password?'],
      ['/reset-password', ['email'], 'Reset your password'],
      ['/accept-invitation', ['token'], 'This invitation link no longer works'],
    ];
    for (const [path, params, heading] of pages) {
      for (const value of HOSTILE.filter((v) => !['toString', 'hasOwnProperty', '//evil.example/x'].includes(v))) {
        const query = params.map((p) => `${p}=${encodeURIComponent(value)}`).join('&');
        await page.goto(`${path}?${query}`);
        await visible(page.getByRole('heading', { name: heading, level: 1 }));
        if (heading === 'Sign in to Roster') {
          await visible(page.getByRole('button', { name: 'Sign in' }));
          expect(await page.getByLabel('Email').inputValue()).toBe('');
        }
        expect(new URL(page.url()).origin).toBe(kit.gw.baseUrl);
        expect(await horizontalOverflow(page), `${path} ${value.slice(0, 20)}`).toBeLessThanOrEqual(0);
      }
    }
    // A hostile `next` after a real sign-in still lands in the console, on this origin.
    await page.goto(`/sign-in?next=${encodeURIComponent('/\\evil.example')}`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
    expect(new URL(page.url()).origin).toBe(kit.gw.baseUrl);
    expect(errors).toEqual([]);
  });
});

describe('the users screen as the owner sees it (issue 18 item 1)', () => {
  it('the row menu is hidden until opened, lies over the table, and closes on Escape and after an action', async () => {
    const { page, errors } = await visitor();
    owner = page;
    await signIn(page, OWNER.email, PASSWORD);
    await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
    // Member ids are login ids (random): an order by sign-in (never, then oldest first) is the same every run.
    await page.goto('/users?sort=lastLoginAt');
    const ann = row(page, ANN.email);
    await visible(ann);
    const suspend = page.getByRole('button', { name: `Suspend ${ANN.email}` });
    const more = page.getByRole('button', { name: `More actions for ${ANN.email}` });
    expect(await suspend.isVisible()).toBe(false);
    const closed = await ann.boundingBox();
    await more.click();
    await visible(suspend);
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    // The menu lies over the table: the row keeps its height and the menu sits under its button, in the window.
    const open = await ann.boundingBox();
    expect(open?.height).toBe(closed?.height);
    const button = await more.boundingBox();
    const menu = await suspend.boundingBox();
    expect(menu && button && menu.y >= button.y + button.height - 1).toBe(true);
    expect(menu && menu.x >= 0 && menu.x + menu.width <= 1280).toBe(true);
    // Above everything else on the page: what is under the menu's centre is the menu.
    const onTop = await suspend.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
    });
    expect(onTop).toBe(true);
    await matchesBaseline(page, 'users-row-menu-desktop', changingText(page));
    await screenshot(page, 'users-row-menu');

    await page.keyboard.press('Escape');
    await suspend.waitFor({ state: 'hidden' });
    expect(await more.evaluate((el) => el === document.activeElement)).toBe(true);

    await more.click();
    await suspend.click();
    const confirm = page.getByRole('alertdialog', { name: `Suspend ${ANN.email}?` });
    await visible(confirm);
    expect(await suspend.isVisible()).toBe(false);
    // Modal: the page behind is inert, and the dialog is the top layer.
    expect(await confirm.evaluate((el) => el.matches(':modal'))).toBe(true);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('no table row is taller than its content needs', async () => {
    const page = owner;
    const heights = await page
      .getByRole('table')
      .first()
      .evaluate((table) =>
        [...table.querySelectorAll('tbody tr')].map((tr) => {
          const cells = [...tr.querySelectorAll('td, th')];
          // What the tallest cell's content needs: its children's extent plus the cell's own padding.
          const needed = Math.max(
            ...cells.map((cell) => {
              const style = getComputedStyle(cell);
              const pad = Number.parseFloat(style.paddingTop) + Number.parseFloat(style.paddingBottom);
              const range = document.createRange();
              range.selectNodeContents(cell);
              return range.getBoundingClientRect().height + pad;
            }),
          );
          return { text: tr.textContent?.slice(0, 40), height: tr.getBoundingClientRect().height, needed };
        }),
      );
    expect(heights.length).toBeGreaterThanOrEqual(4);
    // A range measures glyph boxes, not whole line boxes: half a line of slack, far less than a stretched row.
    for (const h of heights) expect(h.height, h.text).toBeLessThanOrEqual(h.needed + 12);
  });
});

describe('names, not ids (issue 18 item 3)', () => {
  it('an agent with a custom role reads its name, and the audit log reads as words', async () => {
    const { page } = await visitor();
    await signIn(page, SAM.email, SAM.password);
    const sam = row(page, SAM.email);
    await visible(sam);
    await sam.getByRole('cell', { name: 'Sales lead', exact: true }).waitFor();
    expect(await page.getByRole('main').textContent()).not.toMatch(ID);

    await owner.getByRole('link', { name: 'Audit' }).click();
    await visible(owner.getByRole('heading', { name: 'Audit', level: 1 }));
    await visible(owner.getByRole('cell', { name: 'Role Sales lead' }).first());
    await owner.getByRole('cell', { name: SAM.name, exact: true }).first().waitFor();
    expect(await owner.getByRole('main').textContent()).not.toMatch(ID);
  });
});

describe('rights and seats stay current (issue 18 items 2 and 6)', () => {
  it('follow a role change, a new colleague and a suspension made elsewhere, without a reload', async () => {
    const { page } = await visitor();
    await signIn(page, ANN.email, ANN.password);
    await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
    await visible(page.getByRole('link', { name: 'Roles' }));
    const seats = page.getByText(/seats? used/).first();
    const before = await seats.textContent();
    const comeBack = () =>
      page.evaluate(() => {
        window.dispatchEvent(new Event('blur'));
        window.dispatchEvent(new Event('focus'));
      });
    const base = `/v1/tenants/${tenantId}/users`;
    // The owner makes Ann an agent and adds someone: Ann's console follows when she comes back to it.
    expect((await api.call('PATCH', `${base}/${ids.ann}`, { token: ownerToken, body: { role: 'agent' } })).status).toBe(
      200,
    );
    const extra = await api.call('POST', base, {
      token: ownerToken,
      body: {
        email: 'extra@seen.test',
        name: 'Extra Person',
        password: 'Extra-Passw0rd-4',
        role: 'agent',
        temporaryPassword: false,
      },
    });
    expect(extra.status).toBe(201);
    await comeBack();
    await page.getByRole('link', { name: 'Roles' }).waitFor({ state: 'detached' });
    await page
      .getByText(/seats? used/)
      .first()
      .filter({ hasNotText: before ?? '' })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Invite user' }).count()).toBe(0);

    // Suspended elsewhere: told so, in that organisation, and who can lift it.
    expect((await api.call('POST', `${base}/${ids.ann}/suspend`, { token: ownerToken })).status).toBe(200);
    await comeBack();
    // Suspension may end the session in this organisation: then signing in again tells the same.
    await page
      .getByText(/You are suspended in|Your session has ended/)
      .first()
      .waitFor();
    if (await page.getByRole('heading', { name: 'Sign in to Roster' }).isVisible()) {
      await page.getByLabel('Email').fill(ANN.email);
      await page.getByLabel('Password').fill(ANN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await visible(page.getByText(`You are suspended in ${TENANT}`, { exact: false }));
    await visible(page.getByText(`An administrator of ${TENANT}`, { exact: false }));
    await checkAccessibility(page, 'suspended person');
    expect((await api.call('POST', `${base}/${ids.ann}/reactivate`, { token: ownerToken })).status).toBe(200);
    expect((await api.call('DELETE', `${base}/${extra.body.id}`, { token: ownerToken })).status).toBe(204);
  });
});

describe('the forced password change (issue 18 item 4)', () => {
  it('says why it is asked, and refuses the password the admin set', async () => {
    const { page } = await visitor();
    await signIn(page, NINA.email, NINA.given);
    await visible(page.getByRole('heading', { name: 'Choose a new password' }));
    await visible(page.getByText('This is your first sign-in with the password you were given.', { exact: false }));
    await page.getByLabel('New password', { exact: true }).fill(NINA.given);
    await page.getByLabel('Repeat the new password').fill(NINA.given);
    await page.getByRole('button', { name: 'Save password and continue' }).click();
    await visible(page.getByText('Choose a password different from the one you were given.'));
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    // After an admin's reset, the page says that is what happened.
    const reset = await api.call('POST', `/v1/tenants/${tenantId}/users/${ids.nina}/reset-password`, {
      token: ownerToken,
      body: { password: 'Reset-Passw0rd-55' },
    });
    expect(reset.status).toBe(204);
    const again = await visitor();
    await signIn(again.page, NINA.email, 'Reset-Passw0rd-55');
    await visible(again.page.getByText('An administrator reset your password.', { exact: false }));
  });
});

describe('every screen, at 1280×800 and 390×844', () => {
  const hosted: [string, string, string][] = [
    ['sign-in', '/sign-in', 'Sign in to Roster'],
    ['forgot-password', '/forgot-password', 'Forgot your password?'],
    ['reset-password', '/reset-password', 'Reset your password'],
    ['dead-invitation', '/accept-invitation?token=gone', 'This invitation link no longer works'],
  ];
  const screens: [string, string, string][] = [
    ['users', '/users?sort=lastLoginAt', 'Users'],
    ['roles', '/roles', 'Roles'],
    ['teams', '/teams', 'Teams'],
    ['audit', '/audit', 'Audit'],
    ['access-review', '/access-review', 'Access review'],
    ['settings', '/settings', 'Organisation settings'],
    ['profile', '/profile', 'My profile'],
  ];

  for (const size of SIZES) {
    it(`${size.label}: laid out within the window, accessible, and as in its baseline`, async () => {
      const { page, errors } = await visitor(size);
      const check = async (name: string, mask: ReturnType<typeof changingText> = []) => {
        const over = await horizontalOverflow(page);
        if (over > 0)
          expect.fail(`${name} overflows the ${size.label} viewport by ${over}px: ${await overflowing(page)}`);
        await checkAccessibility(page, `${name} (${size.label})`);
        await matchesBaseline(page, `${name}-${size.label}`, [...changingText(page), ...mask]);
      };
      for (const [name, path, heading] of hosted) {
        await page.goto(path);
        await visible(page.getByRole('heading', { name: heading, level: 1 }));
        await check(name);
      }
      await signIn(page, OWNER.email, PASSWORD);
      await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
      for (const [name, path, heading] of screens) {
        await page.goto(path);
        await visible(page.getByRole('heading', { name: heading, level: 1 }));
        // Wait for the data (a table's rows or the screen's panels) rather than for time.
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        await page.evaluate(() => document.fonts.ready);
        // The review lists people by id (random per run): its rows are masked, its frame and layout compared.
        await check(name, name === 'access-review' ? [page.getByRole('table', { name: 'Access review' })] : []);
        if (size.label === 'desktop' && name === 'settings') await screenshot(page, 'settings');
      }
      // An open team: its members with availability and load, and its queue.
      await page.goto(`/teams?team=${ids.team}`);
      await visible(
        page.getByRole('table', { name: 'Members of Support EU' }).getByRole('cell', { name: SAM.email, exact: true }),
      );
      await visible(page.getByText('No conversations are waiting for Support EU.'));
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      await check('team-open');
      await page.goto('/users?sort=lastLoginAt');
      await page.getByRole('button', { name: 'Invite user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Invite user' });
      await visible(dialog);
      expect(await dialog.evaluate((el) => el.matches(':modal'))).toBe(true);
      await check('invite-dialog');
      // Its extra permissions, in words, the role's own ticked and greyed, an end date per grant.
      await dialog.getByText('Extra permissions').click();
      await dialog.getByLabel('Change tenant settings').check();
      await visible(dialog.getByLabel('Until (Change tenant settings)'));
      expect(await dialog.getByText('Included in Agent').count()).toBeGreaterThan(0);
      await check('invite-dialog-permissions');
      expect(errors).toEqual([]);
    });
  }
});

describe('the Teams screen (issue 18 item 8)', () => {
  it('a manager reads availability and load, is offered only what the API allows, assigns by hand; a delete says what it does', async () => {
    const as = (method: string, path: string, body?: unknown) =>
      api.call(method, `/v1/tenants/${tenantId}${path}`, { token: ownerToken, body });
    // Last in the file, so its audit entries and sign-ins never reach the screens compared above; Ann is a manager again.
    expect((await as('PATCH', `/users/${ids.ann}`, { role: 'manager' })).status).toBe(200);
    const desk = await as('POST', '/teams', { name: 'Front desk', assignmentStrategy: 'manual', capacity: 2 });
    expect(desk.status).toBe(201);
    const deskId = desk.body.id as string;
    for (const id of [ids.nina, ids.ann]) expect((await as('PUT', `/teams/${deskId}/members/${id}`)).status).toBe(200);
    const ownerId = (await as('GET', '/me')).body.id as string;
    expect((await as('PUT', `/teams/${deskId}/members/${ownerId}`)).status).toBe(200);
    const invited = await as('POST', '/invitations', { email: 'ivy@seen.test', role: 'agent', teamIds: [deskId] });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const conversation = 'desk-1';
    const queued = await as('PUT', `/conversations/${conversation}/assignment`, { teamId: deskId });
    expect(queued.body).toMatchObject({ status: 'queued' });

    const { page, errors } = await visitor();
    await signIn(page, ANN.email, ANN.password);
    await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
    await page.goto(`/teams?team=${deskId}`);
    const members = page.getByRole('table', { name: 'Members of Front desk' });
    await visible(members.getByRole('cell', { name: 'ivy@seen.test', exact: true }));
    const memberRow = (email: string) => members.getByRole('row').filter({ hasText: email });
    // Invited: no availability, no load, no toggle.
    await visible(memberRow('ivy@seen.test').getByText('No conversations (invited)'));
    expect(await memberRow('ivy@seen.test').getByRole('button', { name: /^Set / }).count()).toBe(0);
    // Nina (an agent Ann dominates): online, her load against the capacity, a toggle.
    await visible(memberRow(NINA.email).getByRole('cell', { name: '0 of 2', exact: true }));
    await visible(memberRow(NINA.email).getByRole('button', { name: `Set away: ${NINA.email}` }));
    // The owner (an admin): shown, but no control a manager's request would fail on.
    await visible(memberRow(OWNER.email).getByText('Online'));
    expect(await memberRow(OWNER.email).getByRole('button', { name: /^Set / }).count()).toBe(0);

    // The manual team's queue: assigned by hand.
    const queue = page.getByRole('list', { name: 'Conversations waiting for Front desk, oldest first' });
    await visible(queue.getByText(/this team assigns by hand/));
    await checkAccessibility(page, 'team with its queue (manager)');
    await queue.getByLabel(`Assign ${conversation} to`).selectOption({ label: `${NINA.name} — online, 0 of 2` });
    await queue.getByRole('button', { name: `Assign ${conversation}` }).click();
    await visible(
      page.getByRole('status').filter({ hasText: `Conversation ${conversation} was assigned to ${NINA.name}.` }),
    );
    await visible(page.getByText('No conversations are waiting for Front desk.'));
    await visible(memberRow(NINA.email).getByRole('cell', { name: '1 of 2', exact: true }));
    const held = await as('GET', `/conversations/${conversation}/assignment`);
    expect(held.body).toMatchObject({ assigneeId: ids.nina, status: 'assigned' });

    // Delete while it holds a conversation: the dialog says why not, and offers no delete.
    await page.getByRole('button', { name: 'Delete team Front desk' }).click();
    const refusal = page.getByRole('alertdialog', { name: 'Delete team Front desk?' });
    await visible(refusal.getByText(/still holds 1 conversation assigned through it/));
    expect(await refusal.getByRole('button', { name: /delete/i }).count()).toBe(0);
    await checkAccessibility(page, 'team delete refused');
    await refusal.getByRole('button', { name: 'Close' }).click();
    await refusal.waitFor({ state: 'detached' });

    // Resolved, the team still has members: the confirmation says they are taken out first, and it is so.
    expect((await as('POST', `/conversations/${conversation}/resolve`)).status).toBeLessThan(300);
    await page.reload();
    await page.getByRole('button', { name: 'Delete team Front desk' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete team Front desk?' });
    await visible(confirm.getByText(/Its 4 members will be taken out of Front desk first/));
    await confirm.getByRole('button', { name: 'Remove 4 members and delete' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Team Front desk was deleted.' }));
    expect((await as('GET', `/teams/${deskId}`)).status).toBe(404);
    expect((await as('DELETE', `/users/${invited.body.id}`)).status).toBe(204);
    expect(errors).toEqual([]);
  });
});
