/**
 * Assignment under load (DESIGN §9), a property over random interleavings:
 * 20 concurrent clients make random team assignments, resolves, hand-backs,
 * availability flips, member adds and removals, capacity raises and strategy
 * changes against DynamoDB Local. At quiescence:
 * - no member is over capacity (a pick never exceeds its team's capacity);
 * - no conversation is held twice or lost: every open conversation is held by
 *   exactly one person or waits in exactly one queue, every counter (member,
 *   card, team queue) equals what the items say;
 * - no conversation waits while an eligible member of its team has room.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as assign } from '../../functions/assignments/assign.ts';
import { handler as resolve } from '../../functions/assignments/resolve.ts';
import { handler as unassign } from '../../functions/assignments/unassign.ts';
import { handler as addTeamMember } from '../../functions/teams/add-member.ts';
import { handler as createTeam } from '../../functions/teams/create.ts';
import { handler as removeTeamMember } from '../../functions/teams/remove-member.ts';
import { handler as updateTeam } from '../../functions/teams/update.ts';
import { handler as setAvailability } from '../../functions/users/availability.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { linkFromItem } from '../../lib/store/cards.ts';
import { invoke } from '../sdk/events.ts';
import { as, seedMember as seed, unique } from './support/assignment-fixtures.ts';

const CLIENTS = 20;
const AGENTS = 6;
const MAX_CAPACITY = 5;
let tenantId: string;
let admin: string;
let agents: string[];
let teams: string[];
const seedMember = (role: MemberRecord['role'], label: string) => seed(tenantId, role, label);

type Command =
  | { kind: 'assign'; team: number }
  | { kind: 'resolve'; pick: number }
  | { kind: 'unassign'; pick: number }
  | { kind: 'availability'; agent: number; online: boolean }
  | { kind: 'join'; agent: number; team: number }
  | { kind: 'leave'; agent: number; team: number }
  | { kind: 'capacity'; team: number }
  | { kind: 'strategy'; team: number };

const agent = fc.nat({ max: AGENTS - 1 });
const team = fc.nat({ max: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('assign' as const), team }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unassign' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('availability' as const), agent, online: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const), agent, team }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), agent, team }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('capacity' as const), team }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('strategy' as const), team }) },
);

/** What the clients did, as far as the answers say. */
interface Ledger {
  created: Set<string>;
  resolved: Set<string>;
  capacity: number[];
  statuses: Map<number, number>;
}

async function run(c: Command, ledger: Ledger): Promise<void> {
  const t = tenantId;
  const known = [...ledger.created];
  const pick = (n: number) => known[n % Math.max(1, known.length)];
  let res: { status: number; body?: unknown };
  switch (c.kind) {
    case 'assign': {
      const id = `cc-${unique()}`;
      res = await invoke(assign, {
        path: `/v1/tenants/${t}/conversations/${id}/assignment`,
        pathParameters: { tenantId: t, conversationId: id },
        method: 'PUT',
        body: { teamId: teams[c.team] },
        ...as(admin),
      });
      if (res.status === 200) ledger.created.add(id);
      break;
    }
    case 'resolve':
    case 'unassign': {
      const id = pick(c.pick);
      if (!id) return;
      res = await invoke(c.kind === 'resolve' ? resolve : unassign, {
        path: `/v1/tenants/${t}/conversations/${id}/${c.kind === 'resolve' ? 'resolve' : 'assignment'}`,
        pathParameters: { tenantId: t, conversationId: id },
        method: c.kind === 'resolve' ? 'POST' : 'DELETE',
        ...as(admin),
      });
      if (c.kind === 'resolve' && res.status === 204) ledger.resolved.add(id);
      break;
    }
    case 'availability': {
      const userId = agents[c.agent] as string;
      res = await invoke(setAvailability, {
        path: `/v1/tenants/${t}/users/${userId}/availability`,
        pathParameters: { tenantId: t, userId },
        method: 'PUT',
        body: { availability: c.online ? 'online' : 'away' },
        ...as(userId),
      });
      break;
    }
    case 'join':
    case 'leave': {
      const userId = agents[c.agent] as string;
      const teamId = teams[c.team] as string;
      res = await invoke(c.kind === 'join' ? addTeamMember : removeTeamMember, {
        path: `/v1/tenants/${t}/teams/${teamId}/members/${userId}`,
        pathParameters: { tenantId: t, teamId, userId },
        method: c.kind === 'join' ? 'PUT' : 'DELETE',
        ...as(admin),
      });
      break;
    }
    case 'capacity':
    case 'strategy': {
      const teamId = teams[c.team] as string;
      const raised = Math.min(MAX_CAPACITY, (ledger.capacity[c.team] as number) + 1);
      const body =
        c.kind === 'capacity'
          ? { capacity: raised }
          : { assignmentStrategy: Math.random() < 0.5 ? 'round_robin' : 'load_balanced' };
      res = await invoke(updateTeam, {
        path: `/v1/tenants/${t}/teams/${teamId}`,
        pathParameters: { tenantId: t, teamId },
        method: 'PATCH',
        body,
        ...as(admin),
      });
      if (c.kind === 'capacity' && res.status === 200) {
        ledger.capacity[c.team] = Math.max(ledger.capacity[c.team] as number, raised);
      }
      break;
    }
  }
  ledger.statuses.set(res.status, (ledger.statuses.get(res.status) ?? 0) + 1);
  // Concurrency may refuse (409 after retries); it must never fail.
  expect(res.status, `${c.kind}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
}

async function partition(prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function expectInvariants(ledger: Ledger): Promise<void> {
  const [conversations, members, teamItems] = await Promise.all([
    partition('CONVERSATION#'),
    partition('MEMBER#'),
    partition('TEAM#'),
  ]);
  const mine = conversations.filter((c) => String(c.conversationId).startsWith('cc-'));
  const byMember = new Map(members.map((m) => [String(m.id), m]));
  const team = new Map(teamItems.filter((i) => i.entity === 'team').map((i) => [String(i.id), i]));
  const links = teamItems.filter((i) => i.entity === 'teamMember').map(linkFromItem);
  const entries = teamItems.filter((i) => i.entity === 'queueEntry');

  // Nothing lost, nothing resolved lingering: each open conversation is an item, held or queued.
  const open = [...ledger.created].filter((id) => !ledger.resolved.has(id));
  expect(mine.map((c) => String(c.conversationId)).sort()).toEqual(open.sort());
  for (const c of mine) expect(Boolean(c.assigneeId) || Boolean(c.teamId), String(c.conversationId)).toBe(true);

  // Held once: every counter is what the items say.
  const held = new Map<string, number>();
  for (const c of conversations)
    if (c.assigneeId) held.set(String(c.assigneeId), (held.get(String(c.assigneeId)) ?? 0) + 1);
  for (const id of agents) {
    const load = Number(byMember.get(id)?.openAssignments ?? 0);
    expect(load, `counter of ${id}`).toBe(held.get(id) ?? 0);
    for (const link of links.filter((l) => l.memberId === id)) expect(link.load, `card of ${id}`).toBe(load);
    // Never over capacity: every pick was within its team's capacity, and capacities only grew.
    expect(load).toBeLessThanOrEqual(Math.max(...ledger.capacity));
  }

  // Queued exactly once: a queued conversation has one entry in its team's queue, and the team counts it.
  const queued = mine.filter((c) => !c.assigneeId && c.teamId);
  expect(entries.map((e) => String(e.conversationId)).sort()).toEqual(
    queued.map((c) => String(c.conversationId)).sort(),
  );
  for (const id of teams) {
    const waiting = queued.filter((c) => c.teamId === id);
    expect(Number(team.get(id)?.queued ?? 0), `queue count of ${id}`).toBe(waiting.length);
    if (waiting.length === 0) continue;
    // Nobody eligible has room while something waits.
    const capacity = team.get(id)?.capacity as number | null;
    for (const link of links.filter((l) => l.teamId === id)) {
      const m = byMember.get(link.memberId);
      const room = capacity === null || Number(m?.openAssignments ?? 0) < capacity;
      const eligible = m?.status === 'active' && m?.availability === 'online' && room;
      expect(eligible, `${link.memberId} has room in ${id} while ${waiting.length} wait`).toBe(false);
    }
  }
}

beforeAll(async () => {
  const created = await provisionTenant(
    { name: 'Load Co', plan: 'enterprise', owner: { email: `owner-${unique()}@it.test`, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  tenantId = created.id;
  admin = await seedMember('admin', 'admin');
  agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => seedMember('agent', `ag${i}`)));
  teams = [];
  for (const [strategy, members] of [
    ['round_robin', agents.slice(0, 4)],
    ['load_balanced', agents.slice(2)],
  ] as const) {
    const res = await invoke(createTeam, {
      path: `/v1/tenants/${tenantId}/teams`,
      pathParameters: { tenantId },
      method: 'POST',
      body: { name: `Load ${unique()}`, assignmentStrategy: strategy, capacity: 2 },
      ...as(admin),
    });
    teams.push(res.body.id);
    for (const userId of members) {
      await invoke(addTeamMember, {
        path: `/v1/tenants/${tenantId}/teams/${res.body.id}/members/${userId}`,
        pathParameters: { tenantId, teamId: res.body.id, userId },
        method: 'PUT',
        ...as(admin),
      });
    }
  }
});

describe('assignment under load', () => {
  it('20 concurrent clients, random interleavings: within capacity, held once, none lost, none waiting beside room', async () => {
    const ledger: Ledger = { created: new Set(), resolved: new Set(), capacity: [2, 2], statuses: new Map() };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(command, { minLength: 4, maxLength: 8 }), { minLength: CLIENTS, maxLength: CLIENTS }),
        async (clients) => {
          await Promise.all(
            clients.map(async (commands) => {
              for (const c of commands) await run(c, ledger);
            }),
          );
          await expectInvariants(ledger);
        },
      ),
      { numRuns: 4, endOnFailure: true },
    );
    console.info(
      `${ledger.created.size} conversations, ${ledger.resolved.size} resolved; answers ${JSON.stringify(Object.fromEntries(ledger.statuses))}`,
    );
    expect(ledger.created.size).toBeGreaterThan(50);
  }, 300_000);
});
