/**
 * DESIGN §9 "One tenant never slows another", against DynamoDB Local (issue
 * 17 §1). A release ticket in tenant A fails deterministically — its member's
 * open counter drifted to 0 while they still hold a conversation, so every
 * release batch's condition fails (the shape of the original attack: a
 * ticket the job could never finish, and spun on every run). Tenant B's
 * away release is due in the same run. B's happens on time; A's ticket is
 * retried only after a backoff that doubles, then set aside with its reason
 * (listed for operators, logged at ERROR, counted in the alarmed metric).
 * The clock is injected: no sleeps.
 *
 * And the legacy half of the attack: a conversation whose team was deleted
 * (before teams counted what they hold) is handed back as unassigned, audited,
 * never stuck.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as resolveConversation } from '../../functions/assignments/resolve.ts';
import { handler as unassign } from '../../functions/assignments/unassign.ts';
import { handler as auditList } from '../../functions/audit/list.ts';
import { handler as deactivate } from '../../functions/users/deactivate.ts';
import { SET_ASIDE_METRIC } from '../../lib/app/job-items.ts';
import { runReleaseJob } from '../../lib/app/release.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import { backoffDelayMs, JOB_RETRY } from '../../lib/domain/job-scheduling.ts';
import { logger } from '../../lib/log.ts';
import { faultKey, jobFaults, poisonedItems, redriveJobItem } from '../../lib/store/job-faults.ts';
import { keys } from '../../lib/store/keys.ts';
import { getMember } from '../../lib/store/members.ts';
import { invoke } from '../sdk/events.ts';
import { as, newTenant, seedMember, tenantFixtures } from './support/assignment-fixtures.ts';

type Fixtures = ReturnType<typeof tenantFixtures>;
let A: Fixtures;
let B: Fixtures;

beforeAll(async () => {
  const [a, b] = await Promise.all([newTenant('Poisoned Co'), newTenant('Victim Co')]);
  A = tenantFixtures(a, await seedMember(a, 'admin', 'admin'));
  B = tenantFixtures(b, await seedMember(b, 'admin', 'admin'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Member `memberId`'s open counter set to `value` behind the app's back: the data fault. */
const driftCounter = (tenantId: string, memberId: string, value: number) =>
  dynamo().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.member(tenantId, memberId),
      UpdateExpression: 'SET openAssignments = :v',
      ExpressionAttributeValues: { ':v': value },
    }),
  );

async function auditOf(f: Fixtures, targetId: string) {
  const res = await invoke(auditList, {
    path: `/v1/tenants/${f.tenantId}/audit-events`,
    pathParameters: { tenantId: f.tenantId },
    query: { targetId, limit: '100' },
    ...as(f.admin),
  });
  return res.body.items as { action: string; after: Record<string, unknown> }[];
}

describe('one tenant never slows another (fault injection)', () => {
  it('a poisoned release ticket in A: B’s away release on time in the same run; A backs off, then is set aside', async () => {
    // Tenant A: MA holds c1 through TA; their counter drifts to 0; deactivation leaves a ticket no batch can write.
    const [ma] = (await A.agents(1)) as [string];
    const ta = await A.newTeam({ assignmentStrategy: 'round_robin' }, [ma]);
    const c1 = await A.toTeam(ta);
    expect(c1.assigneeId).toBe(ma);
    await driftCounter(A.tenantId, ma, 0);
    const off = await invoke(deactivate, { ...A.memberPath(ma, '/deactivate'), method: 'POST', ...as(A.admin) });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await A.holderOf(c1.id)).assigneeId).toBe(ma);

    // Tenant B: MB away in a team that releases after 60 s.
    const [mb] = (await B.agents(1)) as [string];
    const tb = await B.newTeam({ assignmentStrategy: 'round_robin', awayReleaseSeconds: 60 }, [mb]);
    const c2 = await B.toTeam(tb);
    expect(c2.assigneeId).toBe(mb);
    expect((await B.availability(mb, 'away')).status).toBe(200);
    const awaySince = Date.parse((await getMember(B.tenantId, mb))?.awaySince as string);

    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    // The run at which B's release is due: B's conversation goes back to its queue; A's ticket fails once.
    let clock = new Date(awaySince + 61_000);
    const first = await runReleaseJob({ now: () => clock });
    expect((await B.holderOf(c2.id)).assigneeId).toBeNull();
    expect(await B.holderOf(c2.id)).toMatchObject({ status: 'queued', teamId: tb });
    expect(first.awayReleased).toBeGreaterThanOrEqual(1);
    const key = faultKey(A.tenantId, `release#${ma}`);
    const afterFirst = (await jobFaults('releaseAssignments')).get(key);
    expect(afterFirst).toMatchObject({ tenantId: A.tenantId });
    expect(afterFirst?.poisonedAt).toBeUndefined();
    expect(afterFirst?.lastError).toMatch(/MemberChanged|release batches/);
    let attempts = afterFirst?.attempts as number;
    expect(attempts).toBeGreaterThanOrEqual(1);

    // Within its backoff a run does not touch it.
    clock = new Date(Date.parse(afterFirst?.nextAttemptAt as string) - 1_000);
    const waiting = await runReleaseJob({ now: () => clock });
    expect(waiting.backedOff).toBeGreaterThanOrEqual(1);
    expect((await jobFaults('releaseAssignments')).get(key)?.attempts).toBe(attempts);

    // Each retry at its nextAttemptAt: the wait doubles, until the cap sets it aside.
    let previous = afterFirst;
    while (attempts < JOB_RETRY.maxAttempts) {
      clock = new Date(previous?.nextAttemptAt as string);
      await runReleaseJob({ now: () => clock });
      const fault = (await jobFaults('releaseAssignments')).get(key);
      expect(fault?.attempts).toBe(attempts + 1);
      attempts = fault?.attempts as number;
      if (!fault?.poisonedAt)
        expect(Date.parse(fault?.nextAttemptAt as string) - clock.getTime()).toBe(backoffDelayMs(attempts));
      previous = fault;
    }
    expect(previous?.poisonedAt).toBeDefined();
    const setAside = (await poisonedItems('releaseAssignments')).find((f) => f.tenantId === A.tenantId);
    expect(setAside).toMatchObject({ itemId: `release#${ma}`, attempts: JOB_RETRY.maxAttempts });
    expect(setAside?.lastError).toMatch(/MemberChanged|release batches/);

    // What an operator sees: one ERROR line with tenant, item and reason, and one EMF count of the alarmed metric.
    const lines = out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const emf = lines.filter((l) => l[SET_ASIDE_METRIC] === 1 && l.tenantId === A.tenantId);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ Job: 'releaseAssignments', itemId: `release#${ma}` });
    expect(JSON.stringify(emf[0]?._aws)).toContain('"Namespace":"Roster"');
    expect(errors).toHaveBeenCalledWith(
      'job item set aside',
      expect.objectContaining({ job: 'releaseAssignments', tenantId: A.tenantId, itemId: `release#${ma}` }),
    );

    // Set aside: no later run touches it.
    clock = new Date(clock.getTime() + 24 * 3_600_000);
    await runReleaseJob({ now: () => clock });
    expect((await jobFaults('releaseAssignments')).get(key)?.attempts).toBe(JOB_RETRY.maxAttempts);

    // Re-driven once the data is repaired: the next run finishes the ticket.
    vi.restoreAllMocks();
    await driftCounter(A.tenantId, ma, 1);
    await redriveJobItem('releaseAssignments', A.tenantId, `release#${ma}`);
    await runReleaseJob({ now: () => clock });
    expect(await A.holderOf(c1.id)).toMatchObject({ assigneeId: null, status: 'queued' });
    expect((await jobFaults('releaseAssignments')).has(key)).toBe(false);
  });
});

describe('a conversation whose team is gone is handed back unassigned, never stuck', () => {
  /** The team item removed behind the app's back: a team deleted before teams counted what they hold. */
  const dropTeam = (f: Fixtures, teamId: string) =>
    dynamo().send(new DeleteCommand({ TableName: config().tableName, Key: keys.team(f.tenantId, teamId) }));

  it('hand-back (was: 409 after every retry)', async () => {
    const [m] = (await A.agents(1)) as [string];
    const team = await A.newTeam({ assignmentStrategy: 'round_robin' }, [m]);
    const c = await A.toTeam(team);
    await dropTeam(A, team);
    const res = await invoke(unassign, { ...A.conversation(c.id), method: 'DELETE', ...as(A.admin) });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect(await A.holderOf(c.id)).toMatchObject({ assigneeId: null, teamId: null, status: 'unassigned' });
    expect((await getMember(A.tenantId, m))?.openAssignments).toBe(0);
    const trail = await auditOf(A, c.id);
    expect(trail.find((e) => e.action === 'conversation.unassigned')?.after).toMatchObject({ reason: 'team.deleted' });
  });

  it('deactivating the holder releases it at once; the job has nothing left to spin on', async () => {
    const [m] = (await A.agents(1)) as [string];
    const team = await A.newTeam({ assignmentStrategy: 'round_robin' }, [m]);
    const c = await A.toTeam(team);
    const other = await A.toTeam(team);
    await dropTeam(A, team);
    const started = Date.now();
    const off = await invoke(deactivate, { ...A.memberPath(m, '/deactivate'), method: 'POST', ...as(A.admin) });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const id of [c.id, other.id])
      expect(await A.holderOf(id)).toMatchObject({ assigneeId: null, status: 'unassigned' });
    const fault = (await jobFaults('releaseAssignments')).get(faultKey(A.tenantId, `release#${m}`));
    expect(fault).toBeUndefined();
  });

  it('moving it to another team works too', async () => {
    const [m, n] = (await A.agents(2)) as [string, string];
    const team = await A.newTeam({ assignmentStrategy: 'round_robin' }, [m]);
    const other = await A.newTeam({ assignmentStrategy: 'round_robin' }, [n]);
    const c = await A.toTeam(team);
    await dropTeam(A, team);
    const moved = await A.toTeam(other, c.id);
    expect(moved).toMatchObject({ status: 'assigned', assigneeId: n });
    expect((await getMember(A.tenantId, m))?.openAssignments).toBe(0);
  });

  it('resolving it works too', async () => {
    const [m] = (await A.agents(1)) as [string];
    const team = await A.newTeam({ assignmentStrategy: 'round_robin' }, [m]);
    const c = await A.toTeam(team);
    await dropTeam(A, team);
    const res = await invoke(resolveConversation, {
      ...A.conversation(c.id, 'resolve'),
      method: 'POST',
      ...as(A.admin),
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect((await getMember(A.tenantId, m))?.openAssignments).toBe(0);
  });
});
