/**
 * Scale (docs/architecture.md, bars): a page of a 10,000-member tenant against a 10-member one;
 * the expiry job draining 10,000 due invitations in a child process (wall time
 * and peak RSS); deactivating an agent with 5,000 open assignments (only once
 * assignments exist).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { stringClaims } from '../../infra/local/gateway-auth.ts';
import { buildEvent } from '../../infra/local/gateway-event.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { JOBS, ROUTES } from '../../lib/http/routes.ts';
import { assignmentItem } from '../../lib/store/assignments.ts';
import { keys } from '../../lib/store/keys.ts';
import { INDEXES } from '../../lib/store/table.ts';
import { tenantItem } from '../../lib/store/tenants.ts';
import type { Api } from './api.ts';
import type { Bundle } from './bundle.ts';
import { LAMBDA_NODE_OPTIONS } from './bundle.ts';
import { BENCH_DIR, type BenchConfig } from './config.ts';
import type { RecordedCall, Recorder } from './recorder.ts';
import { replay } from './replay.ts';
import { addSeats, batchWrite, member, memberItems, membersByStatus, seatHolders } from './seed.ts';
import { median, range, ratio, ratioRounds, round, summarise } from './stats.ts';

/** The bar: the big tenant's page ≤ 1.3 × the small one's. */
export const LIST_BAR = 1.3;

export interface JobFigure {
  seconds: number;
  peakRssMb: number;
}

export interface ScaleResult {
  listPageRatio10kVs10: number | null;
  expiry10k: JobFigure | null;
  deactivate5k: JobFigure | null;
}

export interface ScaleDetails {
  list?: {
    members: { big: number; small: number };
    /** Default page (limit 25): the big tenant returns 25 items, the small one all of its members. */
    defaultPage: { bigMs: number; smallMs: number; ratio: number; ratioRange: [number, number] };
    /** Same number of items on both sides (limit 10): the tenant-size effect alone. */
    equalPage: { bigMs: number; smallMs: number; ratio: number; ratioRange: [number, number] };
    /** The default page's DynamoDB requests (auth BatchGetItem + Query) sent directly: the emulator's own share. */
    directRequests: { bigMs: number; smallMs: number; ratio: number; ratioRange: [number, number] };
    /** Inside the limit-10 route call, the members Query alone (as the SDK timed it). */
    queryInRouteMs: { big: number; small: number; ratio: number };
    /** The limit-10 page's requests sent directly. */
    directRequestsEqualPage: { bigMs: number; smallMs: number; ratio: number; ratioRange: [number, number] };
    /**
     * The limit-10 page's members Query alone, sent directly as the route sends it (a key range) and rewritten
     * to `begins_with` on the same prefix (what Roster sent before): DynamoDB Local's cost of each by tenant size.
     */
    membersQuery: {
      range: { bigMs: number; smallMs: number; ratio: number };
      beginsWith: { bigMs: number; smallMs: number; ratio: number };
    };
    /** Route minus its requests sent directly (limit 10): Roster's share — gateway, handler, HTTP — per tenant. */
    rosterShareMs: { big: number; small: number };
    /** DynamoDB requests per list request and the items each page returned. */
    requests: number;
    items: { big: number; small: number };
    iterations: number;
    seedSeconds: number;
    pass: boolean;
  };
  expiry?: {
    invitations: number;
    tenants: number;
    invocations: number;
    expired: number;
    afterInitRssMb: number;
    /** Heap still in use after a full GC at the end (what the run kept), and RSS sampled along the run. */
    retainedHeapMb: number;
    /** Largest heap in use right after a major GC during the run (live data at its peak), and how many ran. */
    liveHeapMaxMb: number;
    majorGcs: number;
    rssSamplesMb: number[];
    /** Seat-holding members left among the seeded ones, and the sum of their tenants' `seatsUsed`: both 0 when drained. */
    seatsLeft: number;
    seatCounters: number;
    drained: boolean;
    seedSeconds: number;
    /** The same job over a tenth of the backlog, for comparison of the peak. */
    control: { invitations: number; seconds: number; peakRssMb: number; retainedHeapMb: number };
  };
  deactivate?: {
    assignments: number;
    /** Released by the deactivate request itself (within its time limit), then by the release job. */
    releasedInline: number;
    invocations: { functionId: string; seconds: number; peakRssMb: number; statusCode?: number }[];
    afterInitRssMb: number;
    retainedHeapMb: number;
    liveHeapMaxMb: number;
    rssSamplesMb: number[];
    /** Afterwards: the agent's counter and queue, and the conversations back in the team queue. */
    openAssignmentsLeft: number;
    queueLeft: number;
    queuedInTeam: number;
    completed: boolean;
    seedSeconds: number;
  };
  skipped: Record<string, string>;
}

export async function scale(
  api: Api,
  recorder: Recorder,
  sizes: BenchConfig['scale'],
  bundleFor: (id: string) => Promise<Bundle>,
  env: Record<string, string>,
): Promise<{ result: ScaleResult; details: ScaleDetails }> {
  const details: ScaleDetails = { skipped: {} };
  const result: ScaleResult = { listPageRatio10kVs10: null, expiry10k: null, deactivate5k: null };

  // ── a page of a big tenant vs a small one ───────────────────────────
  const big = await api.tenantWithOwner('scale-big', 'enterprise');
  const small = await api.tenantWithOwner('scale-small', 'enterprise');
  const at = new Date().toISOString();
  const seeded = performance.now();
  const bigMembers = Array.from({ length: Math.max(0, sizes.members - 1) }, (_, n) => member(big.tenantId, n, at));
  const smallMembers = Array.from({ length: Math.max(0, sizes.small - 1) }, (_, n) => member(small.tenantId, n, at));
  await batchWrite(memberItems([...bigMembers, ...smallMembers]), 6);
  await addSeats(big.tenantId, bigMembers.length);
  await addSeats(small.tenantId, smallMembers.length);
  const seedSeconds = round((performance.now() - seeded) / 1000, 1);

  const page = (tenant: typeof big, limit?: number) =>
    api.call('GET', `/v1/tenants/${tenant.tenantId}/users${limit ? `?limit=${limit}` : ''}`, {
      token: tenant.ownerToken,
    });
  const samples = {
    big: [] as number[],
    small: [] as number[],
    bigEq: [] as number[],
    smallEq: [] as number[],
    bigDirect: [] as number[],
    smallDirect: [] as number[],
    bigDirectEq: [] as number[],
    smallDirectEq: [] as number[],
    bigQuery: [] as number[],
    smallQuery: [] as number[],
    bigRange: [] as number[],
    smallRange: [] as number[],
    bigBeginsWith: [] as number[],
    smallBeginsWith: [] as number[],
  };
  let requests = 0;
  const items = { big: 0, small: 0 };
  const warmup = 3;
  for (let i = 0; i < warmup + sizes.iterations; i++) {
    const order = i % 2 ? ([small, big] as const) : ([big, small] as const);
    for (const tenant of order) {
      const key = tenant === big ? 'big' : 'small';
      const { result: full, calls } = await recorder.capture(() => page(tenant));
      const { result: equal, calls: equalCalls } = await recorder.capture(() => page(tenant, 10));
      if (full.status !== 200 || equal.status !== 200)
        throw new Error(`scale: list answered ${full.status}/${equal.status}`);
      // The same DynamoDB requests sent directly: is a difference Roster's or the emulator's?
      const direct = await replay(calls.filter((c) => c.service === 'dynamodb'));
      const directEqual = await replay(equalCalls.filter((c) => c.service === 'dynamodb'));
      const members = equalCalls.find((c) => c.command === 'QueryCommand');
      const range = members ? await replay([members]) : undefined;
      const beginsWith = members ? await replay([asBeginsWith(members)]) : undefined;
      const errors = [...direct.errors, ...directEqual.errors, ...(range?.errors ?? []), ...(beginsWith?.errors ?? [])];
      if (errors.length) throw new Error(`scale: replaying the list failed: ${errors.join(', ')}`);
      if (i < warmup) continue;
      samples[key].push(full.ms);
      samples[key === 'big' ? 'bigEq' : 'smallEq'].push(equal.ms);
      samples[key === 'big' ? 'bigDirect' : 'smallDirect'].push(direct.ms);
      samples[key === 'big' ? 'bigDirectEq' : 'smallDirectEq'].push(directEqual.ms);
      if (members) samples[key === 'big' ? 'bigQuery' : 'smallQuery'].push(members.endMs - members.startMs);
      if (range) samples[key === 'big' ? 'bigRange' : 'smallRange'].push(range.ms);
      if (beginsWith) samples[key === 'big' ? 'bigBeginsWith' : 'smallBeginsWith'].push(beginsWith.ms);
      requests = Math.max(requests, calls.filter((c) => c.service === 'dynamodb').length);
      items[key] = full.body.items.length;
    }
  }
  const defaultRatio = ratio(median(samples.big), median(samples.small));
  const equalRatio = ratio(median(samples.bigEq), median(samples.smallEq));
  result.listPageRatio10kVs10 = defaultRatio;
  details.list = {
    members: { big: sizes.members, small: sizes.small },
    defaultPage: {
      bigMs: summarise(samples.big).median,
      smallMs: summarise(samples.small).median,
      ratio: defaultRatio,
      ratioRange: range(ratioRounds(samples.big, samples.small, 4)),
    },
    equalPage: {
      bigMs: summarise(samples.bigEq).median,
      smallMs: summarise(samples.smallEq).median,
      ratio: equalRatio,
      ratioRange: range(ratioRounds(samples.bigEq, samples.smallEq, 4)),
    },
    directRequests: {
      bigMs: summarise(samples.bigDirect).median,
      smallMs: summarise(samples.smallDirect).median,
      ratio: ratio(median(samples.bigDirect), median(samples.smallDirect)),
      ratioRange: range(ratioRounds(samples.bigDirect, samples.smallDirect, 4)),
    },
    directRequestsEqualPage: {
      bigMs: summarise(samples.bigDirectEq).median,
      smallMs: summarise(samples.smallDirectEq).median,
      ratio: ratio(median(samples.bigDirectEq), median(samples.smallDirectEq)),
      ratioRange: range(ratioRounds(samples.bigDirectEq, samples.smallDirectEq, 4)),
    },
    queryInRouteMs: {
      big: summarise(samples.bigQuery).median,
      small: summarise(samples.smallQuery).median,
      ratio: ratio(median(samples.bigQuery), median(samples.smallQuery)),
    },
    membersQuery: {
      range: {
        bigMs: summarise(samples.bigRange).median,
        smallMs: summarise(samples.smallRange).median,
        ratio: ratio(median(samples.bigRange), median(samples.smallRange)),
      },
      beginsWith: {
        bigMs: summarise(samples.bigBeginsWith).median,
        smallMs: summarise(samples.smallBeginsWith).median,
        ratio: ratio(median(samples.bigBeginsWith), median(samples.smallBeginsWith)),
      },
    },
    rosterShareMs: {
      big: round(median(samples.bigEq) - median(samples.bigDirectEq)),
      small: round(median(samples.smallEq) - median(samples.smallDirectEq)),
    },
    requests,
    items,
    iterations: sizes.iterations,
    seedSeconds,
    pass: defaultRatio <= LIST_BAR,
  };

  // ── the expiry job draining due invitations ─────────────────────────
  const job = JOBS.find((j) => j.id === 'expireInvitations');
  if (!job) {
    details.skipped.expiry10k = 'JOBS has no expireInvitations job';
  } else if (sizes.expiry === 0) {
    details.skipped.expiry10k = 'BENCH_EXPIRY_INVITATIONS=0';
  } else {
    const bundle = await bundleFor(job.id);
    // A tenth of the backlog first: if memory is bounded, the peak barely moves with ten times the work.
    const control = await expiryRun(job.id, Math.max(1, Math.round(sizes.expiry / 10)), bundle, env);
    const expiry = await expiryRun(job.id, sizes.expiry, bundle, env);
    result.expiry10k = { seconds: expiry.seconds, peakRssMb: expiry.peakRssMb };
    details.expiry = {
      ...expiry.details,
      control: {
        invitations: control.details.invitations,
        seconds: control.seconds,
        peakRssMb: control.peakRssMb,
        retainedHeapMb: control.details.retainedHeapMb,
      },
    };
  }

  // ── deactivating an agent with thousands of open assignments ────────
  const canAssign = ['deactivateMember', 'createTeam', 'addTeamMember'].every((id) => ROUTES.some((r) => r.id === id));
  if (!canAssign) {
    details.skipped.deactivate5k = 'no team or assignment routes in ROUTES yet: nothing to unassign';
  } else if (sizes.assignments === 0) {
    details.skipped.deactivate5k = 'BENCH_DEACTIVATE_ASSIGNMENTS=0';
  } else {
    const release = JOBS.find((j) => j.id === 'releaseAssignments');
    const run = await deactivateRun(api, sizes.assignments, bundleFor, env, release?.id);
    result.deactivate5k = { seconds: run.seconds, peakRssMb: run.peakRssMb };
    details.deactivate = run.details;
  }
  return { result, details };
}

interface FunctionRun {
  ms: number;
  result: { expired?: number; remaining?: boolean; statusCode?: number } | undefined;
  afterInitMb: number;
  peakRssMb: number;
  /** Heap in use after a full GC at the end of the run. */
  retainedHeapMb: number;
  /** The largest heap in use seen right after a major GC during the run: the live data at its peak. */
  liveHeapMaxMb: number;
  majorGcs: number;
  rssSamplesMb: number[];
}

/** RosterFunction's default time limit (routes) and RosterJobs' (jobs), as infra/constructs sets them. */
const ROUTE_TIMEOUT_MS = 10_000;
const JOB_TIMEOUT_MS = 5 * 60_000;

/** One invocation of a bundle in a fresh node process (a cold Lambda container); a scheduled event unless `event`. */
function invoke(bundle: string, id: string, env: Record<string, string>, timeoutMs: number, event?: unknown) {
  return new Promise<FunctionRun>((resolve, reject) => {
    const runner = join(BENCH_DIR, 'runners', 'invoke.mjs');
    const child = spawn(
      process.execPath,
      [...LAMBDA_NODE_OPTIONS, '--expose-gc', runner, bundle, id, String(timeoutMs)],
      {
        env: {
          PATH: process.env.PATH,
          ...env,
          AWS_LAMBDA_FUNCTION_NAME: `roster-${id}`,
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          ...(event ? { BENCH_EVENT: JSON.stringify(event) } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`scale: ${id} exited ${code}: ${(err || out).slice(-600)}`));
      try {
        resolve(JSON.parse(last) as FunctionRun);
      } catch {
        reject(new Error(`scale: ${id} printed ${last.slice(0, 300)}`));
      }
    });
  });
}

async function expiryRun(id: string, count: number, bundle: Bundle, env: Record<string, string>) {
  const tenants = Math.max(1, Math.min(20, Math.ceil(count / 500)));
  const now = Date.now();
  const at = new Date(now - 8 * 86_400_000).toISOString();
  const tenantIds = Array.from({ length: tenants }, () => `bench-expiry-${randomBytes(4).toString('hex')}`);
  const perTenant = new Map<string, number>();
  const invites = Array.from({ length: count }, (_, n) => {
    const tenantId = tenantIds[n % tenants] as string;
    perTenant.set(tenantId, (perTenant.get(tenantId) ?? 0) + 1);
    return member(tenantId, n, at, {
      status: 'invited',
      invitation: {
        tokenHash: randomBytes(32).toString('hex'),
        // Due between one hour and one day ago.
        expiresAt: new Date(now - 3_600_000 - (n % 82_800) * 1000).toISOString(),
        sendCount: 1,
        lastSentAt: at,
      },
    });
  });
  const seeded = performance.now();
  const tenantItems = tenantIds.map((tenantId) =>
    tenantItem({
      id: tenantId,
      name: `Expiry ${tenantId}`,
      plan: 'enterprise',
      seatLimitOverride: null,
      seatsUsed: perTenant.get(tenantId) ?? 0,
      activeAdmins: 0,
      ownerId: 'nobody',
      status: 'active',
      rolePermissions: {},
      createdAt: at,
      updatedAt: at,
      version: 1,
    }),
  );
  await batchWrite([...tenantItems, ...memberItems(invites)], 6);
  const seedSeconds = round((performance.now() - seeded) / 1000, 1);

  const runs: FunctionRun[] = [];
  // The job stops before its time limit and leaves the rest for the next hourly run: run it again until drained.
  for (let i = 0; i < 5; i++) {
    const run = await invoke(bundle.file, id, env, JOB_TIMEOUT_MS);
    runs.push(run);
    if (!run.result?.remaining) break;
  }
  let expired = 0;
  let seatsLeft = 0;
  let seatCounters = 0;
  for (const tenantId of tenantIds) {
    const counts = await membersByStatus(tenantId);
    expired += counts.expired ?? 0;
    seatsLeft += seatHolders(counts);
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: env.TABLE_NAME, Key: keys.tenant(tenantId), ConsistentRead: true }),
    );
    seatCounters += Number(Item?.seatsUsed ?? Number.NaN);
  }
  return {
    seconds: round(runs.reduce((sum, r) => sum + r.ms, 0) / 1000, 1),
    peakRssMb: round(Math.max(...runs.map((r) => r.peakRssMb)), 1),
    details: {
      invitations: count,
      tenants,
      invocations: runs.length,
      expired,
      afterInitRssMb: round(Math.max(...runs.map((r) => r.afterInitMb)), 1),
      retainedHeapMb: round(Math.max(...runs.map((r) => r.retainedHeapMb)), 1),
      liveHeapMaxMb: round(Math.max(...runs.map((r) => r.liveHeapMaxMb)), 1),
      majorGcs: runs.reduce((sum, r) => sum + r.majorGcs, 0),
      rssSamplesMb: runs.flatMap((r) => r.rssSamplesMb),
      seatsLeft,
      seatCounters,
      drained: expired === count && seatsLeft === 0 && seatCounters === 0,
      seedSeconds,
    },
  };
}

/** The member's open-assignment counter (consistent read). */
async function openAssignments(tenantId: string, memberId: string): Promise<number> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: process.env.TABLE_NAME,
      Key: keys.member(tenantId, memberId),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.openAssignments ?? 0);
}

/** Counts items of a query, following pages. */
async function count(input: Omit<QueryCommandInput, 'Select' | 'ExclusiveStartKey'>): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await dynamo().send(
      new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}

/** The members Query with its key range `sk BETWEEN :prefix AND :prefixEnd` put back as `begins_with(sk, :prefix)`. */
function asBeginsWith(call: RecordedCall): RecordedCall {
  const input = structuredClone(call.input) as QueryCommandInput;
  const condition = input.KeyConditionExpression ?? '';
  if (!/(\S+) BETWEEN :prefix AND :prefixEnd/.test(condition)) {
    throw new Error(`scale: the members Query has no prefix range: ${condition}`);
  }
  input.KeyConditionExpression = condition.replace(/(\S+) BETWEEN :prefix AND :prefixEnd/, 'begins_with($1, :prefix)');
  delete input.ExpressionAttributeValues?.[':prefixEnd'];
  return { ...call, input };
}

/** The payload 2.0 event API Gateway would send for the request, with the owner's verified claims. */
function apiEvent(routeId: string, path: string, params: Record<string, string>, token: string): unknown {
  const route = ROUTES.find((r) => r.id === routeId);
  if (!route) throw new Error(`scale: no route ${routeId}`);
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JwtPayload;
  return buildEvent(
    route,
    { method: route.method, url: path, headers: { host: 'localhost', authorization: `Bearer ${token}` } },
    params,
    { jwt: { claims: stringClaims(payload), scopes: null } },
  );
}

async function deactivateRun(
  api: Api,
  assignments: number,
  bundleFor: (id: string) => Promise<Bundle>,
  env: Record<string, string>,
  releaseJobId: string | undefined,
) {
  const t = await api.tenantWithOwner('scale-release', 'enterprise');
  const base = `/v1/tenants/${t.tenantId}`;
  const team = await api.ok('POST', `${base}/teams`, {
    token: t.ownerToken,
    body: { name: 'Release', assignmentStrategy: 'manual' },
  });
  const teamId = team.body.id as string;
  const agent = await api.ok('POST', `${base}/users`, {
    token: t.ownerToken,
    body: {
      email: `release-agent-${randomBytes(4).toString('hex')}@bench.test`,
      name: 'Busy Agent',
      password: 'Bench1Password!x',
      role: 'agent',
    },
  });
  const agentId = agent.body.id as string;
  await api.ok('PUT', `${base}/teams/${teamId}/members/${agentId}`, { token: t.ownerToken });

  // The agent's open conversations, shaped as the store writes them, and the counter that goes with them.
  const seeded = performance.now();
  const first = Date.now() - assignments * 1000;
  const items = Array.from({ length: assignments }, (_, n) => {
    const at = new Date(first + n * 1000).toISOString();
    const conversationId = `conv-${String(n).padStart(6, '0')}`;
    return assignmentItem({
      tenantId: t.tenantId,
      conversationId,
      assigneeId: agentId,
      teamId,
      assignedAt: at,
      updatedAt: at,
      version: 1,
    });
  });
  await batchWrite(items, 6);
  await dynamo().send(
    new UpdateCommand({
      TableName: env.TABLE_NAME,
      Key: keys.member(t.tenantId, agentId),
      UpdateExpression: 'SET openAssignments = :n',
      ExpressionAttributeValues: { ':n': assignments },
    }),
  );
  const seedSeconds = round((performance.now() - seeded) / 1000, 1);

  // The deactivate request in a cold container with the route's time limit; the release job finishes what it leaves.
  const event = apiEvent(
    'deactivateMember',
    `${base}/users/${agentId}/deactivate`,
    { tenantId: t.tenantId, userId: agentId },
    t.ownerToken,
  );
  const runs: { functionId: string; run: FunctionRun }[] = [];
  const deactivate = await invoke(
    (await bundleFor('deactivateMember')).file,
    'deactivateMember',
    env,
    ROUTE_TIMEOUT_MS,
    event,
  );
  if (deactivate.result?.statusCode !== 200) {
    throw new Error(`scale: deactivate answered ${deactivate.result?.statusCode ?? 'nothing'}`);
  }
  runs.push({ functionId: 'deactivateMember', run: deactivate });
  const leftInline = await openAssignments(t.tenantId, agentId);
  let left = leftInline;
  while (left > 0 && releaseJobId && runs.length < 10) {
    runs.push({
      functionId: releaseJobId,
      run: await invoke((await bundleFor(releaseJobId)).file, releaseJobId, env, JOB_TIMEOUT_MS),
    });
    left = await openAssignments(t.tenantId, agentId);
  }
  const queueLeft = await count({
    TableName: env.TABLE_NAME,
    IndexName: INDEXES.gsi1.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': INDEXES.gsi1.partitionKey },
    ExpressionAttributeValues: { ':pk': keys.assigneeQueuePartition(t.tenantId, agentId) },
  });
  const queuedInTeam = await count({
    TableName: env.TABLE_NAME,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'attribute_not_exists(assigneeId) AND teamId = :team',
    ExpressionAttributeValues: { ':pk': keys.tenant(t.tenantId).pk, ':prefix': 'CONVERSATION#', ':team': teamId },
    ConsistentRead: true,
  });
  return {
    seconds: round(runs.reduce((sum, r) => sum + r.run.ms, 0) / 1000, 1),
    peakRssMb: round(Math.max(...runs.map((r) => r.run.peakRssMb)), 1),
    details: {
      assignments,
      releasedInline: assignments - leftInline,
      invocations: runs.map(({ functionId, run }) => ({
        functionId,
        seconds: round(run.ms / 1000, 2),
        peakRssMb: round(run.peakRssMb, 1),
        ...(run.result?.statusCode ? { statusCode: run.result.statusCode } : {}),
      })),
      afterInitRssMb: round(Math.max(...runs.map((r) => r.run.afterInitMb)), 1),
      retainedHeapMb: round(Math.max(...runs.map((r) => r.run.retainedHeapMb)), 1),
      liveHeapMaxMb: round(Math.max(...runs.map((r) => r.run.liveHeapMaxMb)), 1),
      rssSamplesMb: runs.flatMap((r) => r.run.rssSamplesMb),
      openAssignmentsLeft: left,
      queueLeft,
      queuedInTeam,
      completed: left === 0 && queueLeft === 0 && queuedInTeam === assignments,
      seedSeconds,
    },
  };
}
