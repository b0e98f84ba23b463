/**
 * Round trips (docs/architecture.md, bars): one scripted, realistic run through the gateway that
 * makes a successful request to EVERY route of the table, counting the
 * DynamoDB requests each made. A route the script does not reach fails the
 * run by name — a new route needs a step here.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTenantRoute } from '../../lib/http/route.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { type Api, type CallInit, PASSWORD, type Res, unique } from './api.ts';
import { type RecordedCall, type Recorder, shortName } from './recorder.ts';
import { concurrencyGroups } from './replay.ts';

export interface RoundTripCheck {
  routeId: string;
  /** From the route's `uses.table`: none, read or write. */
  kind: 'none' | 'read' | 'write';
  tenantScoped: boolean;
  /** DynamoDB requests (commands sent). */
  requests: number;
  /** HTTP attempts, more than `requests` only if the SDK retried. */
  attempts: number;
  /** Round trips one after another: requests sent concurrently (Promise.all) count once here. */
  sequential: number;
  /** DynamoDB commands in order, e.g. `BatchGetItem, GetItem, TransactWriteItems`. */
  commands: string[];
  /**
   * On routes that make room or queue a conversation: the commands of the
   * queue drain that follows their own transaction (judged per drained
   * conversation by the assignment benchmark, not by this bar).
   */
  drain?: string[];
  /** Cognito and SES calls the route made (not DynamoDB round trips, listed for the overhead figures). */
  external: string[];
  bar: string;
  pass: boolean;
  note?: string;
}

export interface RoundTripsResult {
  counts: Record<string, number>;
  checks: RoundTripCheck[];
}

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteTransaction',
]);

/** Routes whose own write is followed by the drain of the queues it made room in (lib/app/drain.ts). */
const DRAINING = new Set([
  'assignConversation',
  'unassignConversation',
  'resolveConversation',
  'setAvailability',
  'addTeamMember',
  'updateTeam',
]);

/** The bar of docs/architecture.md for one route, judged on the calls one successful request made. */
export function judge(route: RouteDef, calls: readonly RecordedCall[]): RoundTripCheck {
  const dynamoCalls = calls.filter((c) => c.service === 'dynamodb');
  const all = dynamoCalls.map(shortName);
  const ownWrite = all.indexOf('TransactWriteItems');
  const drains = DRAINING.has(route.twinOf ?? route.id) && ownWrite >= 0 && ownWrite < all.length - 1;
  const commands = drains ? all.slice(0, ownWrite + 1) : all;
  const drain = drains ? all.slice(ownWrite + 1) : undefined;
  const tenantScoped = isTenantRoute(route);
  const kind = route.uses.table === undefined ? 'none' : route.uses.table === 'read' ? 'read' : 'write';
  const authOk = !tenantScoped || commands[0] === 'BatchGetItem' || commands[0] === 'GetItem';
  const afterAuth = tenantScoped ? commands.slice(1) : commands;
  const reads = afterAuth.filter((c) => !WRITES.has(c));
  const transactions = afterAuth.filter((c) => c === 'TransactWriteItems');
  const plainWrites = afterAuth.filter((c) => WRITES.has(c) && c !== 'TransactWriteItems');
  const auth = tenantScoped ? 'auth 1 + ' : '';
  let bar: string;
  let pass: boolean;
  const problems: string[] = [];
  if (!authOk) problems.push(`first request is ${commands[0] ?? 'none'}, not the one authorisation read`);
  if (kind === 'none') {
    bar = '0';
    pass = commands.length === 0;
  } else if (kind === 'read') {
    bar = `${auth}≤ ${tenantScoped ? 1 : 2} read (≤ 2)`;
    pass = authOk && commands.length <= 2 && plainWrites.length + transactions.length === 0;
    if (commands.length > 2) problems.push(`${commands.length} requests`);
  } else {
    bar = `${auth}≤ 1 read + ≤ 1 TransactWriteItems`;
    pass = authOk && reads.length <= 1 && transactions.length <= 1 && plainWrites.length === 0;
    if (reads.length > 1) problems.push(`${reads.length} reads besides authorisation (${reads.join(', ')})`);
    if (transactions.length > 1) problems.push(`${transactions.length} transactions`);
    if (plainWrites.length) problems.push(`writes outside the transaction (${plainWrites.join(', ')})`);
  }
  const attempts = dynamoCalls.reduce((sum, c) => sum + c.attempts, 0);
  if (attempts > dynamoCalls.length) problems.push(`${attempts - dynamoCalls.length} SDK retries`);
  return {
    routeId: route.id,
    kind,
    tenantScoped,
    requests: all.length,
    attempts,
    sequential: concurrencyGroups(dynamoCalls).length,
    commands,
    ...(drain ? { drain } : {}),
    external: calls.filter((c) => c.service !== 'dynamodb').map((c) => `${c.service}:${shortName(c)}`),
    bar,
    pass,
    ...(problems.length ? { note: problems.join('; ') } : {}),
  };
}

/** `GET /v1/tenants/{tenantId}/users/{userId}` → `GET /v1/tenants/{}/users/{}` (parameter names may differ). */
const shape = (method: string, path: string) => `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`;

export async function roundTrips(api: Api, recorder: Recorder): Promise<RoundTripsResult> {
  const routes = new Map<string, RouteDef>(ROUTES.map((r) => [shape(r.method, r.path), r]));
  const checks = new Map<string, RoundTripCheck>();
  const has = (op: string) => routes.has(op);

  /**
   * One request to the route `op` (method + path template) at `path`; must succeed.
   * Returns undefined, sending nothing, when the table has no such route.
   */
  async function hit(op: string, path: string, init: CallInit = {}): Promise<Res | undefined> {
    const route = routes.get(op);
    if (!route) return undefined;
    const method = op.split(' ')[0] as string;
    const { result: res, calls } = await recorder.capture(() => api.call(method, path, init));
    if (res.status < 200 || res.status > 299) {
      throw new Error(
        `round trips: ${route.id} (${method} ${path}) answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    const check = judge(route, calls);
    const earlier = checks.get(route.id);
    // A route hit more than once reports its most expensive successful request.
    if (!earlier || check.requests > earlier.requests) checks.set(route.id, check);
    return res;
  }
  const body = (res: Res | undefined, what: string) => {
    if (!res) throw new Error(`round trips: the script needs ${what}, which the route table lacks`);
    return res.body;
  };

  // ── liveness, the operator, the owner's invitation ──────────────────
  await hit('GET /v1/health', '/v1/health');
  await hit('GET /v1/openapi.json', '/v1/openapi.json');
  await hit('GET /docs', '/docs');
  await hit('GET /docs/{}', '/docs/swagger-ui.css');
  const ownerEmail = `rt-owner-${unique()}@bench.test`;
  const created = body(
    await hit('POST /v1/platform/tenants', '/v1/platform/tenants', {
      headers: api.platform,
      body: { name: 'Round Trips Co', plan: 'scale', owner: { email: ownerEmail, name: 'Rita Owner' } },
    }),
    'POST /v1/platform/tenants',
  );
  const t = created.id as string;
  await hit('GET /v1/platform/tenants', '/v1/platform/tenants?limit=5', { headers: api.platform });
  await hit('GET /v1/platform/tenants/{}', `/v1/platform/tenants/${t}`, { headers: api.platform });
  await hit('PATCH /v1/platform/tenants/{}', `/v1/platform/tenants/${t}`, {
    headers: api.platform,
    body: { name: 'Round Trips Inc' },
  });
  const ownerLink = await api.invitationToken(ownerEmail);
  await hit('POST /v1/invitations/preview', '/v1/invitations/preview', { body: { token: ownerLink } });
  await hit('POST /v1/invitations/accept', '/v1/invitations/accept', {
    body: { token: ownerLink, name: 'Rita Owner', password: PASSWORD },
  });

  // ── signing in ──────────────────────────────────────────────────────
  const signedIn = body(
    await hit('POST /v1/auth/login', '/v1/auth/login', { body: { email: ownerEmail, password: PASSWORD } }),
    'POST /v1/auth/login',
  );
  let token = signedIn.accessToken as string;
  await hit('POST /v1/auth/refresh', '/v1/auth/refresh', { body: { refreshToken: signedIn.refreshToken } });
  await hit('GET /v1/me', '/v1/me', { token });
  await hit('GET /v1/permissions', '/v1/permissions', { token });

  // ── the tenant as its members see it ────────────────────────────────
  await hit('GET /v1/tenants/{}', `/v1/tenants/${t}`, { token });
  await hit('PATCH /v1/tenants/{}', `/v1/tenants/${t}`, { token, body: { name: 'Round Trips Ltd' } });
  await hit('GET /v1/tenants/{}/me', `/v1/tenants/${t}/me`, { token });

  // ── invitations and members ─────────────────────────────────────────
  const users = `/v1/tenants/${t}/users`;
  const agentEmail = `rt-agent-${unique()}@bench.test`;
  const invited = body(
    await hit('POST /v1/tenants/{}/invitations', `/v1/tenants/${t}/invitations`, {
      token,
      body: { email: agentEmail, role: 'agent', name: 'Ada Agent' },
    }),
    'POST /v1/tenants/{}/invitations',
  );
  const agentId = invited.id as string;
  await hit('GET /v1/tenants/{}/users', users, { token });
  await hit('GET /v1/tenants/{}/users/{}', `${users}/${agentId}`, { token });
  await hit('PATCH /v1/tenants/{}/users/{}', `${users}/${agentId}`, { token, body: { name: 'Ada Lovelace' } });
  const firstLink = await api.invitationToken(agentEmail);
  await hit('POST /v1/tenants/{}/users/{}/resend-invitation', `${users}/${agentId}/resend-invitation`, { token });
  await api.invitationToken(agentEmail, firstLink);

  // Direct creation, then the first sign-in's new-password challenge.
  const directEmail = `rt-direct-${unique()}@bench.test`;
  const direct = body(
    await hit('POST /v1/tenants/{}/users', users, {
      token,
      body: { email: directEmail, name: 'Dee Direct', password: 'Initial1Password', role: 'agent' },
    }),
    'POST /v1/tenants/{}/users',
  );
  const directId = direct.id as string;
  const challenge = await api.ok('POST', '/v1/auth/login', {
    body: { email: directEmail, password: 'Initial1Password' },
  });
  await hit('POST /v1/auth/new-password', '/v1/auth/new-password', {
    body: { email: directEmail, session: challenge.body.session, newPassword: PASSWORD },
  });

  // Lifecycle on the active, directly created member.
  await hit('POST /v1/tenants/{}/users/{}/suspend', `${users}/${directId}/suspend`, { token });
  await hit('POST /v1/tenants/{}/users/{}/reactivate', `${users}/${directId}/reactivate`, { token });
  await hit('POST /v1/tenants/{}/users/{}/deactivate', `${users}/${directId}/deactivate`, { token });
  await hit('POST /v1/tenants/{}/users/{}/reactivate', `${users}/${directId}/reactivate`, { token });
  await hit('POST /v1/tenants/{}/users/{}/reset-password', `${users}/${directId}/reset-password`, {
    token,
    body: { password: 'Temporary1Password' },
  });

  // ── teams, availability, conversation assignment ───────────────────
  const teams = `/v1/tenants/${t}/teams`;
  const team = await hit('POST /v1/tenants/{}/teams', teams, {
    token,
    body: { name: 'Support', description: 'First line', assignmentStrategy: 'round_robin' },
  });
  await hit('GET /v1/tenants/{}/teams', teams, { token });
  const conversations = `/v1/tenants/${t}/conversations`;
  if (team) {
    const teamId = team.body.id as string;
    await hit('GET /v1/tenants/{}/teams/{}', `${teams}/${teamId}`, { token });
    await hit('PATCH /v1/tenants/{}/teams/{}', `${teams}/${teamId}`, { token, body: { description: 'Front line' } });
    await hit('PUT /v1/tenants/{}/teams/{}/members/{}', `${teams}/${teamId}/members/${directId}`, { token });
    await hit('GET /v1/tenants/{}/teams/{}/members', `${teams}/${teamId}/members`, { token });
    for (const availability of ['away', 'online']) {
      await hit('PUT /v1/tenants/{}/users/{}/availability', `${users}/${directId}/availability`, {
        token,
        body: { availability },
      });
    }
    // Working hours set and removed again (another member's: the target is read), so the team still picks them.
    await hit('PUT /v1/tenants/{}/users/{}/working-hours', `${users}/${directId}/working-hours`, {
      token,
      body: { timeZone: 'Europe/Berlin', weekly: [{ day: 'mon', from: '09:00', to: '17:30' }] },
    });
    await hit('DELETE /v1/tenants/{}/users/{}/working-hours', `${users}/${directId}/working-hours`, { token });
    // To the team (its strategy picks the online agent), then to a person, read, unassign; one claimed.
    await hit('PUT /v1/tenants/{}/conversations/{}/assignment', `${conversations}/conv-rt-1/assignment`, {
      token,
      body: { teamId },
    });
    await hit('PUT /v1/tenants/{}/conversations/{}/assignment', `${conversations}/conv-rt-2/assignment`, {
      token,
      body: { assigneeId: directId },
    });
    await hit('GET /v1/tenants/{}/conversations/{}/assignment', `${conversations}/conv-rt-1/assignment`, { token });
    await hit('GET /v1/tenants/{}/users/{}/assignments', `${users}/${directId}/assignments`, { token });
    await hit('DELETE /v1/tenants/{}/conversations/{}/assignment', `${conversations}/conv-rt-2/assignment`, {
      token,
    });
    await hit('POST /v1/tenants/{}/conversations/{}/claim', `${conversations}/conv-rt-3/claim`, { token });
    // The queue: the agent away, a conversation waits; read the queue as a member and as the inbox backend.
    const inbox = `/v1/platform/tenants/${t}`;
    const machine = { headers: api.platform };
    await hit('PUT /v1/tenants/{}/users/{}/availability', `${users}/${directId}/availability`, {
      token,
      body: { availability: 'away' },
    });
    await hit('PUT /v1/tenants/{}/conversations/{}/assignment', `${conversations}/conv-rt-q/assignment`, {
      token,
      body: { teamId },
    });
    await hit('GET /v1/tenants/{}/teams/{}/queue', `${teams}/${teamId}/queue`, { token });
    await hit('GET /v1/platform/tenants/{}/teams/{}/queue', `${inbox}/teams/${teamId}/queue`, machine);
    // Back online: the queue drains to them in the same request.
    await hit('PUT /v1/platform/tenants/{}/users/{}/availability', `${inbox}/users/${directId}/availability`, {
      ...machine,
      body: { availability: 'online' },
    });
    await hit('POST /v1/tenants/{}/conversations/{}/resolve', `${conversations}/conv-rt-q/resolve`, { token });
    // The inbox backend's other twins.
    await hit('GET /v1/platform/tenants/{}/teams', `${inbox}/teams`, machine);
    await hit('GET /v1/platform/tenants/{}/teams/{}', `${inbox}/teams/${teamId}`, machine);
    await hit('GET /v1/platform/tenants/{}/teams/{}/members', `${inbox}/teams/${teamId}/members`, machine);
    await hit('GET /v1/platform/tenants/{}/users', `${inbox}/users`, machine);
    await hit('GET /v1/platform/tenants/{}/users/{}', `${inbox}/users/${directId}`, machine);
    await hit(
      'PUT /v1/platform/tenants/{}/conversations/{}/assignment',
      `${inbox}/conversations/conv-rt-4/assignment`,
      {
        ...machine,
        body: { teamId },
      },
    );
    await hit(
      'GET /v1/platform/tenants/{}/conversations/{}/assignment',
      `${inbox}/conversations/conv-rt-4/assignment`,
      machine,
    );
    await hit('GET /v1/platform/tenants/{}/users/{}/assignments', `${inbox}/users/${directId}/assignments`, machine);
    await hit(
      'DELETE /v1/platform/tenants/{}/conversations/{}/assignment',
      `${inbox}/conversations/conv-rt-4/assignment`,
      machine,
    );
    await hit(
      'POST /v1/platform/tenants/{}/conversations/{}/resolve',
      `${inbox}/conversations/conv-rt-4/resolve`,
      machine,
    );
    await hit('DELETE /v1/tenants/{}/teams/{}/members/{}', `${teams}/${teamId}/members/${directId}`, { token });
    // Refused while it has members, so a team of its own is deleted.
    const spare = await api.ok('POST', teams, { token, body: { name: 'Spare' } });
    await hit('DELETE /v1/tenants/{}/teams/{}', `${teams}/${spare.body.id}`, { token });
  }

  // Forgotten password: the code cognito-local would have emailed.
  await hit('POST /v1/auth/forgot-password', '/v1/auth/forgot-password', { body: { email: ownerEmail } });
  if (has('POST /v1/auth/confirm-forgot-password')) {
    const code = await api.cognitoCode(ownerEmail);
    await hit('POST /v1/auth/confirm-forgot-password', '/v1/auth/confirm-forgot-password', {
      body: { email: ownerEmail, code, newPassword: `${PASSWORD}2` },
    });
    // A recovered password ends every session: sign in again.
    token = (await api.ok('POST', '/v1/auth/login', { body: { email: ownerEmail, password: `${PASSWORD}2` } })).body
      .accessToken as string;
  }
  // Changing one's own password answers with fresh tokens (every other session ends); then sign one out.
  const changed = await hit('POST /v1/auth/change-password', '/v1/auth/change-password', {
    token,
    body: { currentPassword: `${PASSWORD}2`, newPassword: `${PASSWORD}3` },
  });
  if (changed) {
    token = changed.body.accessToken as string;
    await hit('POST /v1/auth/sign-out', '/v1/auth/sign-out', {
      token,
      body: { refreshToken: changed.body.refreshToken },
    });
  }

  // Revoke the pending invitation (delete).
  await hit('DELETE /v1/tenants/{}/users/{}', `${users}/${agentId}`, { token });

  // ── custom roles ────────────────────────────────────────────────────
  const roles = `/v1/tenants/${t}/roles`;
  const role = await hit('POST /v1/tenants/{}/roles', roles, {
    token,
    body: { name: 'Supervisor', description: 'Reads people and the audit trail', permissions: ['users:view'] },
  });
  await hit('GET /v1/tenants/{}/roles', roles, { token });
  if (role) {
    const roleId = role.body.id as string;
    await hit('GET /v1/tenants/{}/roles/{}', `${roles}/${roleId}`, { token });
    await hit('PATCH /v1/tenants/{}/roles/{}', `${roles}/${roleId}`, {
      token,
      body: { permissions: ['users:view', 'audit:view'] },
    });
    await hit('DELETE /v1/tenants/{}/roles/{}', `${roles}/${roleId}`, { token });
  }

  // ── audit, then ownership to a second admin ─────────────────────────
  await hit('GET /v1/tenants/{}/audit-events', `/v1/tenants/${t}/audit-events?limit=25`, { token });
  await hit('GET /v1/tenants/{}/users', `${users}?inactiveDays=30&sort=lastLoginAt`, { token });
  await hit('GET /v1/tenants/{}/access-review', `/v1/tenants/${t}/access-review?limit=100`, { token });
  await hit('GET /v1/tenants/{}/access-review', `/v1/tenants/${t}/access-review`, {
    token,
    headers: { accept: 'text/csv' },
  });
  // ── API keys: created, listed, revoked (a key's own authorisation is counted by test/sdk/api-key-authorization.test.ts) ──
  if (has('POST /v1/tenants/{}/api-keys')) {
    const key = body(
      await hit('POST /v1/tenants/{}/api-keys', `/v1/tenants/${t}/api-keys`, {
        token,
        body: { name: 'Round trips key', permissions: ['users:view'] },
      }),
      'POST /v1/tenants/{}/api-keys',
    );
    await hit('GET /v1/tenants/{}/api-keys', `/v1/tenants/${t}/api-keys`, { token });
    await hit('DELETE /v1/tenants/{}/api-keys/{}', `/v1/tenants/${t}/api-keys/${key.id}`, { token });
  }
  if (has('POST /v1/tenants/{}/transfer-ownership')) {
    const admin = await api.ok('POST', users, {
      token,
      body: {
        email: `rt-admin-${unique()}@bench.test`,
        name: 'Ann Admin',
        password: PASSWORD,
        temporaryPassword: false,
        role: 'admin',
      },
    });
    await hit('POST /v1/tenants/{}/transfer-ownership', `/v1/tenants/${t}/transfer-ownership`, {
      token,
      body: { memberId: admin.body.id },
    });
  }

  // ── directory provisioning (SCIM): its settings, then an IdP with a token, in a tenant of its own ──
  if (has('POST /v1/tenants/{}/scim/tokens')) {
    const d = await api.tenantWithOwner('rt-scim', 'enterprise');
    const settings = `/v1/tenants/${d.tenantId}/scim`;
    const made = body(
      await hit('POST /v1/tenants/{}/scim/tokens', `${settings}/tokens`, { token: d.ownerToken, body: { name: 'rt' } }),
      'POST /v1/tenants/{}/scim/tokens',
    );
    await hit('GET /v1/tenants/{}/scim/tokens', `${settings}/tokens`, { token: d.ownerToken });
    await hit('PUT /v1/tenants/{}/scim/role-mappings', `${settings}/role-mappings`, {
      token: d.ownerToken,
      body: [{ group: 'RT leads', role: 'manager' }],
    });
    await hit('GET /v1/tenants/{}/scim/role-mappings', `${settings}/role-mappings`, { token: d.ownerToken });
    const idp = { token: made.token as string, headers: { 'content-type': 'application/scim+json' } };
    const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    await hit('GET /scim/v2/ServiceProviderConfig', '/scim/v2/ServiceProviderConfig', idp);
    await hit('GET /scim/v2/ResourceTypes', '/scim/v2/ResourceTypes', idp);
    await hit('GET /scim/v2/Schemas', '/scim/v2/Schemas', idp);
    const userName = `rt-scim-${unique()}@bench.test`;
    await hit('GET /scim/v2/Users', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, idp);
    const user = body(
      await hit('POST /scim/v2/Users', '/scim/v2/Users', { ...idp, body: { schemas: [USER], userName } }),
      'POST /scim/v2/Users',
    );
    await hit('GET /scim/v2/Users/{}', `/scim/v2/Users/${user.id}`, idp);
    await hit('PUT /scim/v2/Users/{}', `/scim/v2/Users/${user.id}`, {
      ...idp,
      body: { schemas: [USER], userName, name: { givenName: 'Rae', familyName: 'Scim' } },
    });
    await hit('PATCH /scim/v2/Users/{}', `/scim/v2/Users/${user.id}`, {
      ...idp,
      body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { displayName: 'Rae S' } }] },
    });
    const group = body(
      await hit('POST /scim/v2/Groups', '/scim/v2/Groups', {
        ...idp,
        body: { schemas: [GROUP], displayName: 'RT leads', members: [] },
      }),
      'POST /scim/v2/Groups',
    );
    await hit('GET /scim/v2/Groups', '/scim/v2/Groups?excludedAttributes=members', idp);
    await hit('PATCH /scim/v2/Groups/{}', `/scim/v2/Groups/${group.id}`, {
      ...idp,
      body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] },
    });
    await hit('GET /scim/v2/Groups/{}', `/scim/v2/Groups/${group.id}`, idp);
    await hit('PUT /scim/v2/Groups/{}', `/scim/v2/Groups/${group.id}`, {
      ...idp,
      body: { schemas: [GROUP], displayName: 'RT leads', members: [] },
    });
    await hit('DELETE /scim/v2/Groups/{}', `/scim/v2/Groups/${group.id}`, idp);
    await hit('DELETE /scim/v2/Users/{}', `/scim/v2/Users/${user.id}`, idp);
    await hit('DELETE /v1/tenants/{}/scim/tokens/{}', `${settings}/tokens/${made.id}`, { token: d.ownerToken });
  }

  // ── the operator closes a tenant (its own, so the rest of the script is unaffected) ──
  if (has('DELETE /v1/platform/tenants/{}')) {
    const closing = await api.ok('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: {
        name: 'Closing Co',
        plan: 'trial',
        owner: { email: `rt-close-${unique()}@bench.test`, name: 'Cleo Close' },
      },
    });
    await hit('DELETE /v1/platform/tenants/{}', `/v1/platform/tenants/${closing.body.id}`, { headers: api.platform });
  }

  // ── the operator re-sends the invitation of an owner who has not joined ──
  if (has('POST /v1/platform/tenants/{}/owner-invitation')) {
    const pending = await api.ok('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: { name: 'Pending Co', plan: 'trial', owner: { email: `rt-pending-${unique()}@bench.test`, name: 'Pat' } },
    });
    await hit(
      'POST /v1/platform/tenants/{}/owner-invitation',
      `/v1/platform/tenants/${pending.body.id}/owner-invitation`,
      {
        headers: api.platform,
        body: {},
      },
    );
  }

  // ── webhooks (issue 21): an endpoint on a receiver of this machine, a test event, its delivery, the feed ──
  if (has('POST /v1/tenants/{}/webhooks')) {
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const hooks = `/v1/tenants/${t}/webhooks`;
      const as = { token };
      const hook = body(
        await hit('POST /v1/tenants/{}/webhooks', hooks, { ...as, body: { url, events: ['*'] } }),
        'createWebhook',
      );
      await hit('GET /v1/tenants/{}/webhooks', hooks, as);
      await hit('GET /v1/tenants/{}/webhooks/{}', `${hooks}/${hook.id}`, as);
      await hit('PATCH /v1/tenants/{}/webhooks/{}', `${hooks}/${hook.id}`, { ...as, body: { description: 'CRM' } });
      await hit('POST /v1/tenants/{}/webhooks/{}/rotate-secret', `${hooks}/${hook.id}/rotate-secret`, as);
      const sent = body(
        await hit('POST /v1/tenants/{}/webhooks/{}/test', `${hooks}/${hook.id}/test`, as),
        'testWebhook',
      );
      await hit('GET /v1/tenants/{}/webhooks/{}/deliveries', `${hooks}/${hook.id}/deliveries`, as);
      await hit(
        'POST /v1/tenants/{}/webhooks/{}/deliveries/{}/retry',
        `${hooks}/${hook.id}/deliveries/${sent.id}/retry`,
        as,
      );
      await hit('GET /v1/tenants/{}/events', `/v1/tenants/${t}/events?limit=10`, as);
      await hit('DELETE /v1/tenants/{}/webhooks/{}', `${hooks}/${hook.id}`, as);
    } finally {
      receiver.close();
    }
  }

  const missing = ROUTES.filter((r) => !checks.has(r.id));
  if (missing.length) {
    throw new Error(
      `round trips: the script made no successful request to ${missing
        .map((r) => `${r.id} (${r.method} ${r.path})`)
        .join(', ')} — add a step for each to test/bench/round-trips.ts`,
    );
  }
  const ordered = ROUTES.map((r) => checks.get(r.id) as RoundTripCheck);
  return { counts: Object.fromEntries(ordered.map((c) => [c.routeId, c.requests])), checks: ordered };
}
