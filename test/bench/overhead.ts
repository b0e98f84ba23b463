/**
 * Overhead (docs/architecture.md, bars): a route's median latency through the local gateway
 * over the median of its own DynamoDB calls made directly — the very requests
 * the route sent, recorded and replayed with the same client — in the same
 * run, interleaved. Routes that also call Cognito or SES get a second figure
 * with those calls replayed too, since no DynamoDB-only baseline can include
 * them. Roster's share is measured apart: the same request handed to the
 * route's handler in this process, as the gateway hands it (its event and
 * context, no HTTP, no authorizer) — what a Lambda invocation runs.
 */
import { pathToFileURL } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { stringClaims } from '../../infra/local/gateway-auth.ts';
import { buildEvent, invokeInContext, lambdaContext } from '../../infra/local/gateway-event.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { keys } from '../../lib/store/keys.ts';
import { type Api, type CallInit, PASSWORD, unique } from './api.ts';
import { type BenchConfig, REPO_ROOT } from './config.ts';
import type { RecordedCall, Recorder } from './recorder.ts';
import { replay } from './replay.ts';
import { median, range, ratio, ratioRounds, round, summarise } from './stats.ts';

/** The bar: route median ≤ 1.3 × direct median. */
export const OVERHEAD_BAR = 1.3;

export interface OverheadFigure {
  routeMedianMs: number;
  directMedianMs: number;
  ratio: number;
  pass: boolean;
  /** Ratio of medians in each consecutive block of iterations: the spread within the run. */
  ratioRange: [number, number];
  routeIqrMs: [number, number];
  directIqrMs: [number, number];
  iterations: number;
  /** Which request of the route was measured, when it has several kinds. */
  request?: string;
  dynamoCalls: string[];
  /** Cognito/SES calls the route makes on top (not DynamoDB). */
  externalCalls: string[];
  /** Only for routes with external calls: the same ratio with those replayed directly too. */
  directWithExternalMedianMs?: number;
  ratioWithExternal?: number;
  /** Inside the route, wall time spent in DynamoDB calls and in external calls (as the SDK saw them). */
  inRouteDynamoMedianMs: number;
  inRouteExternalMedianMs: number;
  /** Route latency minus its AWS calls: gateway, HTTP, JWT check, middy, zod, JSON. */
  fixedCostMedianMs: number;
  /**
   * Roster's share: the route's handler invoked in this process with the event the gateway would build
   * (no HTTP, no JWT check), its median and ratio to the direct calls (all of them, Cognito and SES
   * included, when the route makes those) — what the Lambda itself adds.
   */
  inProcessMedianMs: number;
  inProcessRatio: number;
  /** Route median minus in-process median: the local gateway (HTTP server, JWT check, event) and the HTTP client. */
  gatewayMedianMs: number;
  /**
   * Where the fixed cost goes (medians): request start → first AWS call (HTTP, gateway, JWT, event, middy,
   * zod), between AWS calls (handler code), last AWS call → response read (reply, JSON, HTTP).
   */
  fixedCostSplitMs: { beforeFirstCall: number; betweenCalls: number; afterLastCall: number };
}

export interface OverheadResult {
  figures: Record<string, OverheadFigure>;
  /** `GET /v1/health` (no AWS call) through the gateway, measured interleaved: the floor of any route. */
  gatewayFloorMs: number;
  /** Routes asked for by issue 7 that the table does not have (yet). */
  absent: string[];
}

interface Request {
  method: string;
  path: string;
  init: CallInit;
}

interface Case {
  routeId: string;
  /** Which request of the route is measured, when it has several kinds. */
  label?: string;
  /** Before the route call, untimed. */
  beforeRoute?: (i: number) => Promise<void>;
  request: (i: number) => Request;
  /** Reads may run direct-first (alternating); writes change state, so their route call goes first. */
  readOnly: boolean;
  /**
   * The calls to replay for this iteration, after any untimed preparation
   * (restoring the state the route started from, or fresh identifiers).
   */
  direct: (calls: RecordedCall[], withExternal: boolean) => Promise<RecordedCall[]>;
  /** Errors the replay may meet because the route met them too (e.g. Cognito UserNotFound before a create). */
  expectedErrors?: string[];
  /** After the in-process call, untimed: the state put back, so the next route call changes something too. */
  afterInProcess?: () => Promise<void>;
}

interface Samples {
  route: number[];
  inProcess: number[];
  direct: number[];
  directAll: number[];
  inRouteDynamo: number[];
  inRouteExternal: number[];
  before: number[];
  after: number[];
  dynamoCalls: string[];
  externalCalls: string[];
}

/** Wall time covered by calls (overlaps merged). */
function span(calls: readonly RecordedCall[]): number {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const c of [...calls].sort((a, b) => a.startMs - b.startMs)) {
    const start = Math.max(c.startMs, end);
    if (c.endMs > start) total += c.endMs - start;
    end = Math.max(end, c.endMs);
  }
  return total;
}

const isDynamo = (c: RecordedCall) => c.service === 'dynamodb';

/** Replaces every occurrence of each `from` string in the calls' inputs (fresh identifiers for a create). */
function rekey(calls: readonly RecordedCall[], replacements: ReadonlyMap<string, string>): RecordedCall[] {
  return calls.map((call) => {
    let text = JSON.stringify(call.input);
    for (const [from, to] of replacements) text = text.split(from).join(to);
    return { ...call, input: JSON.parse(text) };
  });
}

/** The ids of the audit items a transaction writes (so a replay adds its own instead of overwriting). */
function auditIds(calls: readonly RecordedCall[]): string[] {
  const ids: string[] = [];
  for (const call of calls) {
    const items =
      (call.input as { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] }).TransactItems ?? [];
    for (const item of items) if (item.Put?.Item?.entity === 'audit') ids.push(String(item.Put.Item.id));
  }
  return ids;
}

const freshUlid = () => `01BENCH${unique().toUpperCase()}${unique().toUpperCase()}`.slice(0, 26);

export async function overhead(api: Api, recorder: Recorder, config: BenchConfig['overhead']): Promise<OverheadResult> {
  const table = process.env.TABLE_NAME as string;
  const has = (id: string) => ROUTES.some((r) => r.id === id);

  // Tenant A: a stable membership to read and edit. Tenant B: takes the invitations (unlimited plan).
  const a = await api.tenantWithOwner('overhead', 'enterprise');
  const b = await api.tenantWithOwner('overhead-invites', 'enterprise');
  const usersA = `/v1/tenants/${a.tenantId}/users`;
  const target = await api.ok('POST', usersA, {
    token: a.ownerToken,
    body: { email: `oh-target-${unique()}@bench.test`, name: 'Tess Target', password: PASSWORD, role: 'agent' },
  });
  const targetId = target.body.id as string;
  for (let i = 0; i < 8; i++) {
    await api.ok('POST', `/v1/tenants/${a.tenantId}/invitations`, {
      token: a.ownerToken,
      body: { email: `oh-member-${i}-${unique()}@bench.test`, name: `Member ${i}`, role: 'agent' },
    });
  }

  // Tenant C: a round-robin team of two online agents, for assign-to-team.
  const teamed = has('assignConversation') && has('createTeam') ? await teamTenant(api) : undefined;

  const reads = (calls: RecordedCall[]) => Promise.resolve(calls.filter(isDynamo));
  let snapshot: Record<string, unknown> | undefined;
  let teamSnapshot: Record<string, unknown> | undefined;
  let conversationId = '';
  const cases: Case[] = [
    {
      routeId: 'getMember',
      readOnly: true,
      request: () => ({ method: 'GET', path: `${usersA}/${targetId}`, init: { token: a.ownerToken } }),
      direct: reads,
    },
    {
      routeId: 'listMembers',
      readOnly: true,
      request: () => ({ method: 'GET', path: usersA, init: { token: a.ownerToken } }),
      direct: reads,
    },
    {
      routeId: 'getTenant',
      readOnly: true,
      request: () => ({ method: 'GET', path: `/v1/tenants/${a.tenantId}`, init: { token: a.ownerToken } }),
      direct: reads,
    },
    {
      routeId: 'inviteMember',
      readOnly: false,
      request: () => ({
        method: 'POST',
        path: `/v1/tenants/${b.tenantId}/invitations`,
        init: {
          token: b.ownerToken,
          body: { email: `oh-invite-${unique()}@bench.test`, name: 'Ivy Invitee', role: 'agent' },
        },
      }),
      // A second invite of the same person would be refused: replay as a new person (new id, email, audit id).
      direct: async (calls, withExternal) => {
        const create = calls.find((c) => c.command === 'TransactWriteItemsCommand');
        const member = (
          create?.input as { TransactItems: { Put?: { Item?: Record<string, unknown> } }[] } | undefined
        )?.TransactItems.find((t) => t.Put?.Item?.entity === 'member')?.Put?.Item;
        if (!member) throw new Error('overhead: inviteMember wrote no member item');
        const replacements = new Map<string, string>([
          [String(member.id), crypto.randomUUID()],
          [String(member.email), `oh-replay-${unique()}@bench.test`],
          ...auditIds(calls).map((id) => [id, freshUlid()] as [string, string]),
        ]);
        return rekey(withExternal ? calls : calls.filter(isDynamo), replacements);
      },
      expectedErrors: ['cognito:UserNotFoundException'],
    },
    {
      routeId: 'updateMember',
      readOnly: false,
      beforeRoute: async () => {
        const out = await dynamo().send(
          new GetCommand({ TableName: table, Key: keys.member(a.tenantId, targetId), ConsistentRead: true }),
        );
        snapshot = out.Item;
      },
      request: (i) => ({
        method: 'PATCH',
        path: `${usersA}/${targetId}`,
        init: { token: a.ownerToken, body: { name: i % 2 ? 'Tess Target' : 'Tess Renamed' } },
      }),
      // Put the member back as the route found it, so the replayed version-checked transaction succeeds the same way.
      direct: async (calls) => {
        if (!snapshot) throw new Error('overhead: no snapshot of the member to restore');
        await dynamo().send(new PutCommand({ TableName: table, Item: snapshot }));
        const fresh = new Map(auditIds(calls).map((id) => [id, freshUlid()] as [string, string]));
        return rekey(calls.filter(isDynamo), fresh);
      },
      afterInProcess: async () => {
        if (snapshot) await dynamo().send(new PutCommand({ TableName: table, Item: snapshot }));
      },
    },
  ];
  if (teamed) {
    const c = teamed;
    cases.push({
      routeId: 'assignConversation',
      label: 'to a team: its round-robin strategy picks',
      readOnly: false,
      beforeRoute: async () => {
        const out = await dynamo().send(
          new GetCommand({ TableName: table, Key: keys.team(c.tenantId, c.teamId), ConsistentRead: true }),
        );
        teamSnapshot = out.Item;
      },
      request: (i) => {
        conversationId = `oh-conv-${i}-${unique()}`;
        return {
          method: 'PUT',
          path: `/v1/tenants/${c.tenantId}/conversations/${conversationId}/assignment`,
          init: { token: c.ownerToken, body: { teamId: c.teamId } },
        };
      },
      // The team's rotation cursor put back as the route found it; a new conversation id for the replay.
      direct: async (calls) => {
        if (!teamSnapshot) throw new Error('overhead: no snapshot of the team to restore');
        await dynamo().send(new PutCommand({ TableName: table, Item: teamSnapshot }));
        const fresh = new Map<string, string>([
          [conversationId, `${conversationId}-replay`],
          ...auditIds(calls).map((id) => [id, freshUlid()] as [string, string]),
        ]);
        return rekey(calls.filter(isDynamo), fresh);
      },
    });
  }
  const active = cases.filter((c) => has(c.routeId));
  const absent = ['getMember', 'listMembers', 'inviteMember', 'updateMember', 'assignConversation'].filter(
    (id) => !has(id),
  );

  const samples = new Map<string, Samples>(
    active.map((c) => [
      c.routeId,
      {
        route: [],
        inProcess: [],
        direct: [],
        directAll: [],
        inRouteDynamo: [],
        inRouteExternal: [],
        before: [],
        after: [],
        dynamoCalls: [],
        externalCalls: [],
      },
    ]),
  );
  const floor: number[] = [];
  const lastCalls = new Map<string, RecordedCall[]>();

  async function routeOnce(c: Case, i: number): Promise<{ ms: number; calls: RecordedCall[]; startedAt: number }> {
    await c.beforeRoute?.(i);
    const { method, path, init } = c.request(i);
    const { result, calls } = await recorder.capture(() => api.call(method, path, init));
    if (result.status < 200 || result.status > 299) {
      throw new Error(`overhead: ${c.routeId} answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
    lastCalls.set(c.routeId, calls);
    return { ms: result.ms, calls, startedAt: result.startedAt };
  }

  /**
   * The same kind of request handed straight to the route's handler, as the gateway would hand it: the next
   * iteration's (an edit changes something, an invitation or assignment is a new one), state put back after.
   */
  async function inProcessOnce(c: Case, i: number): Promise<number> {
    await c.beforeRoute?.(i + 1);
    const { method, path, init } = c.request(i + 1);
    const route = ROUTES.find((r) => r.id === c.routeId) as RouteDef;
    const handler = await handlerOf(route);
    const event = gatewayEvent(route, method, path, init);
    const context = lambdaContext(route.id, Date.now() + 10_000, process.env.AWS_REGION ?? 'us-east-1');
    const started = performance.now();
    const result = (await invokeInContext(context, () => handler(event, context))) as { statusCode?: number };
    const ms = performance.now() - started;
    if (!result.statusCode || result.statusCode < 200 || result.statusCode > 299) {
      throw new Error(`overhead: ${c.routeId} in process answered ${result.statusCode}: ${JSON.stringify(result)}`);
    }
    await c.afterInProcess?.();
    return ms;
  }

  async function directOnce(c: Case, calls: RecordedCall[], withExternal: boolean): Promise<number> {
    const toReplay = await c.direct(calls, withExternal);
    const { ms, errors } = await replay(toReplay);
    const unexpected = errors.filter((e) => !(c.expectedErrors ?? []).includes(e));
    if (unexpected.length) throw new Error(`overhead: replaying ${c.routeId} failed: ${unexpected.join(', ')}`);
    return ms;
  }

  const total = config.warmup + config.iterations;
  for (let i = 0; i < total; i++) {
    const measured = i >= config.warmup;
    const health = await api.call('GET', '/v1/health');
    if (measured) floor.push(health.ms);
    // Rotate which case goes first, so none always follows the same neighbour.
    for (let k = 0; k < active.length; k++) {
      const c = active[(i + k) % active.length] as Case;
      const s = samples.get(c.routeId) as Samples;
      let routeMs: number;
      let calls: RecordedCall[];
      let startedAt: number;
      let directMs: number;
      const previous = lastCalls.get(c.routeId);
      if (c.readOnly && i % 2 === 1 && previous) {
        directMs = await directOnce(c, previous, false);
        ({ ms: routeMs, calls, startedAt } = await routeOnce(c, i));
      } else {
        ({ ms: routeMs, calls, startedAt } = await routeOnce(c, i));
        directMs = await directOnce(c, calls, false);
      }
      const inProcessMs = await inProcessOnce(c, i);
      const external = calls.filter((call) => !isDynamo(call));
      let directAllMs: number | undefined;
      if (external.length) {
        if (c.beforeRoute)
          throw new Error(`overhead: ${c.routeId} restores state and calls Cognito/SES: not supported`);
        directAllMs = await directOnce(c, calls, true);
      }
      if (!measured) continue;
      s.route.push(routeMs);
      s.inProcess.push(inProcessMs);
      s.direct.push(directMs);
      if (directAllMs !== undefined) s.directAll.push(directAllMs);
      s.inRouteDynamo.push(span(calls.filter(isDynamo)));
      s.inRouteExternal.push(span(external));
      if (calls.length) {
        s.before.push(Math.min(...calls.map((call) => call.startMs)) - startedAt);
        s.after.push(startedAt + routeMs - Math.max(...calls.map((call) => call.endMs)));
      }
      s.dynamoCalls = calls.filter(isDynamo).map((call) => call.command.replace(/Command$/, ''));
      s.externalCalls = external.map((call) => `${call.service}:${call.command.replace(/Command$/, '')}`);
    }
  }

  const figures: Record<string, OverheadFigure> = {};
  for (const c of active) {
    const s = samples.get(c.routeId) as Samples;
    const route = summarise(s.route);
    const direct = summarise(s.direct);
    const value = ratio(route.median, direct.median);
    const rounds = ratioRounds(s.route, s.direct, config.rounds);
    const routeAws = s.route.map((r, j) => r - (s.inRouteDynamo[j] ?? 0) - (s.inRouteExternal[j] ?? 0));
    figures[c.routeId] = {
      routeMedianMs: route.median,
      directMedianMs: direct.median,
      ratio: value,
      pass: value <= OVERHEAD_BAR,
      ratioRange: rounds.length ? range(rounds) : [value, value],
      routeIqrMs: [route.p25, route.p75],
      directIqrMs: [direct.p25, direct.p75],
      iterations: route.n,
      ...(c.label ? { request: c.label } : {}),
      dynamoCalls: s.dynamoCalls,
      externalCalls: s.externalCalls,
      ...(s.directAll.length
        ? {
            directWithExternalMedianMs: round(median(s.directAll)),
            ratioWithExternal: ratio(route.median, median(s.directAll)),
          }
        : {}),
      inRouteDynamoMedianMs: round(median(s.inRouteDynamo)),
      inRouteExternalMedianMs: round(median(s.inRouteExternal)),
      fixedCostMedianMs: round(median(routeAws)),
      inProcessMedianMs: round(median(s.inProcess)),
      // With Cognito/SES calls, against the direct replay of all of them (a Lambda makes them too).
      inProcessRatio: ratio(median(s.inProcess), s.directAll.length ? median(s.directAll) : direct.median),
      gatewayMedianMs: round(route.median - median(s.inProcess)),
      fixedCostSplitMs: {
        beforeFirstCall: round(median(s.before)),
        betweenCalls: round(median(routeAws) - median(s.before) - median(s.after)),
        afterLastCall: round(median(s.after)),
      },
    };
  }
  return { figures, gatewayFloorMs: round(median(floor)), absent };
}

/** A tenant with a round-robin team of two active, online agents. */
async function teamTenant(api: Api) {
  const t = await api.tenantWithOwner('overhead-teams', 'enterprise');
  const team = await api.ok('POST', `/v1/tenants/${t.tenantId}/teams`, {
    token: t.ownerToken,
    body: { name: 'Round robin', assignmentStrategy: 'round_robin' },
  });
  for (const n of [1, 2]) {
    const agent = await api.ok('POST', `/v1/tenants/${t.tenantId}/users`, {
      token: t.ownerToken,
      body: { email: `oh-agent-${n}-${unique()}@bench.test`, name: `Agent ${n}`, password: PASSWORD, role: 'agent' },
    });
    await api.ok('PUT', `/v1/tenants/${t.tenantId}/teams/${team.body.id}/members/${agent.body.id}`, {
      token: t.ownerToken,
    });
  }
  return { ...t, teamId: team.body.id as string };
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const handlers = new Map<string, Promise<Handler>>();

/** The route's handler module, imported once (the gateway in this process has it loaded already). */
function handlerOf(route: RouteDef): Promise<Handler> {
  let loading = handlers.get(route.entry);
  if (!loading) {
    loading = import(pathToFileURL(`${REPO_ROOT}/${route.entry}`).href).then((m: { handler: Handler }) => m.handler);
    handlers.set(route.entry, loading);
  }
  return loading;
}

/** API Gateway's payload 2.0 event for the request, with the bearer's claims as the JWT authorizer passes them. */
function gatewayEvent(route: RouteDef, method: string, path: string, init: CallInit): unknown {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const values = new RegExp(`^${pattern}$`).exec(path.split('?')[0] ?? path)?.slice(1) ?? [];
  const params = Object.fromEntries(names.map((name, n) => [name, decodeURIComponent(values[n] ?? '')]));
  const body = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  const headers: Record<string, string> = {
    host: 'localhost',
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
  };
  const claims = init.token
    ? (JSON.parse(Buffer.from(init.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JwtPayload)
    : undefined;
  return buildEvent(
    route,
    { method, url: path, headers, body },
    params,
    claims ? { jwt: { claims: stringClaims(claims), scopes: null } } : undefined,
  );
}
