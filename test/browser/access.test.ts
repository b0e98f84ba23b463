/**
 * Access over time in real Chromium, by role, label and text only: the owner
 * and then a colleague join from their invitation mails opened on SES local's
 * own page; Previous and Next through the users (filters kept); the inactive
 * badge; the access review, paged, and its CSV download parsed back and
 * matched with the table; working hours in My profile and on a team's member
 * list. axe-core checks every new screen.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { recordLogin } from '../../lib/store/logins.ts';
import { insertMember } from '../../lib/store/members.ts';
import { localStack } from '../support/local-stack.ts';
import {
  checkAccessibility,
  followMailLink,
  type Kit,
  reportAccessibility,
  screenshot,
  startKit,
  visible,
} from './support.ts';

const PASSWORD = 'Access-Passw0rd-7';
const run = Math.random().toString(36).slice(2, 8);
const owner = { email: `rita-${run}@browser.test`, name: 'Rita Reviewer' };
const colleague = { email: `colin-${run}@browser.test`, name: 'Colin Colleague' };
const tenantName = `Access Co ${run}`;
/** More people than one page of the users list and of the review (25 each). */
const SEEDED = 30;
const DAY = 86_400_000;

let kit: Kit;
let ownerPage: Page;
let tenantId = '';
const idle = `idle-${run}@browser.test`;
/** Holds a timed grant (campaigns:create for a campaign); seeded ids sort by email, so she is on the review's first page. */
const timed = `carla-${run}@browser.test`;
const timedUntil = new Date(Date.now() + 30 * DAY).toISOString();

beforeAll(async () => {
  kit = await startKit();
});
afterAll(async () => {
  reportAccessibility('axe-results-access');
  await kit?.close();
});

const row = (scope: Page | Locator, email: string) => scope.getByRole('row').filter({ hasText: email });
/** The row headers (names) the page shows; a list keeps the previous page on screen until the next one arrives. */
const names = (page: Page) => page.getByRole('rowheader').allTextContents();

/** A member written to the store with a past (as test/e2e/access.test.ts does): created and signed in days ago. */
async function seed(
  email: string,
  options: {
    name?: string;
    createdDaysAgo: number;
    signedInDaysAgo?: number;
    grants?: unknown[];
    status?: MemberRecord['status'];
  },
) {
  const at = new Date(Date.now() - options.createdDaysAgo * DAY).toISOString();
  const member: MemberRecord = {
    tenantId,
    id: `seed-${email.split('@')[0]}`,
    email,
    name: options.name ?? `Seed ${email.split('@')[0]}`,
    status: options.status ?? 'active',
    role: 'agent',
    grants: (options.grants ?? []) as MemberRecord['grants'],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await insertMember({ member, actor: { type: 'platform', id: 'browser-seed' }, action: 'member.created' });
  if (options.signedInDaysAgo !== undefined) {
    expect(await recordLogin(member.id, new Date(Date.now() - options.signedInDaysAgo * DAY).toISOString())).toBe(1);
  }
}

describe('joining from the mail, on the SES page itself', () => {
  it('the owner opens the invitation on the SES page, follows its link and joins', async () => {
    const res = await fetch(`${kit.gw.baseUrl}/v1/platform/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-platform-key': kit.gw.platformKey },
      body: JSON.stringify({ name: tenantName, plan: 'enterprise', owner }),
    });
    expect(res.status).toBe(201);
    tenantId = ((await res.json()) as { id: string }).id;

    const { context } = await kit.visitor();
    const { page } = await followMailLink(context, {
      to: owner.email,
      subject: `invited you to ${tenantName}`,
      link: 'Accept the invitation',
    });
    expect(new URL(page.url()).pathname).toBe('/accept-invitation');
    await visible(page.getByRole('heading', { name: `Join ${tenantName}` }));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: `Create login and join ${tenantName}` }).click();
    await visible(page.getByRole('heading', { name: 'Users' }));
    await visible(row(page, owner.email));
    ownerPage = page;
  });

  it('the owner invites a colleague, who opens that mail on the SES page, clicks the link and joins', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.getByLabel('Name (optional)').fill(colleague.name);
    await dialog.getByLabel('Email').fill(colleague.email);
    await dialog.getByLabel('Role', { exact: true }).selectOption('agent');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await visible(page.getByRole('status').filter({ hasText: `Invitation sent to ${colleague.email}.` }));

    // The colleague, in their own browser.
    const { context } = await kit.visitor();
    const { inbox, page: accept } = await followMailLink(context, {
      to: colleague.email,
      subject: `${owner.name} invited you to ${tenantName}`,
      link: 'Accept the invitation',
    });
    await screenshot(inbox, 'ses-invitation-mail');
    await visible(accept.getByRole('heading', { name: `Join ${tenantName}` }));
    expect(await accept.getByRole('definition').allTextContents()).toEqual(
      expect.arrayContaining([tenantName, owner.name, 'Agent', colleague.email]),
    );
    expect(await accept.getByLabel('Your name').inputValue()).toBe(colleague.name);
    await accept.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await accept.getByLabel('Repeat the password').fill(PASSWORD);
    await accept.getByRole('button', { name: `Create login and join ${tenantName}` }).click();
    // An agent sees the users (users:view) and no Invite.
    await visible(accept.getByRole('heading', { name: 'Users' }));
    await visible(accept.getByText(colleague.email, { exact: true }).first());
    expect(await accept.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await accept.getByRole('link', { name: 'Access review' }).count()).toBe(0);

    await page.reload();
    await row(page, colleague.email).getByRole('cell', { name: 'Active', exact: true }).waitFor();
  });
});

describe('users over several pages', () => {
  beforeAll(async () => {
    await seed(idle, { name: 'Ivan Idle', createdDaysAgo: 400, signedInDaysAgo: 200 });
    await seed(timed, {
      name: 'Carla Campaign',
      createdDaysAgo: 10,
      signedInDaysAgo: 1,
      grants: [{ permission: 'campaigns:create', expiresAt: timedUntil }],
    });
    for (let i = 0; i < SEEDED - 2; i += 1) {
      await seed(`seed${String(i).padStart(2, '0')}-${run}@browser.test`, { createdDaysAgo: 5 });
    }
  });

  it('Next and Previous page keep the filters; a reload keeps the way back', async () => {
    const page = ownerPage;
    await page.getByLabel('Status').selectOption('active');
    await page.waitForURL(/status=active/);
    const pager = page.getByRole('navigation', { name: 'Pages of users' });
    await visible(pager.getByText('Page 1'));
    // 32 people: the owner, the colleague and 30 seeded; all active.
    await expect.poll(async () => (await names(page)).length).toBe(25);
    const firstPage = await names(page);

    await pager.getByRole('button', { name: 'Next page' }).click();
    await visible(pager.getByText('Page 2'));
    await expect.poll(async () => (await names(page)).length).toBe(7);
    const url = new URL(page.url());
    expect(url.searchParams.get('status')).toBe('active');
    expect(url.searchParams.get('cursor')).toBeTruthy();
    expect((await names(page)).some((name) => firstPage.includes(name))).toBe(false);
    expect(await pager.getByRole('button', { name: 'Next page' }).count()).toBe(0);
    await checkAccessibility(page, 'users (page 2)');

    await page.reload();
    await visible(pager.getByText('Page 2'));
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await visible(pager.getByText('Page 1'));
    await expect.poll(() => names(page)).toEqual(firstPage);
    expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
    expect(new URL(page.url()).searchParams.get('status')).toBe('active');
    expect(await pager.getByRole('button', { name: 'Previous page' }).count()).toBe(0);
  });

  it('flags someone without a sign-in for 30 days or more: “Inactive since …”', async () => {
    const page = ownerPage;
    await page.getByLabel('Signed in').selectOption('90');
    await page.waitForURL(/inactiveDays=90/);
    await expect.poll(() => page.getByRole('rowheader').count()).toBe(1);
    await visible(row(page, idle));
    await visible(row(page, idle).getByText(/^Inactive since /));
    await checkAccessibility(page, 'users (inactive for 90 days)');
    await screenshot(page, 'users-inactive');
    // Signed in a day ago: no badge.
    await page.getByLabel('Signed in').selectOption('');
    await page.getByLabel('Search').fill(timed);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('rowheader').count()).toBe(1);
    await visible(row(page, timed));
    expect(
      await row(page, timed)
        .getByText(/Inactive since/)
        .count(),
    ).toBe(0);
    // Any word of the name finds a person: the surname, in any case (issue 18 item 12).
    await page.getByLabel('Search').fill('COLLEAGUE');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => names(page)).toEqual([colleague.name]);
    await visible(row(page, colleague.email));
    // And any word of the address.
    await page.getByLabel('Search').fill(`${run} browser`);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('rowheader').count()).toBeGreaterThan(2);
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Status').selectOption('');
  });
});

/** The access review's rows on the page shown, by email: cell texts, and the listed permissions and grants. */
async function reviewRows(page: Page) {
  const table = page.getByRole('table', { name: 'Access review' });
  const rows = new Map<string, { cells: string[]; permissions: string[]; grants: string[] }>();
  for (const tr of await table.getByRole('row').all()) {
    const cells = await tr.getByRole('cell').allTextContents();
    const email = cells[0];
    if (!email || cells.length < 10) continue;
    const permissions = await tr
      .getByRole('list', { name: `Effective permissions of ${email}`, includeHidden: true })
      .getByRole('listitem', { includeHidden: true })
      .allTextContents();
    const grants = (await tr.getByRole('list', { name: `Extra grants of ${email}` }).count())
      ? await tr
          .getByRole('list', { name: `Extra grants of ${email}` })
          .getByRole('listitem')
          .allTextContents()
      : [];
    rows.set(email, { cells, permissions, grants });
  }
  return rows;
}

const ROLES: Record<string, string> = { admin: 'Administrator', manager: 'Manager', agent: 'Agent', custom: 'Custom' };

/** People who cannot sign in: the review says they have no access (issue 18 item 9). */
const GONE = 2;

describe('the access review', () => {
  beforeAll(async () => {
    for (let i = 0; i < GONE; i += 1) {
      await seed(`gone${i}-${run}@browser.test`, { createdDaysAgo: 50, status: 'deactivated' });
    }
  });

  it('lists everyone’s access over pages, and the CSV download holds the same rows', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'Access review' }).click();
    await visible(page.getByRole('heading', { name: 'Access review', level: 1 }));
    await expect.poll(async () => (await names(page)).length).toBe(25);
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).toEqual([
      'Name',
      'Email',
      'Status',
      'Role',
      'Role template',
      'Effective permissions',
      'Extra grants',
      'CRM access',
      'Teams',
      'Last login',
      'Inactive since',
    ]);
    // A row's permissions open from its summary.
    await row(page, timed)
      .getByText(/^\d+ permissions/)
      .click();
    await visible(page.getByRole('list', { name: `Effective permissions of ${timed}` }).getByText('campaigns:create'));
    await checkAccessibility(page, 'access review');
    await screenshot(page, 'access-review');

    const shown = await reviewRows(page);
    const pager = page.getByRole('navigation', { name: 'Pages of the access review' });
    expect(shown.size).toBe(25);
    await pager.getByRole('button', { name: 'Next page' }).click();
    await visible(pager.getByText('Page 2'));
    await expect.poll(async () => (await names(page)).length).toBe(SEEDED + 2 + GONE - 25);
    for (const [email, cells] of await reviewRows(page)) shown.set(email, cells);
    expect(shown.size).toBe(SEEDED + 2 + GONE);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^access-review-${tenantId}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    await visible(page.getByRole('status').filter({ hasText: `Downloaded ${download.suggestedFilename()}.` }));
    const csv = await readFile(await download.path(), 'utf8');
    const records = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(records.map((r) => r.email).sort()).toEqual([...shown.keys()].sort());
    for (const record of records) {
      const { cells, permissions, grants } = shown.get(record.email as string) ?? {
        cells: [],
        permissions: [],
        grants: [],
      };
      const [, status, role, , , , crm] = cells;
      expect(status?.toLowerCase(), record.email).toBe(record.status);
      expect(role, record.email).toBe(ROLES[record.role as string]);
      expect(crm, record.email).toBe(record.crmAccess === 'true' ? 'Yes' : 'No');
      expect(permissions, record.email).toEqual(record.permissions ? record.permissions.split(' ') : []);
      expect(
        grants.map((g) => g.split(' ')[0]),
        record.email,
      ).toEqual(record.grants ? record.grants.split('; ').map((g) => g.split(' ')[0]) : []);
    }
    // Signed in 200 days ago: flagged.
    expect(shown.get(idle)?.cells[9]).toMatch(/Inactive$/);
    // Signed in moments ago: not "inactive since" today, just a dash (issue 18 item 9).
    expect(shown.get(owner.email)?.cells[9]).toBe('—');
    // Whoever cannot sign in or act reads "No access", not a count of their role's permissions.
    const without = records.filter((r) => r.status !== 'active');
    expect(without.length).toBe(GONE);
    for (const r of without) expect(shown.get(r.email as string)?.cells[4], r.email).toBe('No access');
    // The timed grant: until when, in the file and on the screen.
    const timedRecord = records.find((r) => r.email === timed);
    expect(timedRecord?.grants).toBe(`campaigns:create until ${timedUntil}`);
    expect(shown.get(timed)?.grants).toEqual([expect.stringMatching(/^campaigns:create until /)]);
    expect(shown.get(timed)?.permissions).toContain('campaigns:create');
  });
});

/**
 * A time zone whose clock is now outside Monday to Friday 07:00–19:00, so that
 * office hours (09:00–17:00) there leave "now" outside them, with margin.
 * Zones around the globe: at any instant some are at night or at the weekend.
 */
function zoneAfterHours(): string {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'America/Los_Angeles',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Australia/Sydney',
    'Pacific/Auckland',
    'America/Sao_Paulo',
  ];
  const zone = zones.find((timeZone) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' })
        .formatToParts(new Date())
        .map((p) => [p.type, p.value]),
    );
    const hour = Number(parts.hour);
    return parts.weekday === 'Sat' || parts.weekday === 'Sun' || hour < 7 || hour >= 19;
  });
  if (!zone) throw new Error('every zone is within office hours right now');
  return zone;
}

describe('working hours', () => {
  const zone = zoneAfterHours();
  const summary = `Mon–Thu 09:00–17:00; Fri 09:00–13:00 (${zone})`;

  it('set in My profile, in my own time zone: outside them I am away for new conversations', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'My profile' }).click();
    await visible(page.getByRole('heading', { name: 'Working hours' }));
    await visible(page.getByText('No working hours: you get new conversations whenever you are online.'));
    const form = page.getByRole('form', { name: 'Working hours' });
    await form.getByLabel('Time zone').selectOption(zone);
    await form.getByRole('button', { name: 'Fill in Monday to Friday, 09:00–17:00' }).click();
    // Fridays end early; a Saturday added by mistake is removed again.
    await form.getByLabel('Friday to').fill('13:00');
    await form.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await form.getByRole('button', { name: 'Remove Saturday 09:00–17:00' }).click();
    await form.getByRole('button', { name: 'Save working hours' }).click();
    await visible(form.getByRole('status').filter({ hasText: 'Your working hours were saved.' }));
    await visible(page.getByText(summary));
    await visible(page.getByText('Online, but away now: outside working hours'));
    // My choice is untouched.
    expect(await page.getByRole('radio', { name: /Online/ }).isChecked()).toBe(true);
    await checkAccessibility(page, 'my profile (working hours)');
    await page.getByRole('heading', { name: 'Working hours' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'working-hours');
  });

  it('shows on a team’s member list: the choice, the effective availability and the hours', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('button', { name: 'New team' }).click();
    const dialog = page.getByRole('dialog', { name: 'New team' });
    await dialog.getByLabel('Name').fill('Night shift');
    await dialog.getByRole('button', { name: 'Save team' }).click();
    await page.getByRole('button', { name: 'Open team Night shift' }).click();
    await page.getByLabel('Add a member to Night shift').selectOption({ label: `${owner.name} (${owner.email})` });
    await page.getByRole('button', { name: 'Add to team' }).click();
    await page
      .getByLabel('Add a member to Night shift')
      .selectOption({ label: `${colleague.name} (${colleague.email})` });
    await page.getByRole('button', { name: 'Add to team' }).click();
    const members = page.getByRole('table', { name: 'Members of Night shift' });
    await row(members, owner.email)
      .getByRole('cell', { name: 'Online, but away now: outside working hours' })
      .waitFor();
    await row(members, owner.email).getByRole('cell', { name: summary, exact: true }).waitFor();
    await row(members, colleague.email).getByRole('cell', { name: 'Online', exact: true }).waitFor();
    await row(members, colleague.email).getByRole('cell', { name: 'None', exact: true }).waitFor();
    await checkAccessibility(page, 'teams (working hours)');
    await screenshot(page, 'team-working-hours');
  });

  it('removed in My profile: online again', async () => {
    const page = ownerPage;
    await page.getByRole('link', { name: 'My profile' }).click();
    await page.getByRole('button', { name: 'Remove working hours' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Your working hours were removed' }));
    await visible(page.getByText('No working hours: you get new conversations whenever you are online.'));
    await visible(page.getByText('Right now: Online'));
  });
});

describe('what the pages load', () => {
  it('comes only from Roster’s own origin (and the SES page’s), and no page broke its Content-Security-Policy', () => {
    const ses = new URL(localStack().urls.ses).origin;
    const elsewhere = kit.requests.filter(
      (url) => !url.startsWith(`${kit.gw.baseUrl}/`) && !url.startsWith(`${ses}/`) && !url.startsWith('data:'),
    );
    expect(elsewhere).toEqual([]);
    expect(kit.cspViolations).toEqual([]);
  });
});
