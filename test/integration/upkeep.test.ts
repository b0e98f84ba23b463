/**
 * The access upkeep job against DynamoDB Local, cognito-local and SES local,
 * on a fake clock: members are created now and the job runs 100 days later.
 * The job works on every auto-suspending tenant of its table, so this file
 * has a table of its own and every summary is exact.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/jobs/access-upkeep.ts';
import { createTable } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/gateway-event.ts';
import { acceptInvitation } from '../../lib/app/invitations.ts';
import { changeStatus } from '../../lib/app/lifecycle.ts';
import { createMember, inviteMember, updateMember } from '../../lib/app/members.ts';
import { changeTenant, provisionTenant } from '../../lib/app/tenants.ts';
import { runAccessUpkeep, suspendInactive, UPKEEP_ACTOR } from '../../lib/app/upkeep.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config, resetConfig } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { authorizeTenant, type TenantAccess } from '../../lib/http/middleware/authorize.ts';
import { keys } from '../../lib/store/keys.ts';
import { recordLogin } from '../../lib/store/logins.ts';
import { getMember, insertMember } from '../../lib/store/members.ts';
import { getTenant } from '../../lib/store/tenants.ts';
import { pendingDigest } from '../../lib/store/upkeep.ts';
import { sesMessages } from '../support/http.ts';

const platform = { type: 'platform', id: 'integration' } as const;
const unique = () => Math.random().toString(36).slice(2, 10);
const PASSWORD = 'Upkeep1Password';
const DAY = 86_400_000;
const start = Date.now();
/** The job's fake clock: 100 days after everyone here was created. */
const later = (days = 100, plusMs = 0) => new Date(start + days * DAY + plusMs);

beforeAll(async () => {
  const table = `upkeep-${unique()}`;
  await createTable(process.env.AWS_ENDPOINT_URL_DYNAMODB as string, table);
  process.env.TABLE_NAME = table;
  resetConfig();
});

async function invitationToken(email: string): Promise<string> {
  const mail = (await sesMessages(undefined, email)).at(-1);
  const token = /accept-invitation\?token=([A-Za-z0-9._%-]+)/.exec(mail?.body.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail for ${email}`);
  return decodeURIComponent(token);
}

const accessAs = (tenantId: string, memberId: string, now = new Date()) =>
  authorizeTenant({ kind: 'user', id: memberId, email: undefined, token: {} }, tenantId, null, now);

/** A tenant whose owner joined (accepting is not a sign-in: the owner never signed in). */
async function tenant(label: string, owner: 'joined' | 'invited' = 'joined') {
  const email = `up-owner-${unique()}@it.test`;
  const created = await provisionTenant(
    { name: `${label} ${unique()}`, plan: 'enterprise', owner: { email, name: `${label} Owner` } },
    platform,
    new Date(),
  );
  if (owner === 'invited') return { id: created.id, ownerId: created.ownerId, ownerEmail: email, name: created.name };
  await acceptInvitation(
    { token: await invitationToken(email), name: `${label} Owner`, password: PASSWORD },
    new Date(),
  );
  return { id: created.id, ownerId: created.ownerId, ownerEmail: email, name: created.name };
}

/** A member created active now with a password of their own (so their sign-ins count). */
async function person(access: TenantAccess, role: 'admin' | 'agent' | 'manager', name: string) {
  const email = `up-${name.toLowerCase().replace(/\s+/g, '-')}-${unique()}@it.test`;
  const { body } = await createMember(
    access,
    { email, name, role, password: PASSWORD, temporaryPassword: false },
    new Date(),
  );
  return { id: (body as { id: string }).id, email, name };
}

async function setDays(tenantId: string, days: number | null) {
  const t = await getTenant(tenantId);
  if (!t) throw new Error('no tenant');
  await changeTenant(t, { autoSuspendInactiveDays: days }, platform, new Date());
}

const member = async (tenantId: string, id: string) => (await getMember(tenantId, id)) as MemberRecord;

/** An active member written straight to the store (no login; for a tenant whose owner never joined). */
async function inserted(tenantId: string, role: 'admin' | 'agent', name: string) {
  const id = `ins-${unique()}`;
  const email = `${id}@it.test`;
  const at = new Date().toISOString();
  await insertMember({
    member: {
      tenantId,
      id,
      email,
      name,
      status: 'active',
      role,
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
    },
    actor: platform,
    action: 'member.created',
  });
  return { id, email, name };
}

async function audit(tenantId: string, action: string) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditPartition(tenantId) },
    }),
  );
  return (out.Items ?? []).filter((i) => i.action === action);
}

/** Digests SES local holds for this tenant (by its unique name in the subject). */
const digests = async (tenantName: string) =>
  (await sesMessages()).filter((m) => m.subject.startsWith(`${tenantName}:`));

describe('auto-suspension', () => {
  it('suspends the inactive — never the owner or the last active admin — audits each, mails one digest, and a re-run suspends nobody twice', async () => {
    // Tenant A: owner (joined, never signed in) + two admins + agents; 90 days.
    const a = await tenant('Alpha');
    const owner = await accessAs(a.id, a.ownerId);
    const idleAdmin = await person(owner, 'admin', 'Idle Admin');
    const busyAdmin = await person(owner, 'admin', 'Busy Admin');
    const idle = await person(owner, 'agent', '=Idle Agent');
    const busy = await person(owner, 'agent', 'Busy Agent');
    const pending = `up-pending-${unique()}@it.test`;
    const invited = await inviteMember(owner, { email: pending, role: 'agent' }, new Date());
    // Tenant C: the same idle people, no setting.
    const c = await tenant('Gamma');
    const cIdle = await person(await accessAs(c.id, c.ownerId), 'agent', 'Gamma Idle');

    await setDays(a.id, 90);
    await setDays(c.id, null);
    // Busy people signed in ten days before the run.
    for (const p of [busy, busyAdmin]) expect(await recordLogin(p.id, later(90).toISOString())).toBe(1);
    expect(await pendingDigest(a.id)).toEqual([]);

    const first = await runAccessUpkeep({ now: later() });

    expect(first).toMatchObject({ suspended: 2, digests: 1, skipped: 0, remaining: false });
    expect(first.kept).toBe(1); // Alpha's owner
    expect((await member(a.id, idle.id)).status).toBe('suspended');
    expect((await member(a.id, idleAdmin.id)).status).toBe('suspended');
    expect((await member(a.id, a.ownerId)).status).toBe('active');
    expect((await member(a.id, busy.id)).status).toBe('active');
    expect((await member(a.id, busyAdmin.id)).status).toBe('active');
    expect((await member(a.id, (invited.body as { id: string }).id)).status).toBe('invited');
    expect((await member(c.id, cIdle.id)).status).toBe('active');
    expect((await getTenant(a.id))?.activeAdmins).toBe(2);
    // Like an admin's suspension: a release ticket returns whatever they hold to their teams' queues.
    for (const id of [idle.id, idleAdmin.id]) {
      const { Item } = await dynamo().send(
        new GetCommand({ TableName: config().tableName, Key: keys.releaseTicket(a.id, id) }),
      );
      expect(Item, id).toMatchObject({ reason: 'assignee.suspended' });
    }

    const suspensions = await audit(a.id, 'member.suspended');
    expect(suspensions.map((s) => s.target.id).sort()).toEqual([idle.id, idleAdmin.id].sort());
    for (const s of suspensions) {
      expect(s.actor).toEqual(UPKEEP_ACTOR);
      expect(s.before).toMatchObject({ status: 'active' });
      expect(s.after).toMatchObject({ status: 'suspended' });
      expect(s.after.reason).toMatch(/Never signed in since .* the tenant suspends members inactive 90 days/);
    }

    // One digest, a copy to each active admin.
    const mails = await digests(a.name);
    expect(mails.map((m) => m.destination.to).sort()).toEqual([[a.ownerEmail], [busyAdmin.email]].sort());
    expect(new Set(mails.map((m) => m.body.text)).size).toBe(1);
    const [mail] = mails;
    expect(mail?.subject).toBe(`${a.name}: 2 members suspended after 90 days without signing in`);
    expect(mail?.body.text).toContain(`=Idle Agent <${idle.email}> — never signed in`);
    expect(mail?.body.text).toContain(`Idle Admin <${idleAdmin.email}>`);
    expect(mail?.body.text).not.toContain(busy.email);
    expect(mail?.body.text).toContain('/users?status=suspended');
    expect(mail?.body.text).toContain(`POST /v1/tenants/${a.id}/users/{userId}/reactivate`);
    expect(await pendingDigest(a.id)).toEqual([]);

    // The same run again, and an hour later: nobody is suspended twice, no second digest.
    expect(await runAccessUpkeep({ now: later() })).toMatchObject({ suspended: 0, digests: 0, skipped: 0 });
    expect(await runAccessUpkeep({ now: later(100, 3_600_000) })).toMatchObject({ suspended: 0, digests: 0 });
    expect(await audit(a.id, 'member.suspended')).toHaveLength(2);
    expect(await digests(a.name)).toHaveLength(2);

    await setDays(a.id, null); // out of the next tests' runs
  });

  it('keeps the last active admin, however long idle, and still suspends the rest', async () => {
    // Beta's owner never joined: its one direct admin is the last active admin.
    const b = await tenant('Beta', 'invited');
    const admin = await inserted(b.id, 'admin', 'Lone Admin');
    const agent = await inserted(b.id, 'agent', 'Lone Agent');
    expect((await getTenant(b.id))?.activeAdmins).toBe(1);
    await setDays(b.id, 30);

    const run = await runAccessUpkeep({ now: later() });

    expect(run).toMatchObject({ suspended: 1, kept: 1, digests: 1, remaining: false });
    expect((await member(b.id, admin.id)).status).toBe('active');
    expect((await member(b.id, agent.id)).status).toBe('suspended');
    expect((await getTenant(b.id))?.activeAdmins).toBe(1);
    const [mail, ...more] = await digests(b.name);
    expect(more).toEqual([]);
    expect(mail?.destination.to).toEqual([admin.email]);
    expect(mail?.subject).toBe(`${b.name}: 1 member suspended after 30 days without signing in`);
    // The admin stays the last one on every later run too.
    expect(await runAccessUpkeep({ now: later(200) })).toMatchObject({ suspended: 0, kept: 1 });
    await setDays(b.id, null);
  });

  it('never applies a period under 7 days, even one stored before the minimum existed (issue 17: a 1-day weapon)', async () => {
    const e = await tenant('Epsilon', 'invited');
    await inserted(e.id, 'admin', 'Weapon Admin');
    const agent = await inserted(e.id, 'agent', 'Weapon Agent');
    await setDays(e.id, 1);
    await runAccessUpkeep({ now: later(6) });
    expect((await member(e.id, agent.id)).status, 'suspended after 6 days by a stored 1-day period').toBe('active');
    await runAccessUpkeep({ now: later(8) });
    expect((await member(e.id, agent.id)).status).toBe('suspended');
    await setDays(e.id, null);
  });

  it('gives a member an admin reactivated a full period again, then suspends them once more', async () => {
    const d = await tenant('Delta');
    const owner = await accessAs(d.id, d.ownerId);
    const idle = await person(owner, 'agent', 'Twice Idle');
    await setDays(d.id, 60);
    expect(await runAccessUpkeep({ now: later() })).toMatchObject({ suspended: 1, digests: 1 });

    await changeStatus(await accessAs(d.id, d.ownerId, later(101)), idle.id, 'reactivate', later(101));
    expect((await member(d.id, idle.id)).reactivatedAt).toBe(later(101).toISOString());
    // Still no sign-in, but reactivated within the last 60 days: kept…
    expect(await runAccessUpkeep({ now: later(140) })).toMatchObject({ suspended: 0, kept: 2 }); // Delta's owner + them
    expect((await member(d.id, idle.id)).status).toBe('active');
    // …until 60 days after the reactivation.
    expect(await runAccessUpkeep({ now: later(162) })).toMatchObject({ suspended: 1, digests: 1 });
    expect((await member(d.id, idle.id)).status).toBe('suspended');
    expect(await digests(d.name)).toHaveLength(2);
    await setDays(d.id, null);
  });

  it('does not suspend someone who signed in after the job read them (a sign-in moves no version)', async () => {
    const e = await tenant('Epsilon');
    const owner = await accessAs(e.id, e.ownerId);
    const p = await person(owner, 'agent', 'Late Riser');
    const read = await member(e.id, p.id);
    expect(await recordLogin(p.id, later(100, -60_000).toISOString())).toBe(1);
    const stored = await getTenant(e.id);
    if (!stored) throw new Error('no tenant');
    expect(await suspendInactive(stored, read, later(), 30)).toBe(false);
    expect((await member(e.id, p.id)).status).toBe('active');
    expect(await audit(e.id, 'member.suspended')).toEqual([]);
    expect(await pendingDigest(e.id)).toEqual([]);
  });

  it('a run cut short leaves its digest pending: the next run mails everyone in one digest', async () => {
    const f = await tenant('Zeta');
    const owner = await accessAs(f.id, f.ownerId);
    const people = await Promise.all(['One', 'Two', 'Three'].map((n) => person(owner, 'agent', `Zeta ${n}`)));
    await setDays(f.id, 45);
    let asked = 0;
    // Time runs out part-way through the tenant (after its first page of two: the owner, kept, and one more).
    const cut = await runAccessUpkeep({ now: later(), pageSize: 2, shouldStop: () => ++asked > 9 });
    expect(cut.remaining).toBe(true);
    expect(cut.digests).toBe(0);
    const suspendedFirst = cut.suspended;
    expect(suspendedFirst).toBeGreaterThan(0);
    expect(suspendedFirst).toBeLessThan(3);
    expect(await pendingDigest(f.id)).toHaveLength(suspendedFirst);
    expect(await digests(f.name)).toEqual([]);

    const rest = await runAccessUpkeep({ now: later() });
    expect(rest).toMatchObject({ suspended: 3 - suspendedFirst, digests: 1, remaining: false });
    const [mail, ...more] = await digests(f.name);
    expect(more).toEqual([]);
    expect(mail?.subject).toContain('3 members suspended');
    for (const p of people) expect(mail?.body.text).toContain(p.email);
    expect(await pendingDigest(f.id)).toEqual([]);
    await setDays(f.id, null);
  });
});

describe('time-limited grants', () => {
  it('removes the grants that ended (one audited transaction each member), keeps the others', async () => {
    const g = await tenant('Eta');
    const owner = await accessAs(g.id, g.ownerId);
    const p = await person(owner, 'agent', 'Campaign Helper');
    const ends = later(50).toISOString();
    const keeps = later(200).toISOString();
    await updateMember(
      owner,
      p.id,
      {
        grants: [
          { permission: 'analytics:view', expiresAt: ends },
          { permission: 'billing:view', expiresAt: keeps },
          'audit:view',
        ],
      },
      new Date(),
    );

    const run = await runAccessUpkeep({ now: later() });

    expect(run).toMatchObject({ grantsRemoved: 1, skipped: 0, remaining: false });
    expect((await member(g.id, p.id)).grants).toEqual([{ permission: 'billing:view', expiresAt: keeps }, 'audit:view']);
    const [removal, ...more] = await audit(g.id, 'member.grant_expired');
    expect(more).toEqual([]);
    expect(removal).toMatchObject({ actor: UPKEEP_ACTOR, target: { type: 'member', id: p.id } });
    expect(removal?.before.grants).toContainEqual({ permission: 'analytics:view', expiresAt: ends });
    expect(removal?.after.grants).not.toContainEqual({ permission: 'analytics:view', expiresAt: ends });
    expect(removal?.after.reason).toBe(`Time-limited grant ended: analytics:view at ${ends}.`);
    // Re-indexed by its next expiry: nothing more until then, then the second goes.
    expect(await runAccessUpkeep({ now: later(150) })).toMatchObject({ grantsRemoved: 0 });
    expect(await runAccessUpkeep({ now: later(201) })).toMatchObject({ grantsRemoved: 1 });
    expect((await member(g.id, p.id)).grants).toEqual(['audit:view']);
    expect(await runAccessUpkeep({ now: later(400) })).toMatchObject({ grantsRemoved: 0 });
  });
});

describe('the scheduled handler', () => {
  it('runs on the real clock and reports its summary', async () => {
    const event = { time: new Date().toISOString(), 'detail-type': 'Scheduled Event' } as ScheduledEvent;
    const context: Context = lambdaContext('accessUpkeep', Date.now() + 300_000, 'us-east-1');
    // Nothing here is due on the real clock: every tenant's members signed in or joined minutes ago.
    expect(await handler(event, context)).toEqual({
      grantsRemoved: 0,
      suspended: 0,
      kept: 0,
      skipped: 0,
      digests: 0,
      deferred: 0,
      failed: 0,
      setAside: 0,
      backedOff: 0,
      remaining: false,
    });
  });
});
