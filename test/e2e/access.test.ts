/**
 * Access that stays right over time, over HTTP: the inactive filter and the
 * sort by last sign-in, the access review as JSON and as CSV (parsed back by
 * csv-parse and matched to the JSON), the auto-suspension setting, a
 * time-limited grant refused on the very next request after it ends, and
 * working hours that make a member effectively away — for the member view and
 * for the team strategy's pick.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { REVIEW_COLUMNS, type ReviewRow } from '../../lib/domain/review.ts';
import { recordLogin } from '../../lib/store/logins.ts';
import { insertMember } from '../../lib/store/members.ts';
import { assertConformance } from '../support/conformance.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerEmail: string; ownerToken: string };
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('enterprise', 'access');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const base = () => `/v1/tenants/${t.tenantId}`;

/** A member written straight to the store with a past: created `createdDaysAgo`, last signed in `signedInDaysAgo`. */
async function seeded(
  label: string,
  createdDaysAgo: number,
  signedInDaysAgo?: number,
  status: 'active' | 'suspended' = 'active',
) {
  const id = `seed-${label}-${unique()}`;
  const at = ago(createdDaysAgo);
  const member: MemberRecord = {
    tenantId: t.tenantId,
    id,
    email: `${id}@e2e.test`,
    name: `Seed ${label}`,
    status,
    role: 'agent',
    grants: [],
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
  await insertMember({ member, actor: { type: 'platform', id: 'e2e-seed' }, action: 'member.created' });
  if (signedInDaysAgo !== undefined) expect(await recordLogin(id, ago(signedInDaysAgo))).toBe(1);
  return id;
}

/** Every page of a list, following nextCursor. */
async function all(path: string, token = t.ownerToken): Promise<{ id: string; inactiveSince: string }[]> {
  const items: { id: string; inactiveSince: string }[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.call('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('inactive members', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ids.never200 = await seeded('never200', 200);
    ids.signed50 = await seeded('signed50', 200, 50);
    ids.signed5 = await seeded('signed5', 200, 5);
    ids.never2 = await seeded('never2', 2);
    ids.suspended80 = await seeded('suspended80', 300, 80, 'suspended');
  });

  it('filters by days without a sign-in — never signed in counts from joining — least recent first', async () => {
    const found = await all(`${base()}/users?inactiveDays=30&limit=1`);
    expect(found.map((m) => m.id)).toEqual([ids.never200, ids.suspended80, ids.signed50]);
    const [never, , signed] = found;
    // Never signed in: since they joined, 200 days ago.
    expect(Math.abs(Date.parse(never?.inactiveSince ?? '') - (Date.now() - 200 * DAY))).toBeLessThan(60_000);
    expect(Date.parse(signed?.inactiveSince ?? '')).toBeLessThan(Date.now() - 49 * DAY);
    // With another filter, in the same one query per page.
    expect((await all(`${base()}/users?inactiveDays=30&status=active`)).map((m) => m.id)).toEqual([
      ids.never200,
      ids.signed50,
    ]);
    expect((await all(`${base()}/users?inactiveDays=100`)).map((m) => m.id)).toEqual([ids.never200]);
  });

  it('sorts by last sign-in: never signed in first (by when they joined), then oldest sign-in; or the reverse', async () => {
    const ascending = (await all(`${base()}/users?sort=lastLoginAt&limit=2`)).map((m) => m.id);
    // The owner signed in just now; everyone else was seeded.
    expect(ascending).toEqual([ids.never200, ids.never2, ids.suspended80, ids.signed50, ids.signed5, t.ownerId]);
    const descending = (await all(`${base()}/users?sort=-lastLoginAt&limit=4`)).map((m) => m.id);
    expect(descending).toEqual([...ascending].reverse());
  });

  it('shows since when in the member view, and refuses bad filters and a cursor of another sort', async () => {
    const one = await api.call('GET', `${base()}/users/${ids.signed50}`, { token: t.ownerToken });
    expect(one.body.inactiveSince).toBe(one.body.lastLoginAt);
    for (const query of ['inactiveDays=0', 'inactiveDays=3651', 'inactiveDays=two', 'sort=name']) {
      const res = await api.call('GET', `${base()}/users?${query}`, { token: t.ownerToken });
      expect(res.status, query).toBe(400);
    }
    const page = await api.call('GET', `${base()}/users?sort=lastLoginAt&limit=1`, { token: t.ownerToken });
    const reused = await api.call('GET', `${base()}/users?sort=-lastLoginAt&cursor=${page.body.nextCursor}`, {
      token: t.ownerToken,
    });
    expect(reused.status).toBe(400);
  });
});

describe('the auto-suspension setting', () => {
  it('is set and cleared with settings:manage, shown on the tenant, and refused without it', async () => {
    const set = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: 90 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.autoSuspendInactiveDays).toBe(90);
    expect((await api.call('GET', base(), { token: t.ownerToken })).body.autoSuspendInactiveDays).toBe(90);
    for (const bad of [0, -1, 3651, 1.5, '90']) {
      const res = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: bad } });
      expect(res.status, String(bad)).toBe(400);
    }
    const audit = await api.call('GET', `${base()}/audit-events?action=tenant.updated`, { token: t.ownerToken });
    expect(audit.body.items[0]).toMatchObject({
      before: { autoSuspendInactiveDays: null },
      after: { autoSuspendInactiveDays: 90 },
    });
    const off = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: null } });
    expect(off.body.autoSuspendInactiveDays).toBeNull();
  });
});

describe('a person', () => {
  /** Invites, accepts and signs in someone with `role`; returns their id and token. */
  async function join(role: string, body: Record<string, unknown> = {}) {
    const email = `${role}-${unique()}@e2e.test`;
    const invited = await api.call('POST', `${base()}/invitations`, {
      token: t.ownerToken,
      body: { email, role, name: `${role} ${unique()}`, ...body },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    return { id: invited.body.id as string, email, token: await api.acceptAndLogin(email, `${role} person`, PASSWORD) };
  }

  it('loses a time-limited grant on the very next request after it ends — no job, no sign-in', async () => {
    const agent = await join('agent');
    const expiresAt = new Date(Date.now() + 4000).toISOString();
    const granted = await api.call('PATCH', `${base()}/users/${agent.id}`, {
      token: t.ownerToken,
      body: { grants: [{ permission: 'audit:view', expiresAt: expiresAt.replace('Z', '+00:00') }, 'analytics:view'] },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(granted.body.grants).toEqual([{ permission: 'audit:view', expiresAt }, 'analytics:view']);

    const before = await api.call('GET', `${base()}/audit-events?limit=1`, { token: agent.token });
    expect(before.status).toBe(200);
    // The check above ran before the grant ended (else this test would prove nothing).
    expect(Date.now()).toBeLessThan(Date.parse(expiresAt));
    await vi.waitUntil(() => Date.now() > Date.parse(expiresAt), { timeout: 10_000, interval: 50 });

    const after = await api.call('GET', `${base()}/audit-events?limit=1`, { token: agent.token });
    expect(after.status).toBe(403);
    expect(after.body.detail).toContain('audit:view');
    const me = await api.call('GET', `${base()}/me`, { token: agent.token });
    expect(me.body.permissions).not.toContain('audit:view');
    expect(me.body.permissions).toContain('analytics:view');
    expect(me.body.grants).toEqual(['analytics:view']);
  });

  it('cannot give a permission they hold until a moment for longer than that', async () => {
    const until = new Date(Date.now() + 7 * DAY).toISOString();
    const manager = await join('manager', { grants: [{ permission: 'users:create', expiresAt: until }] });
    const forever = await api.call('POST', `${base()}/invitations`, {
      token: manager.token,
      body: { email: `x-${unique()}@e2e.test`, role: 'agent', grants: ['users:create'] },
    });
    expect(forever.status).toBe(403);
    expect(forever.body.detail).toContain(`users:create only until ${until}`);
    const within = await api.call('POST', `${base()}/invitations`, {
      token: manager.token,
      body: {
        email: `y-${unique()}@e2e.test`,
        role: 'agent',
        grants: [{ permission: 'users:create', expiresAt: until }],
      },
    });
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    const past = await api.call('PATCH', `${base()}/users/${within.body.id}`, {
      token: t.ownerToken,
      body: { grants: [{ permission: 'billing:view', expiresAt: ago(1) }] },
    });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].path).toBe('body.grants');
  });

  it('sets working hours (self, or teams:manage), seen as effective availability without touching the choice', async () => {
    const agent = await join('agent');
    const other = await join('agent');
    const hours = (path: string) => `${base()}/users/${path}/working-hours`;
    const always = {
      timeZone: 'europe/berlin',
      weekly: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day, from: '00:00', to: '24:00' })),
    };
    const set = await api.call('PUT', hours(agent.id), { token: agent.token, body: always });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ availability: 'online', effectiveAvailability: 'online' });
    expect(set.body.workingHours.timeZone).toBe('Europe/Berlin');

    // No hours at all this week: effectively away, the choice still `online`.
    const never = await api.call('PUT', hours(agent.id), {
      token: agent.token,
      body: { timeZone: 'America/New_York', weekly: [] },
    });
    expect(never.body).toMatchObject({ availability: 'online', effectiveAvailability: 'away' });
    // Someone else's hours need teams:manage.
    expect((await api.call('PUT', hours(agent.id), { token: other.token, body: always })).status).toBe(403);
    const bad = await api.call('PUT', hours(agent.id), {
      token: agent.token,
      body: { timeZone: 'Mars/Base', weekly: [{ day: 'mon', from: '09:00', to: '09:00' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.timeZone']);
    // An end equal to the start is a whole 24 hours (past midnight, as the help says), not a refusal.
    const day = await api.call('PUT', hours(agent.id), {
      token: agent.token,
      body: { timeZone: 'UTC', weekly: [{ day: 'mon', from: '10:00', to: '10:00' }] },
    });
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(day.body.workingHours.weekly).toEqual([{ day: 'mon', from: '10:00', to: '10:00' }]);
    const cleared = await api.call('DELETE', hours(agent.id), { token: t.ownerToken });
    expect(cleared.body).toMatchObject({ workingHours: null, effectiveAvailability: 'online' });
  });

  it('the team strategy picks by effective availability: outside their hours a member is skipped', async () => {
    const team = await api.call('POST', `${base()}/teams`, {
      token: t.ownerToken,
      body: { name: `Hours ${unique()}`, assignmentStrategy: 'round_robin' },
    });
    const teamId = team.body.id as string;
    const off = await join('agent', { teamIds: [teamId] });
    const on = await join('agent', { teamIds: [teamId] });
    await api.call('PUT', `${base()}/users/${off.id}/working-hours`, {
      token: off.token,
      body: { timeZone: 'UTC', weekly: [] },
    });
    // The team's member list says who is effectively away, and why (their hours), beside their choice.
    const listed = await api.call('GET', `${base()}/teams/${teamId}/members`, { token: t.ownerToken });
    const offCard = listed.body.items.find((m: { userId: string }) => m.userId === off.id);
    expect(offCard).toMatchObject({
      availability: 'online',
      effectiveAvailability: 'away',
      workingHours: { weekly: [] },
    });
    expect(listed.body.items.find((m: { userId: string }) => m.userId === on.id)).toMatchObject({
      effectiveAvailability: 'online',
      workingHours: null,
    });
    for (let i = 0; i < 3; i++) {
      const assigned = await api.call('PUT', `${base()}/conversations/hours-${unique()}/assignment`, {
        token: t.ownerToken,
        body: { teamId },
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      expect(assigned.body.assigneeId).toBe(on.id);
    }
    await api.call('PUT', `${base()}/users/${on.id}/working-hours`, {
      token: on.token,
      body: { timeZone: 'UTC', weekly: [] },
    });
    const queued = await api.call('PUT', `${base()}/conversations/hours-${unique()}/assignment`, {
      token: t.ownerToken,
      body: { teamId },
    });
    expect(queued.body).toMatchObject({ status: 'queued', queueReason: 'nobody-available' });
  });
});

describe('the access review', () => {
  /** The review as a client downloads it: every CSV page, following Link. */
  async function csvPages(token: string, limit: number) {
    const texts: string[] = [];
    let next: string | null = `${base()}/access-review?limit=${limit}`;
    while (next) {
      const res: Response = await fetch(`${gw.baseUrl}${next}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
      });
      assertConformance();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="access-review-.+\.csv"$/);
      texts.push(await res.text());
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }
    return texts;
  }

  it('lists everyone’s effective access; the CSV parsed back matches the JSON, formulas defused', async () => {
    const role = await api.call('POST', `${base()}/roles`, {
      token: t.ownerToken,
      body: { name: 'Campaign lead', permissions: ['campaigns:view', 'campaigns:edit', 'contacts:view'] },
    });
    expect(role.status).toBe(201);
    const email = `review-${unique()}@e2e.test`;
    const until = new Date(Date.now() + 30 * DAY).toISOString();
    const invited = await api.call('POST', `${base()}/invitations`, {
      token: t.ownerToken,
      body: {
        email,
        role: 'custom',
        roleId: role.body.id,
        name: '=HYPERLINK("evil"), Esq.',
        grants: [{ permission: 'analytics:view', expiresAt: until }, 'audit:view'],
      },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);

    const json = await all(`${base()}/access-review?limit=3`);
    const rows = json as unknown as ReviewRow[];
    const custom = rows.find((r) => r.id === invited.body.id);
    expect(custom).toMatchObject({
      roleName: 'Campaign lead',
      status: 'invited',
      // Not yet able to sign in: no access (issue 18 item 9), though the grants wait for them.
      permissions: [],
      grants: [
        { permission: 'analytics:view', expiresAt: until },
        { permission: 'audit:view', expiresAt: null },
      ],
    });
    expect(rows.find((r) => r.id === t.ownerId)).toMatchObject({ owner: true, roleName: 'Administrator' });
    expect(rows.find((r) => r.id === t.ownerId)?.permissions).toContain('users:edit');
    for (const r of rows) if (r.status !== 'active') expect(r.permissions, r.status).toEqual([]);

    const pages = await csvPages(t.ownerToken, 3);
    expect(pages.length).toBe(Math.ceil(rows.length / 3));
    const header = REVIEW_COLUMNS.map(([name]) => name);
    const parsed = pages.flatMap((text) => {
      const [head, ...body] = parse(text, { record_delimiter: '\r\n' }) as string[][];
      expect(head).toEqual(header);
      return body;
    });
    expect(parsed.map((cells) => cells[0])).toEqual(rows.map((r) => r.id));
    for (const [i, cells] of parsed.entries()) {
      const row = rows[i] as ReviewRow;
      const record = Object.fromEntries(header.map((name, c) => [name, cells[c]]));
      expect(record).toMatchObject({
        email: row.email,
        status: row.status,
        owner: String(row.owner),
        role: row.role,
        roleName: row.roleName ?? '',
        permissions: row.permissions.join(' '),
        crmAccess: String(row.crmAccess),
        lastLoginAt: row.lastLoginAt ?? '',
        inactiveSince: row.inactiveSince,
      });
      expect(record.grants).toBe(
        row.grants.map((g) => (g.expiresAt ? `${g.permission} until ${g.expiresAt}` : g.permission)).join('; '),
      );
      expect(record.name).toBe(/^[=+\-@\t\r]/.test(row.name) ? `'${row.name}` : row.name);
      // Teams by name, as a person reads them (issue 18 item 3).
      expect(record.teams).toBe(row.teams.join('; '));
      expect(row.teams.length).toBe(row.teamIds.length);
    }
    // The members of the working-hours team above read its name, never an id.
    const named = rows.filter((r) => r.teamIds.length > 0);
    expect(named.length).toBeGreaterThan(0);
    for (const r of named) for (const name of r.teams) expect(name).toMatch(/^Hours /);
    const evil = parsed.find((cells) => cells[0] === invited.body.id);
    expect(evil?.[2]).toBe('\'=HYPERLINK("evil"), Esq.');
  });

  it('takes only its own cursors: one from the users list is a 400, though both page the same members', async () => {
    const users = await api.call('GET', `${base()}/users?limit=1`, { token: t.ownerToken });
    expect(users.status).toBe(200);
    const cursor = users.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const res = await api.call('GET', `${base()}/access-review?limit=1&cursor=${encodeURIComponent(cursor)}`, {
      token: t.ownerToken,
    });
    expect(res.status).toBe(400);
    const own = await api.call('GET', `${base()}/access-review?limit=1`, { token: t.ownerToken });
    const next = await api.call(
      'GET',
      `${base()}/access-review?limit=1&cursor=${encodeURIComponent(own.body.nextCursor as string)}`,
      { token: t.ownerToken },
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(own.body.items[0].id);
  });

  it('needs audit:view: a manager reads it, an agent (users:view only) is refused', async () => {
    const managerEmail = `rev-manager-${unique()}@e2e.test`;
    const agentEmail = `rev-agent-${unique()}@e2e.test`;
    for (const [email, role] of [
      [managerEmail, 'manager'],
      [agentEmail, 'agent'],
    ]) {
      const res = await api.call('POST', `${base()}/invitations`, { token: t.ownerToken, body: { email, role } });
      expect(res.status).toBe(201);
    }
    const manager = await api.acceptAndLogin(managerEmail, 'Rev Manager', PASSWORD);
    const agent = await api.acceptAndLogin(agentEmail, 'Rev Agent', PASSWORD);
    expect((await api.call('GET', `${base()}/access-review`, { token: manager })).status).toBe(200);
    const refused = await api.call('GET', `${base()}/access-review`, { token: agent });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('audit:view');
  });
});
