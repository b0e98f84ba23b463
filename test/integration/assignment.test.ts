/**
 * Teams and conversation assignment against DynamoDB Local: team membership
 * stays consistent with `teamIds`, strategies share fairly, concurrent
 * assignments never give a conversation two owners and keep every open count
 * exact, claims race to one winner, reassignment rights, and deactivating an
 * agent with 5,000 open conversations releases them all (batched, resumable).
 */
import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as assign } from '../../functions/assignments/assign.ts';
import { handler as claim } from '../../functions/assignments/claim.ts';
import { handler as getAssignment } from '../../functions/assignments/get.ts';
import { handler as memberQueue } from '../../functions/assignments/list-for-member.ts';
import { handler as unassign } from '../../functions/assignments/unassign.ts';
import { handler as createTeam } from '../../functions/teams/create.ts';
import { handler as deleteTeam } from '../../functions/teams/delete.ts';
import { handler as listTeamMembers } from '../../functions/teams/list-members.ts';
import { handler as removeTeamMember } from '../../functions/teams/remove-member.ts';
import { handler as setAvailability } from '../../functions/users/availability.ts';
import { handler as deactivate } from '../../functions/users/deactivate.ts';
import { handler as deleteMember } from '../../functions/users/delete.ts';
import { handler as updateMember } from '../../functions/users/update.ts';
import { runReleaseJob } from '../../lib/app/release.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { assignmentItem } from '../../lib/store/assignments.ts';
import { keys } from '../../lib/store/keys.ts';
import { getMember } from '../../lib/store/members.ts';
import { getTeam } from '../../lib/store/teams.ts';
import { invoke } from '../sdk/events.ts';
import { as, seedMember as seed, tenantFixtures, unique } from './support/assignment-fixtures.ts';

let tenantId: string;
let admin: string;
let manager: string;
const { teamMemberPath, conversation, memberPath, newTeam, agents } = tenantFixtures(
  () => tenantId,
  () => admin,
);
const seedMember = (role: MemberRecord['role'], label: string) => seed(tenantId, role, label);
const teamsPath = () => ({ path: `/v1/tenants/${tenantId}/teams`, pathParameters: { tenantId } });

/** Every assignment item of the tenant (consistent). */
async function assignments(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': 'CONVERSATION#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Each member's counter equals the number of conversations the table says they hold. */
async function expectExactCounts(memberIds: string[]) {
  const held = new Map<string, number>();
  for (const item of await assignments()) {
    if (item.assigneeId) held.set(String(item.assigneeId), (held.get(String(item.assigneeId)) ?? 0) + 1);
  }
  let sum = 0;
  for (const id of memberIds) {
    const member = await getMember(tenantId, id);
    expect(member?.openAssignments ?? 0, id).toBe(held.get(id) ?? 0);
    sum += member?.openAssignments ?? 0;
  }
  return sum;
}

beforeAll(async () => {
  const created = await provisionTenant(
    { name: 'Assign Co', plan: 'enterprise', owner: { email: `owner-${unique()}@it.test`, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  tenantId = created.id;
  admin = await seedMember('admin', 'admin');
  manager = await seedMember('manager', 'manager');
});

describe('teams', () => {
  it('membership moves the link, the member’s teamIds and the count together; names are unique; a team with members stays', async () => {
    const [a] = await agents(1);
    const name = `Support ${unique()}`;
    const team = await newTeam({ name }, [a as string]);
    const again = await invoke(createTeam, {
      ...teamsPath(),
      method: 'POST',
      body: { name: name.toUpperCase() },
      ...as(admin),
    });
    expect(again.status).toBe(409);
    expect((await getMember(tenantId, a as string))?.teamIds).toEqual([team]);
    expect((await getTeam(tenantId, team))?.memberCount).toBe(1);
    const list = await invoke(listTeamMembers, {
      path: `/v1/tenants/${tenantId}/teams/${team}/members`,
      pathParameters: { tenantId, teamId: team },
      ...as(admin),
    });
    expect(list.body.items.map((i: { userId: string }) => i.userId)).toEqual([a]);
    const teamPath = { path: `/v1/tenants/${tenantId}/teams/${team}`, pathParameters: { tenantId, teamId: team } };
    expect((await invoke(deleteTeam, { ...teamPath, method: 'DELETE', ...as(admin) })).status).toBe(409);
    expect(
      (await invoke(removeTeamMember, { ...teamMemberPath(team, a as string), method: 'DELETE', ...as(admin) })).status,
    ).toBe(204);
    expect((await getMember(tenantId, a as string))?.teamIds).toEqual([]);
    expect((await getTeam(tenantId, team))?.memberCount).toBe(0);
    expect((await invoke(deleteTeam, { ...teamPath, method: 'DELETE', ...as(admin) })).status).toBe(204);
  });

  it('PATCH /users teamIds writes the links in the same transaction; an unknown team is a 400 naming it', async () => {
    const [a] = await agents(1);
    const t1 = await newTeam({}, []);
    const bad = await invoke(updateMember, {
      ...memberPath(a as string),
      method: 'PATCH',
      body: { teamIds: [t1, 'nope'] },
      ...as(admin),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('nope');
    const ok = await invoke(updateMember, {
      ...memberPath(a as string),
      method: 'PATCH',
      body: { teamIds: [t1] },
      ...as(admin),
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.teamIds).toEqual([t1]);
    expect((await getTeam(tenantId, t1))?.memberCount).toBe(1);
    await invoke(updateMember, { ...memberPath(a as string), method: 'PATCH', body: { teamIds: [] }, ...as(admin) });
    expect((await getTeam(tenantId, t1))?.memberCount).toBe(0);
  });
});

describe('team strategies', () => {
  it('round robin: 6 conversations over 3 online agents → 2/2/2; an away agent gets none', async () => {
    const people = await agents(4);
    const away = people[3] as string;
    expect(
      (
        await invoke(setAvailability, {
          ...memberPath(away, '/availability'),
          method: 'PUT',
          body: { availability: 'away' },
          ...as(away),
        })
      ).status,
    ).toBe(200);
    const team = await newTeam({ assignmentStrategy: 'round_robin' }, people);
    for (let i = 0; i < 6; i++) {
      const res = await invoke(assign, {
        ...conversation(`rr-${unique()}`),
        method: 'PUT',
        body: { teamId: team },
        ...as(manager),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe('assigned');
    }
    const counts = await Promise.all(people.map(async (id) => (await getMember(tenantId, id))?.openAssignments ?? 0));
    expect(counts).toEqual([2, 2, 2, 0]);
  });

  it('load balanced picks the least loaded; capacity full → the conversation waits in the team queue and the response says so', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    await invoke(assign, {
      ...conversation(`pre-${unique()}`),
      method: 'PUT',
      body: { assigneeId: a },
      ...as(manager),
    });
    const team = await newTeam({ assignmentStrategy: 'load_balanced', capacity: 2 }, [a, b]);
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await invoke(assign, {
        ...conversation(`lb-${unique()}`),
        method: 'PUT',
        body: { teamId: team },
        ...as(manager),
      });
      picks.push(res.body.assigneeId ?? `queued:${res.body.queueReason}`);
    }
    expect(picks).toEqual([b, a, b, 'queued:nobody-available']);
    await expectExactCounts([a, b]);
  });

  it('manual leaves it in the team queue', async () => {
    const [a] = await agents(1);
    const team = await newTeam({ assignmentStrategy: 'manual' }, [a as string]);
    const res = await invoke(assign, {
      ...conversation(`m-${unique()}`),
      method: 'PUT',
      body: { teamId: team },
      ...as(manager),
    });
    expect(res.body).toMatchObject({ status: 'queued', assigneeId: null, teamId: team, queueReason: 'manual' });
  });
});

describe('under concurrency', () => {
  it('50 concurrent team assignments: one owner each, open counts exact', async () => {
    const people = await agents(3);
    const team = await newTeam({ assignmentStrategy: 'round_robin' }, people);
    const ids = Array.from({ length: 50 }, () => `c50-${unique()}`);
    const results = await Promise.all(
      ids.map((id) => invoke(assign, { ...conversation(id), method: 'PUT', body: { teamId: team }, ...as(manager) })),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    const sum = await expectExactCounts(people);
    const held = (await assignments()).filter((i) => ids.includes(String(i.conversationId)));
    expect(held).toHaveLength(50);
    expect(sum).toBe(held.filter((i) => i.assigneeId).length);
    expect(sum).toBe(50);
    const counts = await Promise.all(people.map(async (id) => (await getMember(tenantId, id))?.openAssignments));
    expect(Math.max(...(counts as number[])) - Math.min(...(counts as number[]))).toBeLessThanOrEqual(1);
  });

  it('50 concurrent assignments of the SAME conversation: exactly one owner, counts exact', async () => {
    const people = await agents(3);
    const team = await newTeam({ assignmentStrategy: 'load_balanced' }, people);
    const id = `same-${unique()}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        invoke(assign, {
          ...conversation(id),
          method: 'PUT',
          body: i % 2 ? { teamId: team } : { assigneeId: people[i % 3] },
          ...as(manager),
        }),
      ),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    const sum = await expectExactCounts(people);
    expect(sum).toBe(1);
    const queues = await Promise.all(
      people.map((userId) => invoke(memberQueue, { ...memberPath(userId, '/assignments'), ...as(manager) })),
    );
    expect(queues.flatMap((q) => q.body.items.map((i: { conversationId: string }) => i.conversationId))).toEqual([id]);
  });

  it('claim race: one winner, the other gets 409', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const id = `claim-${unique()}`;
    const [ra, rb] = await Promise.all([
      invoke(claim, { ...conversation(id, 'claim'), method: 'POST', ...as(a) }),
      invoke(claim, { ...conversation(id, 'claim'), method: 'POST', ...as(b) }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    await expectExactCounts([a, b]);
  });
});

describe('reassign rights', () => {
  it('an agent can’t take or drop a colleague’s conversation; a manager reassigns at any time', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const id = `rights-${unique()}`;
    expect((await invoke(claim, { ...conversation(id, 'claim'), method: 'POST', ...as(a) })).status).toBe(200);
    expect(
      (await invoke(assign, { ...conversation(id), method: 'PUT', body: { assigneeId: b }, ...as(b) })).status,
    ).toBe(403);
    expect((await invoke(claim, { ...conversation(id, 'claim'), method: 'POST', ...as(b) })).status).toBe(409);
    expect((await invoke(unassign, { ...conversation(id), method: 'DELETE', ...as(b) })).status).toBe(403);
    const moved = await invoke(assign, { ...conversation(id), method: 'PUT', body: { assigneeId: b }, ...as(manager) });
    expect(moved.status).toBe(200);
    // Who holds it now is b's to read (and the manager's, conversations:view) — no longer a's (issue 17).
    expect((await invoke(getAssignment, { ...conversation(id), ...as(a) })).status).toBe(403);
    for (const reader of [b, manager]) {
      expect((await invoke(getAssignment, { ...conversation(id), ...as(reader) })).body).toMatchObject({
        assigneeId: b,
        status: 'assigned',
      });
    }
    expect((await invoke(unassign, { ...conversation(id), method: 'DELETE', ...as(b) })).status).toBe(204);
    await expectExactCounts([a, b]);
  });
});

describe('leaving releases every open conversation', () => {
  it('deleting a member releases theirs back to the team queue (drained to the teammate with room) and removes their team links', async () => {
    const [a, b] = (await agents(2)) as [string, string];
    const team = await newTeam({ assignmentStrategy: 'round_robin' }, [a, b]);
    for (let i = 0; i < 4; i++) {
      await invoke(assign, {
        ...conversation(`del-${unique()}`),
        method: 'PUT',
        body: { teamId: team },
        ...as(manager),
      });
    }
    expect((await invoke(deleteMember, { ...memberPath(a), method: 'DELETE', ...as(admin) })).status).toBe(204);
    const held = (await assignments()).filter((i) => i.teamId === team);
    expect(held.filter((i) => i.assigneeId === a)).toHaveLength(0);
    // Back in the team queue, and drained at once to the teammate who is online with room.
    expect(held.filter((i) => !i.assigneeId)).toHaveLength(0);
    expect(held.filter((i) => i.assigneeId === b)).toHaveLength(4);
    expect((await getTeam(tenantId, team))?.memberCount).toBe(1);
    expect((await getTeam(tenantId, team))?.queued).toBe(0);
    await expectExactCounts([b]);
  });

  it('deactivating an agent holding 5,000 open assignments completes and leaves none', async () => {
    const [a] = (await agents(1)) as [string];
    const team = await newTeam({ assignmentStrategy: 'round_robin' }, [a]);
    const at = Date.now();
    const items = Array.from({ length: 5_000 }, (_, i) => {
      const assignedAt = new Date(at + i).toISOString();
      return assignmentItem({
        tenantId,
        conversationId: `bulk-${i}`,
        assigneeId: a,
        teamId: team,
        assignedAt,
        updatedAt: assignedAt,
        version: 1,
      });
    });
    const chunks = Array.from({ length: items.length / 25 }, (_, i) => items.slice(i * 25, i * 25 + 25));
    for (let i = 0; i < chunks.length; i += 20) {
      await Promise.all(
        chunks.slice(i, i + 20).map((chunk) =>
          dynamo().send(
            new BatchWriteCommand({
              RequestItems: { [config().tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) },
            }),
          ),
        ),
      );
    }
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(tenantId, a),
        UpdateExpression: 'ADD openAssignments :n',
        ExpressionAttributeValues: { ':n': 5_000 },
      }),
    );

    const started = Date.now();
    // A Lambda with 10 s: the route releases what it can in time, the release job the rest.
    const deadline = Date.now() + 10_000;
    const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
    const res = await deactivate(
      (await import('../sdk/events.ts')).apiEvent({ ...memberPath(a, '/deactivate'), method: 'POST', ...as(admin) }),
      context,
    );
    expect(res.statusCode).toBe(200);
    const inline = Date.now() - started;
    let runs = 0;
    for (;;) {
      runs += 1;
      const summary = await runReleaseJob({});
      if (!summary.remaining) break;
      expect(runs).toBeLessThan(10);
    }
    const seconds = (Date.now() - started) / 1000;
    console.info(
      `5,000 open assignments released in ${seconds.toFixed(1)} s (route ${inline} ms, then ${runs} job run(s))`,
    );
    expect((await getMember(tenantId, a))?.openAssignments).toBe(0);
    const queue = await invoke(memberQueue, { ...memberPath(a, '/assignments'), ...as(admin) });
    expect(queue.body.items).toEqual([]);
    const bulk = (await assignments()).filter((i) => String(i.conversationId).startsWith('bulk-') && i.teamId === team);
    expect(bulk).toHaveLength(5_000);
    expect(bulk.every((i) => !i.assigneeId && i.queuedAt)).toBe(true);
  }, 120_000);
});
