/**
 * Assignment (issue 13): conversations through a team of agents with a
 * per-agent capacity and random resolves, driven the way the inbox backend
 * drives Roster — its platform twins, through the gateway. More conversations
 * arrive than the team can hold, so the queue builds and every resolve drains it.
 *
 * Phase 1, one request at a time: the DynamoDB requests of each (recorded), so
 * round trips per assignment, per queued assignment, per resolve and per
 * drained conversation are exact. Phase 2, `concurrency` inbox workers at
 * once: latency under contention. Then every conversation is resolved. The
 * invariants are checked at quiescence after each phase: no agent over
 * capacity, counters and cards equal what the items say, each open
 * conversation held once or queued once, none waiting while an agent has room,
 * none lost; at the end nothing is left.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { linkFromItem } from '../../lib/store/cards.ts';
import { type Api, type Res, unique } from './api.ts';
import type { BenchConfig } from './config.ts';
import type { RecordedCall, Recorder } from './recorder.ts';
import { shortName } from './recorder.ts';
import { addSeats, batchWrite, member, memberItems } from './seed.ts';
import { quantile, round } from './stats.ts';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
}

export interface AssignmentResult {
  conversations: number;
  agents: number;
  capacity: number;
  invariantsHold: boolean;
  /** Median DynamoDB requests of an assignment to the team that found an agent at once. */
  roundTripsPerAssignment: number;
  /** … of one that queued (it then checks the queue: the drain's reads). */
  roundTripsPerQueuedAssignment: number | null;
  /** Requests a resolve's drain made per conversation it drained (reads and transactions). */
  roundTripsPerDrainedConversation: number | null;
  /** Transactions per drained conversation (a drain assigns several per transaction when it can). */
  transactionsPerDrainedConversation: number | null;
  latencyMs: { assign: Percentiles; resolve: Percentiles };
  concurrentLatencyMs: { assign: Percentiles; resolve: Percentiles };
}

export interface AssignmentDetails {
  /** Requests of a resolve by what it did: its own work, and the drain when nothing waited. */
  resolveRequests: { own: number | null; drainWhenEmpty: number | null };
  /** Conversations a single resolve drained: how often each count occurred. */
  drainedPerResolve: Record<string, number>;
  commands: { assign: string[]; queued: string[]; resolveWithDrain: string[] };
  answers: Record<string, number>;
  queuedAtPeak: number;
  drained: number;
  concurrency: number;
  seconds: { seed: number; sequential: number; concurrent: number; finish: number };
  invariants: { afterSequential: string[]; afterConcurrent: string[]; atEnd: string[] };
  pass: boolean;
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(quantile(sorted, 0.5), 1), p95: round(quantile(sorted, 0.95), 1) };
}

const medianOf = (values: readonly number[]) =>
  values.length
    ? round(
        quantile(
          [...values].sort((a, b) => a - b),
          0.5,
        ),
        1,
      )
    : null;

/** Conversations a request's transactions gave to someone (assignment items written with an assignee). */
function assignedIn(calls: readonly RecordedCall[]): number {
  let n = 0;
  for (const call of calls) {
    if (shortName(call) !== 'TransactWriteItems') continue;
    const items =
      (call.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? [];
    n += items.filter((i) => i.Put?.Item?.entity === 'assignment' && i.Put.Item.assigneeId).length;
  }
  return n;
}

async function partition(tenantId: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
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

/** The invariants at quiescence; returns what is broken (empty = all hold). */
async function invariants(
  tenantId: string,
  teamId: string,
  capacity: number,
  open: ReadonlySet<string>,
): Promise<string[]> {
  const broken: string[] = [];
  const [conversations, members, teamItems] = await Promise.all([
    partition(tenantId, 'CONVERSATION#'),
    partition(tenantId, 'MEMBER#'),
    partition(tenantId, `TEAM#${teamId}`),
  ]);
  const ids = new Set(conversations.map((c) => String(c.conversationId)));
  const lost = [...open].filter((id) => !ids.has(id));
  const lingering = [...ids].filter((id) => !open.has(id));
  if (lost.length) broken.push(`${lost.length} open conversations lost`);
  if (lingering.length) broken.push(`${lingering.length} resolved conversations still there`);
  const held = new Map<string, number>();
  for (const c of conversations)
    if (c.assigneeId) held.set(String(c.assigneeId), (held.get(String(c.assigneeId)) ?? 0) + 1);
  const links = teamItems.filter((i) => i.entity === 'teamMember').map(linkFromItem);
  const team = teamItems.find((i) => i.entity === 'team');
  const entries = teamItems.filter((i) => i.entity === 'queueEntry');
  const queued = conversations.filter((c) => !c.assigneeId);
  for (const m of members.filter((m) => m.role === 'agent')) {
    const load = Number(m.openAssignments ?? 0);
    if (load !== (held.get(String(m.id)) ?? 0))
      broken.push(`${m.id}: counter ${load}, holds ${held.get(String(m.id)) ?? 0}`);
    if (load > capacity) broken.push(`${m.id} over capacity (${load})`);
    const card = links.find((l) => l.memberId === m.id);
    if (card && card.load !== load) broken.push(`${m.id}: card load ${card.load}, counter ${load}`);
    if (queued.length > 0 && m.status === 'active' && m.availability === 'online' && load < capacity) {
      broken.push(`${m.id} has room while ${queued.length} wait`);
    }
  }
  if (entries.length !== queued.length) broken.push(`${entries.length} queue entries for ${queued.length} queued`);
  if (Number(team?.queued ?? 0) !== queued.length)
    broken.push(`team counts ${team?.queued} queued, ${queued.length} are`);
  return broken;
}

export async function assignmentBench(
  api: Api,
  recorder: Recorder,
  sizes: BenchConfig['assignment'],
): Promise<{ result: AssignmentResult; details: AssignmentDetails }> {
  const t0 = performance.now();
  const t = await api.tenantWithOwner('assign', 'enterprise');
  const at = new Date().toISOString();
  const agents = Array.from({ length: sizes.agents }, (_, n) => member(t.tenantId, n, at));
  await batchWrite(memberItems(agents));
  await addSeats(t.tenantId, agents.length);
  const team = await api.ok('POST', `/v1/tenants/${t.tenantId}/teams`, {
    token: t.ownerToken,
    body: { name: 'Inbox', assignmentStrategy: 'load_balanced', capacity: sizes.capacity },
  });
  const teamId = team.body.id as string;
  for (const a of agents) {
    await api.ok('PUT', `/v1/tenants/${t.tenantId}/teams/${teamId}/members/${a.id}`, { token: t.ownerToken });
  }
  const seedSeconds = round((performance.now() - t0) / 1000, 1);

  const inbox = `/v1/platform/tenants/${t.tenantId}`;
  const machine = { headers: api.platform };
  const open = new Set<string>();
  const assigned = new Set<string>();
  const answers: Record<string, number> = {};
  const tally = (what: string, res: Res) => {
    const key = `${what} ${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`;
    answers[key] = (answers[key] ?? 0) + 1;
  };
  let created = 0;
  const assign = async () => {
    const id = `bench-${unique()}`;
    created += 1;
    const res = await api.call('PUT', `${inbox}/conversations/${id}/assignment`, { ...machine, body: { teamId } });
    tally('assign', res);
    if (res.status === 200) {
      open.add(id);
      if (res.body.status === 'assigned') assigned.add(id);
    }
    return res;
  };
  /** Resolves an assigned conversation (the inbox closes what an agent answered). */
  const resolveOne = async () => {
    const held = [...assigned];
    const id = held[Math.floor(Math.random() * held.length)];
    if (!id) return undefined;
    assigned.delete(id);
    const res = await api.call('POST', `${inbox}/conversations/${id}/resolve`, machine);
    tally('resolve', res);
    if (res.status === 204) open.delete(id);
    return res;
  };
  /** Which queued conversations a drain handed out: they are assigned now. */
  const refreshAssigned = async () => {
    const items = await partition(t.tenantId, 'CONVERSATION#');
    assigned.clear();
    for (const c of items) if (c.assigneeId) assigned.add(String(c.conversationId));
  };

  // ── phase 1: one request at a time, every DynamoDB request recorded ──
  const half = Math.floor(sizes.conversations / 2);
  const seq = { assign: [] as number[], resolve: [] as number[] };
  const rt = { assign: [] as number[], queued: [] as number[], resolveOwn: [] as number[], drainEmpty: [] as number[] };
  const commands = { assign: [] as string[], queued: [] as string[], resolveWithDrain: [] as string[] };
  const drainedPerResolve: Record<string, number> = {};
  let drainRequests = 0;
  let drainTransactions = 0;
  let drained = 0;
  let queuedAtPeak = 0;
  const t1 = performance.now();
  while (created < half) {
    const full = open.size >= sizes.agents * sizes.capacity;
    if (!full || Math.random() < sizes.arrivalShare) {
      const { result: res, calls } = await recorder.capture(assign);
      seq.assign.push(res.ms);
      const names = calls.filter((c) => c.service === 'dynamodb').map(shortName);
      if (res.body?.status === 'assigned') {
        rt.assign.push(names.length);
        if (commands.assign.length === 0) commands.assign = names;
      } else {
        rt.queued.push(names.length);
        if (commands.queued.length === 0) commands.queued = names;
      }
    } else {
      const { result: res, calls } = await recorder.capture(async () => resolveOne());
      if (!res) continue;
      seq.resolve.push(res.ms);
      const dynamoCalls = calls.filter((c) => c.service === 'dynamodb');
      const names = dynamoCalls.map(shortName);
      const own = names.indexOf('TransactWriteItems') + 1;
      const k = assignedIn(dynamoCalls.slice(own));
      drainedPerResolve[k] = (drainedPerResolve[k] ?? 0) + 1;
      rt.resolveOwn.push(own);
      if (k === 0) rt.drainEmpty.push(names.length - own);
      else {
        drained += k;
        drainRequests += names.length - own;
        drainTransactions += names.slice(own).filter((n) => n === 'TransactWriteItems').length;
        if (commands.resolveWithDrain.length === 0) commands.resolveWithDrain = names;
        await refreshAssigned();
      }
    }
    queuedAtPeak = Math.max(queuedAtPeak, open.size - assigned.size);
  }
  const sequentialSeconds = round((performance.now() - t1) / 1000, 1);
  await refreshAssigned();
  const afterSequential = await invariants(t.tenantId, teamId, sizes.capacity, open);

  // ── phase 2: concurrent inbox workers ──
  const conc = { assign: [] as number[], resolve: [] as number[] };
  const t2 = performance.now();
  await Promise.all(
    Array.from({ length: sizes.concurrency }, async () => {
      while (created < sizes.conversations) {
        const full = open.size >= sizes.agents * sizes.capacity;
        if (!full || Math.random() < sizes.arrivalShare) conc.assign.push((await assign()).ms);
        else {
          const res = await resolveOne();
          if (res) conc.resolve.push(res.ms);
          else await refreshAssigned();
        }
        if (assigned.size === 0) await refreshAssigned();
      }
    }),
  );
  const concurrentSeconds = round((performance.now() - t2) / 1000, 1);
  await refreshAssigned();
  const afterConcurrent = await invariants(t.tenantId, teamId, sizes.capacity, open);

  // ── the rest: resolve until nothing is open (each resolve drains the queue further) ──
  const t3 = performance.now();
  for (let rounds = 0; open.size > 0 && rounds < 1000; rounds++) {
    await refreshAssigned();
    const batch = [...assigned];
    assigned.clear();
    for (let i = 0; i < batch.length; i += sizes.concurrency) {
      await Promise.all(
        batch.slice(i, i + sizes.concurrency).map(async (id) => {
          const res = await api.call('POST', `${inbox}/conversations/${id}/resolve`, machine);
          tally('resolve', res);
          if (res.status === 204) open.delete(id);
        }),
      );
    }
  }
  const finishSeconds = round((performance.now() - t3) / 1000, 1);
  const atEnd = await invariants(t.tenantId, teamId, sizes.capacity, open);
  if (open.size > 0) atEnd.push(`${open.size} conversations never resolved`);
  const invariantsHold = afterSequential.length + afterConcurrent.length + atEnd.length === 0;

  const result: AssignmentResult = {
    conversations: created,
    agents: sizes.agents,
    capacity: sizes.capacity,
    invariantsHold,
    roundTripsPerAssignment: medianOf(rt.assign) ?? Number.NaN,
    roundTripsPerQueuedAssignment: medianOf(rt.queued),
    roundTripsPerDrainedConversation: drained ? round(drainRequests / drained, 2) : null,
    transactionsPerDrainedConversation: drained ? round(drainTransactions / drained, 2) : null,
    latencyMs: { assign: percentiles(seq.assign), resolve: percentiles(seq.resolve) },
    concurrentLatencyMs: { assign: percentiles(conc.assign), resolve: percentiles(conc.resolve) },
  };
  return {
    result,
    details: {
      resolveRequests: { own: medianOf(rt.resolveOwn), drainWhenEmpty: medianOf(rt.drainEmpty) },
      drainedPerResolve,
      commands,
      answers,
      queuedAtPeak,
      drained,
      concurrency: sizes.concurrency,
      seconds: {
        seed: seedSeconds,
        sequential: sequentialSeconds,
        concurrent: concurrentSeconds,
        finish: finishSeconds,
      },
      invariants: { afterSequential, afterConcurrent, atEnd },
      pass: invariantsHold && Object.keys(answers).every((k) => !/ 5\d\d/.test(k)),
    },
  };
}
