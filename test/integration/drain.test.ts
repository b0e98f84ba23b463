/**
 * The queue drains itself, against DynamoDB Local: every trigger — a member
 * comes online, is added to the team, is reactivated; a conversation is
 * resolved, handed back or reassigned away; the capacity is raised or the
 * strategy changed — hands the oldest waiting conversations to the strategy's
 * picks in the same request. Suspension and the teams' away release return
 * conversations to the queue (audited per conversation); the release job
 * enforces delayed away releases and sweeps queues a trigger missed. Each
 * automatic pick's audit item says why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as assign } from '../../functions/assignments/assign.ts';
import { handler as resolve } from '../../functions/assignments/resolve.ts';
import { handler as unassign } from '../../functions/assignments/unassign.ts';
import { handler as auditList } from '../../functions/audit/list.ts';
import { handler as listTeamMembers } from '../../functions/teams/list-members.ts';
import { handler as teamQueue } from '../../functions/teams/queue.ts';
import { handler as updateTeam } from '../../functions/teams/update.ts';
import { handler as reactivate } from '../../functions/users/reactivate.ts';
import { handler as suspend } from '../../functions/users/suspend.ts';
import { handler as updateMember } from '../../functions/users/update.ts';
import { runReleaseJob } from '../../lib/app/release.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { getTeam } from '../../lib/store/teams.ts';
import { invoke } from '../sdk/events.ts';
import { as, seedMember as seed, tenantFixtures, unique } from './support/assignment-fixtures.ts';

let tenantId: string;
let admin: string;
const { agents, memberPath, conversation, teamPath, join, newTeam, toTeam, availability, holderOf } = tenantFixtures(
  () => tenantId,
  () => admin,
);
const seedMember = (role: MemberRecord['role'], label: string) => seed(tenantId, role, label);

async function queueOf(teamId: string): Promise<{ conversationId: string; reason: string; queuedAt: string }[]> {
  const res = await invoke(teamQueue, { ...teamPath(teamId, '/queue'), ...as(admin) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
}

async function auditOf(targetId: string) {
  const res = await invoke(auditList, {
    path: `/v1/tenants/${tenantId}/audit-events`,
    pathParameters: { tenantId },
    query: { targetId, limit: '100' },
    ...as(admin),
  });
  return res.body.items as { action: string; actor: { type: string; id: string }; after: Record<string, unknown> }[];
}

/** A team of `capacity` 1 whose only member is full and `n` conversations wait behind. */
async function fullTeam(strategy: 'round_robin' | 'load_balanced', n: number) {
  const [busy] = (await agents(1)) as [string];
  const team = await newTeam({ assignmentStrategy: strategy, capacity: 1 }, [busy]);
  const first = await toTeam(team);
  expect(first.assigneeId).toBe(busy);
  const waiting: string[] = [];
  for (let i = 0; i < n; i++) {
    const queued = await toTeam(team);
    expect(queued).toMatchObject({ status: 'queued', queueReason: 'nobody-available' });
    waiting.push(queued.id);
  }
  return { team, busy, first: first.id, waiting };
}

beforeAll(async () => {
  const created = await provisionTenant(
    { name: 'Drain Co', plan: 'enterprise', owner: { email: `owner-${unique()}@it.test`, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  tenantId = created.id;
  admin = await seedMember('admin', 'admin');
});

describe('the team queue', () => {
  it('lists waiting conversations oldest first with when and why; the team counts them', async () => {
    const { team, waiting } = await fullTeam('round_robin', 3);
    const queue = await queueOf(team);
    expect(queue.map((q) => q.conversationId)).toEqual(waiting);
    expect(queue.every((q) => q.reason === 'nobody-available' && q.queuedAt)).toBe(true);
    expect((await getTeam(tenantId, team))?.queued).toBe(3);
    expect((await invoke(teamQueue, { ...teamPath('no-such-team', '/queue'), ...as(admin) })).status).toBe(404);
  });

  it('room that appears takes the oldest first; the younger ones keep their order behind it', async () => {
    const { team, waiting } = await fullTeam('round_robin', 2);
    const [late] = (await agents(1)) as [string];
    // Away while joining, so the queue keeps waiting; then a third conversation arrives behind the two.
    expect((await availability(late, 'away')).status).toBe(200);
    await join(team, late);
    const third = await toTeam(team);
    expect(third).toMatchObject({ status: 'queued', queueReason: 'nobody-available' });
    // Back online, with room for one (capacity 1): the oldest goes, the others keep their order.
    expect((await availability(late, 'online')).status).toBe(200);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(late);
    expect((await queueOf(team)).map((q) => q.conversationId)).toEqual([waiting[1], third.id]);
  });
});

describe('every trigger drains the queue in the same request', () => {
  it('a member comes online', async () => {
    const { team, waiting } = await fullTeam('round_robin', 1);
    const [b] = (await agents(1)) as [string];
    await availability(b, 'away');
    await join(team, b);
    expect(await queueOf(team)).toHaveLength(1);
    await availability(b, 'online');
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(b);
    expect(await queueOf(team)).toEqual([]);
  });

  it('a member is added to the team (PUT with an empty JSON object, as with no body)', async () => {
    const { team, waiting } = await fullTeam('load_balanced', 2);
    const [b, c] = (await agents(2)) as [string, string];
    await join(team, b, {});
    await join(team, c);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(b);
    expect((await holderOf(waiting[1] as string)).assigneeId).toBe(c);
    expect((await getTeam(tenantId, team))?.queued).toBe(0);
  });

  it('a member is reactivated', async () => {
    const { team, waiting } = await fullTeam('round_robin', 1);
    const [b] = (await agents(1)) as [string];
    expect((await invoke(suspend, { ...memberPath(b, '/suspend'), method: 'POST', ...as(admin) })).status).toBe(200);
    await join(team, b);
    expect(await queueOf(team)).toHaveLength(1);
    expect((await invoke(reactivate, { ...memberPath(b, '/reactivate'), method: 'POST', ...as(admin) })).status).toBe(
      200,
    );
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(b);
  });

  it('a conversation is resolved: the assignment ends, capacity frees, the oldest waiting one takes its place', async () => {
    const { team, busy, first, waiting } = await fullTeam('round_robin', 2);
    expect((await invoke(resolve, { ...conversation(first, 'resolve'), method: 'POST', ...as(busy) })).status).toBe(
      204,
    );
    expect((await holderOf(first)).status).toBe('unassigned');
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(busy);
    expect((await queueOf(team)).map((q) => q.conversationId)).toEqual([waiting[1]]);
    const trail = await auditOf(first);
    expect(trail.map((e) => e.action)).toContain('conversation.resolved');
    // Resolving again, or an unknown conversation: nothing to do.
    expect((await invoke(resolve, { ...conversation(first, 'resolve'), method: 'POST', ...as(busy) })).status).toBe(
      204,
    );
  });

  it('a conversation is handed back: it queues behind the older ones, and the freed room takes the oldest', async () => {
    const { team, busy, first, waiting } = await fullTeam('round_robin', 1);
    expect((await invoke(unassign, { ...conversation(first), method: 'DELETE', ...as(busy) })).status).toBe(204);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(busy);
    const queue = await queueOf(team);
    expect(queue).toMatchObject([{ conversationId: first, reason: 'unassigned' }]);
  });

  it('a conversation is reassigned away: the previous assignee’s room drains', async () => {
    const { busy, first, waiting } = await fullTeam('round_robin', 1);
    const [outsider] = (await agents(1)) as [string];
    const moved = await invoke(assign, {
      ...conversation(first),
      method: 'PUT',
      body: { assigneeId: outsider },
      ...as(admin),
    });
    expect(moved.body.assigneeId).toBe(outsider);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(busy);
  });

  it('the capacity is raised', async () => {
    const { team, busy, waiting } = await fullTeam('load_balanced', 3);
    const res = await invoke(updateTeam, { ...teamPath(team), method: 'PATCH', body: { capacity: 3 }, ...as(admin) });
    expect(res.status).toBe(200);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(busy);
    expect((await holderOf(waiting[1] as string)).assigneeId).toBe(busy);
    expect((await queueOf(team)).map((q) => q.conversationId)).toEqual([waiting[2]]);
  });

  it('the strategy changes from manual', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const team = await newTeam({ assignmentStrategy: 'manual' }, [a, b]);
    const waiting = [await toTeam(team), await toTeam(team)];
    expect(waiting.map((w) => w.queueReason)).toEqual(['manual', 'manual']);
    await invoke(updateTeam, {
      ...teamPath(team),
      method: 'PATCH',
      body: { assignmentStrategy: 'round_robin' },
      ...as(admin),
    });
    const holders = await Promise.all(waiting.map(async (w) => (await holderOf(w.id)).assigneeId));
    expect(holders.sort()).toEqual([a, b].sort());
  });
});

describe('suspension, away release and the release job', () => {
  it('suspension returns the member’s conversations to their team queues, audited each; reactivation does not take them back', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const team = await newTeam({ assignmentStrategy: 'round_robin', capacity: 5 }, [a]);
    const held = [await toTeam(team), await toTeam(team)];
    expect(held.every((h) => h.assigneeId === a)).toBe(true);
    await join(team, b);
    await availability(b, 'away');
    expect((await invoke(suspend, { ...memberPath(a, '/suspend'), method: 'POST', ...as(admin) })).status).toBe(200);
    const queue = await queueOf(team);
    expect(queue.map((q) => q.reason)).toEqual(['assignee.suspended', 'assignee.suspended']);
    for (const h of held) {
      const trail = await auditOf(h.id);
      expect(trail.find((e) => e.action === 'conversation.unassigned')?.after).toMatchObject({
        assigneeId: null,
        teamId: team,
        reason: 'assignee.suspended',
      });
    }
    await availability(b, 'online');
    expect(await queueOf(team)).toEqual([]);
    expect((await invoke(reactivate, { ...memberPath(a, '/reactivate'), method: 'POST', ...as(admin) })).status).toBe(
      200,
    );
    for (const h of held) expect((await holderOf(h.id)).assigneeId).toBe(b);
  });

  it('awayReleaseSeconds 0 releases at once to whoever is online; absent never releases', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const releasing = await newTeam({ assignmentStrategy: 'round_robin', awayReleaseSeconds: 0 }, [a]);
    const keeping = await newTeam({ assignmentStrategy: 'round_robin' }, [a]);
    const r = await toTeam(releasing);
    const k = await toTeam(keeping);
    await join(releasing, b);
    expect((await availability(a, 'away')).status).toBe(200);
    expect((await holderOf(r.id)).assigneeId).toBe(b);
    expect((await holderOf(k.id)).assigneeId).toBe(a);
    const trail = await auditOf(r.id);
    expect(trail.find((e) => e.action === 'conversation.unassigned')?.after).toMatchObject({ reason: 'assignee.away' });
  });

  it('a non-zero awayReleaseSeconds is enforced by the release job once the member has been away that long', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const team = await newTeam({ assignmentStrategy: 'round_robin', awayReleaseSeconds: 60 }, [a, b]);
    await availability(b, 'away');
    const c = await toTeam(team);
    expect(c.assigneeId).toBe(a);
    await availability(b, 'online');
    await availability(a, 'away');
    expect((await holderOf(c.id)).assigneeId).toBe(a);
    await runReleaseJob({ now: () => new Date(Date.now() + 30_000) });
    expect((await holderOf(c.id)).assigneeId).toBe(a);
    const run = await runReleaseJob({ now: () => new Date(Date.now() + 61_000) });
    expect(run.awayReleased).toBeGreaterThanOrEqual(1);
    expect((await holderOf(c.id)).assigneeId).toBe(b);
  });

  it('the job sweeps a queue whose trigger was missed (a member added through PATCH /users teamIds)', async () => {
    const { team, waiting } = await fullTeam('round_robin', 1);
    const [b] = (await agents(1)) as [string];
    const patched = await invoke(updateMember, {
      ...memberPath(b),
      method: 'PATCH',
      body: { teamIds: [team] },
      ...as(admin),
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const run = await runReleaseJob({});
    expect(run.drained).toBeGreaterThanOrEqual(1);
    expect((await holderOf(waiting[0] as string)).assigneeId).toBe(b);
  });
});

describe('why: the decision log and the team as people', () => {
  it('every automatic pick’s audit item records the strategy, the candidates with load and capacity, who was skipped and why', async () => {
    const [a, b, c] = (await agents(3)) as [string, string, string];
    const team = await newTeam({ assignmentStrategy: 'load_balanced', capacity: 2 }, [a, b, c]);
    await availability(b, 'away');
    expect((await invoke(suspend, { ...memberPath(c, '/suspend'), method: 'POST', ...as(admin) })).status).toBe(200);
    const picked = await toTeam(team);
    expect(picked.assigneeId).toBe(a);
    const item = (await auditOf(picked.id)).find((e) => e.action === 'conversation.assigned');
    expect(item?.after).toMatchObject({
      assigneeId: a,
      teamId: team,
      reason: 'team.load_balanced',
      decision: {
        strategy: 'load_balanced',
        capacity: 2,
        picked: a,
        candidates: expect.arrayContaining([
          { id: a, load: 0 },
          { id: b, load: 0, skipped: 'away' },
          { id: c, load: 0, skipped: 'suspended' },
        ]),
      },
    });
    // Manual and queued outcomes record their reason too.
    const manual = await invoke(assign, {
      ...conversation(`m-${unique()}`),
      method: 'PUT',
      body: { assigneeId: b },
      ...as(admin),
    });
    const manualItem = (await auditOf(manual.body.conversationId)).find((e) => e.action === 'conversation.assigned');
    expect(manualItem?.after).toMatchObject({ reason: 'manual' });
  });

  it('GET …/teams/{teamId}/members: name, email, status, availability and open load; a rename shows at once', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const team = await newTeam({ assignmentStrategy: 'round_robin' }, [a, b]);
    await toTeam(team);
    await availability(b, 'away');
    await invoke(updateMember, { ...memberPath(a), method: 'PATCH', body: { name: 'Ana Renamed' }, ...as(admin) });
    const res = await invoke(listTeamMembers, { ...teamPath(team, '/members'), ...as(admin) });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.items.map((i: { userId: string }) => [i.userId, i]));
    expect(byId.get(a)).toMatchObject({
      name: 'Ana Renamed',
      email: `${a}@it.test`,
      status: 'active',
      availability: 'online',
      openAssignments: 1,
    });
    expect(byId.get(b)).toMatchObject({ availability: 'away', openAssignments: 0 });
  });
});
