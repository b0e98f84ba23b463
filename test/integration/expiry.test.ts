/**
 * The expiry job against DynamoDB Local, cognito-local and SES local. The job
 * expires every due invitation in its table, so this file gives it a table of
 * its own (same emulator, same definition): other files' invitations stay
 * out of its counts, and theirs out of ours — every summary here is exact.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/jobs/expire-invitations.ts';
import { createTable } from '../../infra/local/emulators.ts';
import { lambdaContext } from '../../infra/local/gateway-event.ts';
import { EXPIRY_ACTOR, expireDueInvitations, expireInvitation } from '../../lib/app/expiry.ts';
import { acceptInvitation, previewInvitation } from '../../lib/app/invitations.ts';
import { resendInvitation } from '../../lib/app/lifecycle.ts';
import { inviteMember } from '../../lib/app/members.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config, resetConfig } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import type { Plan } from '../../lib/domain/seats.ts';
import { authorizeTenant, type TenantAccess } from '../../lib/http/middleware/authorize.ts';
import { dueInvitations } from '../../lib/store/expiry.ts';
import { INVITE_SHARDS, inviteShard, keys } from '../../lib/store/keys.ts';
import { getMember, insertMember } from '../../lib/store/members.ts';
import { getTenant } from '../../lib/store/tenants.ts';
import { sesMessages } from '../support/http.ts';

const platform = { type: 'platform', id: 'integration' } as const;
const unique = () => Math.random().toString(36).slice(2, 10);
const PASSWORD = 'Expiry1Password';
const DAY = 86_400_000;
/** A run's fault and fairness counts when nothing failed and no tenant exceeded its share. */
const NO_FAULTS = { deferred: 0, failed: 0, setAside: 0, backedOff: 0 };
/** Invitations sent then expired a day ago (the TTL is 7 days). */
const sentLongAgo = () => new Date(Date.now() - 8 * DAY);

const event = { time: new Date().toISOString(), 'detail-type': 'Scheduled Event' } as ScheduledEvent;
/** A Lambda context with minutes to spare, or one whose clock runs out after `calls` questions. */
function context(calls = Number.POSITIVE_INFINITY): Context & { asked: number } {
  const base = lambdaContext('expireInvitations', Date.now() + 300_000, 'us-east-1');
  const ctx = Object.assign(base, { asked: 0 });
  ctx.getRemainingTimeInMillis = () => (++ctx.asked <= calls ? 120_000 : 1_000);
  return ctx;
}

beforeAll(async () => {
  const table = `expiry-${unique()}`;
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

/** A tenant whose owner accepted, and the owner's access as a route would build it. */
async function tenantWithOwner(plan: Plan): Promise<TenantAccess> {
  const email = `exp-owner-${unique()}@it.test`;
  const tenant = await provisionTenant(
    { name: 'Expiry Co', plan, owner: { email, name: 'Owner' } },
    platform,
    new Date(),
  );
  await acceptInvitation({ token: await invitationToken(email), name: 'Owner', password: PASSWORD }, new Date());
  return authorizeTenant(
    { kind: 'user', id: tenant.ownerId, email, token: { authTime: Math.floor(Date.now() / 1000) } },
    tenant.id,
    null,
  );
}

async function invite(access: TenantAccess, sentAt: Date) {
  const email = `exp-${unique()}@it.test`;
  const { body } = await inviteMember(access, { email, role: 'agent' }, sentAt);
  return { id: (body as { id: string }).id, email, token: await invitationToken(email) };
}

const member = async (tenantId: string, id: string) => (await getMember(tenantId, id)) as MemberRecord;
const seatsUsed = async (tenantId: string) => (await getTenant(tenantId))?.seatsUsed;

async function audit(tenantId: string) {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditPartition(tenantId) },
    }),
  );
  return out.Items ?? [];
}

const expiredAudits = async (tenantId: string) =>
  (await audit(tenantId)).filter((item) => item.action === 'invitation.expired');

/** Every invitation of this table still in the pending index and due now. */
async function stillDue(): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < INVITE_SHARDS; shard++) {
    count += (await dueInvitations(shard, new Date().toISOString(), { limit: 1000 })).members.length;
  }
  return count;
}

describe('expire-invitations job', () => {
  it('expires what is due — seat freed, audited, link dead — and leaves the rest alone', async () => {
    const access = await tenantWithOwner('growth');
    const tenantId = access.tenant.id;
    const due1 = await invite(access, sentLongAgo());
    const due2 = await invite(access, sentLongAgo());
    const fresh = await invite(access, new Date());
    expect(await seatsUsed(tenantId)).toBe(4);
    // Before the job, the links still work at a time before their expiry.
    await expect(previewInvitation(due1.token, sentLongAgo())).resolves.toMatchObject({ email: due1.email });

    const summary = await handler(event, context());

    expect(summary).toEqual({ ...NO_FAULTS, expired: 2, skipped: 0, pages: INVITE_SHARDS, remaining: false });
    expect(await seatsUsed(tenantId)).toBe(2);
    for (const due of [due1, due2]) {
      const m = await member(tenantId, due.id);
      expect(m.status).toBe('expired');
      expect(m.invitation?.sendCount).toBe(1);
      // Dead even at a moment before its expiry: only invited members accept.
      await expect(previewInvitation(due.token, sentLongAgo())).rejects.toMatchObject({ code: 'invitation-invalid' });
      await expect(
        acceptInvitation({ token: due.token, name: 'Late', password: PASSWORD }, sentLongAgo()),
      ).rejects.toMatchObject({ code: 'invitation-invalid' });
    }
    expect((await member(tenantId, fresh.id)).status).toBe('invited');
    await expect(previewInvitation(fresh.token, new Date())).resolves.toMatchObject({ email: fresh.email });

    const audits = await expiredAudits(tenantId);
    expect(audits.map((a) => a.target.id).sort()).toEqual([due1.id, due2.id].sort());
    for (const a of audits) {
      expect(a).toMatchObject({ actor: EXPIRY_ACTOR, before: { status: 'invited' }, after: { status: 'expired' } });
    }

    // Out of the pending index: the next run finds nothing.
    expect(await handler(event, context())).toEqual({
      ...NO_FAULTS,
      expired: 0,
      skipped: 0,
      pages: INVITE_SHARDS,
      remaining: false,
    });
    expect(await seatsUsed(tenantId)).toBe(2);
  });

  it('expires a new tenant’s owner invitation too, freeing the tenant’s only seat', async () => {
    const email = `exp-owner-${unique()}@it.test`;
    const created = await provisionTenant(
      { name: 'Never Joined', plan: 'trial', owner: { email, name: 'Late Owner' } },
      platform,
      sentLongAgo(),
    );
    expect(await seatsUsed(created.id)).toBe(1);
    expect(await handler(event, context())).toMatchObject({ expired: 1, skipped: 0, remaining: false });
    expect((await member(created.id, created.ownerId)).status).toBe('expired');
    expect(await seatsUsed(created.id)).toBe(0);
  });

  it('a resend revives an expired invitation while a seat is free, and is refused at the limit', async () => {
    const access = await tenantWithOwner('starter'); // 3 seats
    const tenantId = access.tenant.id;
    const a = await invite(access, sentLongAgo());
    const b = await invite(access, sentLongAgo());
    expect(await handler(event, context())).toMatchObject({ expired: 2 });
    expect(await seatsUsed(tenantId)).toBe(1);

    const revived = await resendInvitation(access, a.id, new Date());
    expect(revived.status).toBe('invited');
    expect(revived.invitation?.sendCount).toBe(2);
    expect(await seatsUsed(tenantId)).toBe(2);
    const newLink = await invitationToken(a.email);
    expect(newLink).not.toBe(a.token);
    await expect(previewInvitation(newLink, new Date())).resolves.toMatchObject({ email: a.email });
    await expect(previewInvitation(a.token, new Date())).rejects.toMatchObject({ code: 'invitation-invalid' });

    await invite(access, new Date());
    expect(await seatsUsed(tenantId)).toBe(3);
    await expect(resendInvitation(access, b.id, new Date())).rejects.toMatchObject({
      code: 'seat-limit-reached',
      extensions: { seats: { used: 3, limit: 3, available: 0 } },
    });
    expect((await member(tenantId, b.id)).status).toBe('expired');
  });

  it('skips, and leaves intact, an invitation accepted or resent after the job read it', async () => {
    const access = await tenantWithOwner('growth');
    const tenantId = access.tenant.id;
    const accepted = await invite(access, sentLongAgo());
    const resent = await invite(access, sentLongAgo());
    // What the job read from the index, before anyone else acted.
    const read = async (id: string) => {
      const page = await dueInvitations(inviteShard(id), new Date().toISOString(), { limit: 1000 });
      return page.members.find((m) => m.id === id) as MemberRecord;
    };
    const staleAccepted = await read(accepted.id);
    const staleResent = await read(resent.id);
    expect(staleAccepted.status).toBe('invited');

    await acceptInvitation({ token: accepted.token, name: 'Quick', password: PASSWORD }, sentLongAgo());
    await resendInvitation(access, resent.id, new Date());
    expect(await seatsUsed(tenantId)).toBe(3);

    expect(await expireInvitation(staleAccepted, new Date())).toBe(false);
    expect(await expireInvitation(staleResent, new Date())).toBe(false);
    expect((await member(tenantId, accepted.id)).status).toBe('active');
    expect((await member(tenantId, resent.id)).status).toBe('invited');
    expect(await seatsUsed(tenantId)).toBe(3);
    expect(await expiredAudits(tenantId)).toEqual([]);
    // The accepted member is out of the index; the resent one is due in a week.
    expect(await handler(event, context())).toMatchObject({ expired: 0, skipped: 0 });
  });

  it('keeps seats exact when accepts race the job', async () => {
    const access = await tenantWithOwner('scale');
    const tenantId = access.tenant.id;
    const invited = await Promise.all(Array.from({ length: 6 }, () => invite(access, sentLongAgo())));
    const accepting = invited.map((i) =>
      acceptInvitation({ token: i.token, name: 'Racer', password: PASSWORD }, sentLongAgo()).then(
        () => 'accepted',
        (error: { code?: string }) => error.code,
      ),
    );
    const [summary, ...outcomes] = await Promise.all([expireDueInvitations({ now: new Date() }), ...accepting]);

    const statuses = await Promise.all(invited.map(async (i) => (await member(tenantId, i.id)).status));
    outcomes.forEach((outcome, n) => {
      // Each invitation went one way or the other, never both, never broken.
      expect(outcome === 'accepted' ? 'active' : 'expired').toBe(statuses[n]);
      if (outcome !== 'accepted') expect(outcome).toBe('invitation-invalid');
    });
    const active = statuses.filter((s) => s === 'active').length;
    expect(summary.expired).toBe(6 - active);
    expect(await seatsUsed(tenantId)).toBe(1 + active);
    expect(await expiredAudits(tenantId)).toHaveLength(6 - active);
  });
});

describe('a backlog', () => {
  /** `perTenant` due invitations in each of `tenants` tenants (owners included), written straight to the store. */
  async function seedBacklog(tenants: number, perTenant: number): Promise<string[]> {
    // Tenants in parallel; one tenant's invitations one after another (they share its seat counter).
    return Promise.all(
      Array.from({ length: tenants }, async (_, t) => {
        const owner = { email: `bk-owner-${unique()}@it.test`, name: 'Backlog Owner' };
        const sent = sentLongAgo();
        const tenant = await provisionTenant({ name: `Backlog ${t}`, plan: 'enterprise', owner }, platform, sent);
        for (let i = 1; i < perTenant; i++)
          await insertMember(backlogInvitation(tenant, new Date(sent.getTime() + i * 1000)));
        return tenant.id;
      }),
    );
  }

  function backlogInvitation(tenant: { id: string; ownerId: string }, at: Date) {
    const id = `bk-${unique()}`;
    const member: MemberRecord = {
      tenantId: tenant.id,
      id,
      email: `${id}@it.test`,
      name: '',
      status: 'invited',
      role: 'agent',
      grants: [],
      crmAccess: true,
      availability: 'online',
      openAssignments: 0,
      teamIds: [],
      lastLoginAt: null,
      invitedAt: at.toISOString(),
      invitedBy: tenant.ownerId,
      invitation: {
        tokenHash: '0'.repeat(64),
        expiresAt: new Date(at.getTime() + 7 * DAY).toISOString(),
        sendCount: 1,
        lastSentAt: at.toISOString(),
      },
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      version: 1,
    };
    return { member, actor: platform, action: 'member.invited' };
  }

  it('drains 300 due invitations across tenants page by page', async () => {
    const tenants = await seedBacklog(5, 60);
    for (const id of tenants) expect(await seatsUsed(id)).toBe(60);
    expect(await stillDue()).toBe(300);

    const summary = await expireDueInvitations({ now: new Date(), pageSize: 7 });

    expect(summary).toMatchObject({ expired: 300, skipped: 0, remaining: false });
    // Never more than 7 at a time: at least ⌈300 / 7⌉ pages, plus one closing page per shard at most.
    expect(summary.pages).toBeGreaterThanOrEqual(Math.ceil(300 / 7));
    expect(summary.pages).toBeLessThanOrEqual(Math.ceil(300 / 7) + 2 * INVITE_SHARDS);
    for (const id of tenants) {
      expect(await seatsUsed(id)).toBe(0);
      expect(await expiredAudits(id)).toHaveLength(60);
    }
    expect(await stillDue()).toBe(0);
    // A time limit for a hung emulator, not a speed bar (speed is `npm run bench`'s): 300 sequential
    // transactions take ~10 s alone and several times that while the whole suite shares two cores.
  }, 600_000);

  it('stops cleanly before the time limit and the next run finishes the work', async () => {
    await seedBacklog(2, 20);
    const short = context(12);

    const first = await handler(event, short);

    expect(first.remaining).toBe(true);
    // Every read and every write asked first; the 13th question got "1 s left". The first question
    // went to the run's read of its set-aside list, so 11 went to index pages and expiries.
    expect(short.asked).toBe(13);
    expect(first.pages + first.expired).toBe(11);
    expect(first.expired).toBeGreaterThan(0);
    expect(await stillDue()).toBe(40 - first.expired);

    const second = await handler(event, context());
    expect(second).toMatchObject({ expired: 40 - first.expired, skipped: 0, remaining: false });
    expect(await stillDue()).toBe(0);
  }, 300_000);
});
