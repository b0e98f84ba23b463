/**
 * Tenant isolation, property-based over the route table (docs/architecture.md, bars), through
 * the local gateway against the emulators. A victim tenant has members of
 * every role, custom roles, teams, assignments, a pending invitation and an
 * audit trail; an attacker tenant has the same. For every user route, any
 * attacker — its owner, an admin (who also holds a pending invitation to the
 * victim), a manager, an agent, a custom role with every permission — sends
 * requests built from the victim's real ids and from random ones, with
 * bodies that would succeed in the attacker's own tenant:
 *
 * - a request for the victim's (or an unknown) tenant is a 404 problem, the
 *   same whatever exists behind it — never a 2xx;
 * - a request for the attacker's own tenant naming the victim's people,
 *   roles, teams or cursors never reaches them;
 * - no response (body or headers) carries any of the victim's ids, emails,
 *   names, role or team names, tenant name or audit event ids, except what
 *   the request itself sent;
 * - nothing of the victim changes: its partitions (members, seats, claims,
 *   roles, teams, assignments, audit trail), its mail and its logins.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLogin } from '../../lib/aws/identity.ts';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { isTenantRoute } from '../../lib/http/route.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { verifiedDomainTenant } from '../../lib/store/domains.ts';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';
import { type Person, type Populated, populate } from './populate.ts';
import { bodyValid, type Draft, loadRouteKits, type RouteKit, render } from './route-kit.ts';
import { arbitraryOf, type Hints, holds } from './schema-arbitraries.ts';
import { type TenantState, tenantState } from './tenant-state.ts';
import { describeRequest, expectProblem, send } from './wire.ts';

/** Runs per route: 37 routes × this, with every attacker and target mix met several times. */
const RUNS = 48;

const USER_ROUTES = (ROUTES as readonly RouteDef[]).filter((r) => r.auth === 'user');

let gw: TestGateway;
let api: ReturnType<typeof client>;
let kits: Map<string, RouteKit>;
let victim: Populated;
let attacker: Populated;
/** The attacker tenant's signed-in people: owner, admin (pending invitee of the victim), manager, agent, custom. */
let attackers: (Person & { token: string })[];
/** The attacker tenant's admin, who also holds a pending invitation to the victim. */
let insiderId: string;
/** Strings that are the victim's and no one else's (lower case). */
let secrets: string[];
/** The victim's people whose logins must stay as they were. */
let victimPeople: Person[];
/** A creating request the victim made with an Idempotency-Key: an attacker replaying it must not get its response. */
let idempotent: { key: string; body: { name: string } };
let before: TenantState;
let mailToVictim: number;
let identities: unknown[];
/** The victim's verified domain (auto-join on): its claim must stay the victim's. */
let victimDomain: string;
/** The victim's live API key (its secret never leaves the victim; a tampered copy is an attacker). */
let victimKey: { id: string; secret: string };
/** Credentials that must be refused (401) on every route, whatever they target. */
const DEAD_KEYS = new Set(['revokedKey', 'tamperedKey']);

const victimEmails = () => victimPeople.map((p) => p.email);
const mailCount = async () =>
  (await sesMessages()).filter((m) => m.destination.to.some((to) => victimEmails().includes(to.toLowerCase()))).length;
const loginsOf = () => Promise.all(victimEmails().map((email) => findLogin(email)));

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  kits = new Map((await loadRouteKits()).map((k) => [k.route.id, k]));
  const label = unique();
  [victim, attacker] = await Promise.all([
    populate(api, `victim-${label}`, ['admin', 'manager', 'agent', 'custom']),
    populate(api, `attacker-${label}`, ['admin', 'manager', 'agent', 'custom']),
  ]);
  attackers = [attacker.owner, ...attacker.members.filter((m): m is Person & { token: string } => !!m.token)];
  const asVictim = { token: victim.owner.token };
  const base = `/v1/tenants/${victim.tenantId}`;

  // Both credential kinds: the attacker tenant's own API key holding every permission, and the victim's keys
  // gone wrong — one revoked, one live but tampered with (its last character changed).
  const keyOf = async (tenantId: string, token: string) => {
    const res = await api.call('POST', `/v1/tenants/${tenantId}/api-keys`, {
      token,
      body: { name: `Key ${unique()}`, permissions: [...ALL_PERMISSIONS] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const attackerKey = await keyOf(attacker.tenantId, attacker.owner.token);
  const revoked = await keyOf(victim.tenantId, victim.owner.token);
  expect((await api.call('DELETE', `${base}/api-keys/${revoked.id}`, asVictim)).status).toBe(204);
  victimKey = await keyOf(victim.tenantId, victim.owner.token);
  const tampered = `${victimKey.secret.slice(0, -1)}${victimKey.secret.endsWith('A') ? 'B' : 'A'}`;
  const asKey = (id: string, token: string, role: string) =>
    ({ id, email: id, name: id, role, token }) as unknown as Person & { token: string };
  attackers.push(
    asKey(attackerKey.id, attackerKey.secret, 'apiKey'),
    asKey(revoked.id, revoked.secret, 'revokedKey'),
    asKey(`${victimKey.id}-tampered`, tampered, 'tamperedKey'),
  );

  // The attacker tenant's admin also holds a pending (never accepted) invitation to the victim, as an admin.
  const insider = attacker.members.find((m) => m.role === 'admin') as Person;
  insiderId = insider.id;
  const invited = await api.call('POST', `${base}/invitations`, {
    ...asVictim,
    body: { email: insider.email, role: 'admin' },
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  // A conversation queued on a team, and one assigned to an agent.
  const agent = victim.members.find((m) => m.role === 'agent') as Person;
  for (const [id, body] of [
    [`conv-${unique()}`, { teamId: victim.teamIds[1] }],
    [`conv-${unique()}`, { assigneeId: agent.id }],
  ] as const) {
    const res = await api.call('PUT', `${base}/conversations/${id}/assignment`, { ...asVictim, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    victim.conversationIds.push(id);
  }
  // A verified domain (its global claim is the victim's): attackers name it in the domain routes and add it at home.
  victimDomain = `victim-${label}.com`;
  const domain = await api.call('POST', `${base}/domains`, { ...asVictim, body: { domain: victimDomain } });
  expect(domain.status, JSON.stringify(domain.body)).toBe(201);
  const { name: record, value } = domain.body.verification;
  expect((await api.call('POST', '/local/dns', { body: { name: record, type: 'TXT', value } })).status).toBe(201);
  expect((await api.call('POST', `${base}/domains/${victimDomain}/verify`, asVictim)).body.status).toBe('verified');
  expect(
    (await api.call('PATCH', base, { ...asVictim, body: { autoJoin: { mode: 'automatic', defaultRole: 'agent' } } }))
      .status,
  ).toBe(200);
  idempotent = { key: `victim-key-${unique()}`, body: { name: `victim-${label} Idempotent team` } };
  const team = await api.call('POST', `${base}/teams`, {
    ...asVictim,
    headers: { 'idempotency-key': idempotent.key },
    body: idempotent.body,
  });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  // Its id is the victim's; its name is sent by attackers replaying the request, so it is not checked.
  victim.teamIds.push(team.body.id);

  const audit = await api.call('GET', `${base}/audit-events?limit=100`, asVictim);
  const auditIds: string[] = audit.body.items.map((e: { id: string }) => e.id);
  victimPeople = [victim.owner, ...victim.members];
  // The insider's id and email are the attacker tenant's too: not the victim's secret.
  const own = new Set(
    [
      attacker.tenantId,
      attacker.tenantName,
      ...[attacker.owner, ...attacker.members].flatMap((p) => [p.id, p.email, p.name]),
    ].map((s) => s.toLowerCase()),
  );
  secrets = [
    victim.tenantId,
    victim.tenantName,
    ...victimPeople.flatMap((p) => [p.id, p.email, p.name]),
    ...victim.roleIds,
    ...victim.roleNames,
    ...victim.teamIds,
    ...victim.teamNames,
    ...victim.conversationIds,
    ...victim.webhookIds,
    ...victim.deliveryIds,
    ...auditIds,
    victimDomain,
    victimKey.id,
    victimKey.secret.split('.')[2] as string,
  ]
    .map((s) => s.toLowerCase())
    .filter((s) => !own.has(s));
  expect(secrets.length).toBeGreaterThan(30);

  // Every sign-in is done: from here on nothing may write to the victim's partitions.
  [before, mailToVictim, identities] = await Promise.all([tenantState(victim.tenantId), mailCount(), loginsOf()]);
}, 180_000);

afterAll(async () => {
  await gw?.close();
});

// ── requests ───────────────────────────────────────────────────────────────

type Target = 'victim' | 'unknown' | 'own';

interface Attack {
  attacker: number;
  target: Target;
  draft: Draft;
}

const fresh = fc.stringMatching(/^[a-z]{6,10}$/);
const freshEmail = fresh.map((s) => `pwn-${s}-${unique()}@attacker.test`);
const freshName = fresh.map((s) => `Pwned ${s}`);

/**
 * Bodies that would succeed in the attacker's own tenant (so a refusal is not
 * merely a 400), pointing at the victim's people, roles and teams.
 */
function plausibleBodies(): Record<string, fc.Arbitrary<unknown>> {
  const people = victimPeople.map((p) => p.id);
  const role = fc.oneof(
    fc.record({ role: fc.constantFrom('admin', 'manager', 'agent') }),
    fc.record({ role: fc.constant('custom'), roleId: fc.constantFrom(...victim.roleIds) }),
  );
  const teams = fc.option(fc.subarray(victim.teamIds, { minLength: 1 }), { nil: undefined });
  const noUndefined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    // The caller's own credentials: plausible but harmless (a wrong current password, an unknown session).
    changePassword: fc.record({
      currentPassword: fc.constant('Not-the-password-1'),
      newPassword: fc.constant(`${PASSWORD}9`),
    }),
    signOut: fc.constant({ refreshToken: 'not-a-session-of-anyone' }),
    // A code for the caller's own (unconfirmed) secret: a wrong one, so nothing turns on.
    verifyTotp: fc.constant({ code: '000000' }),
    updateTenant: fc.oneof(
      fc.record({ name: freshName }),
      fc.record({ autoSuspendInactiveDays: fc.option(fc.integer({ min: 7, max: 365 }), { nil: null }) }),
      // Not required: requiring it needs the (unenrolled) caller to have set it up.
      fc.record({ mfa: fc.record({ required: fc.constant(false), graceDays: fc.integer({ min: 0, max: 90 }) }) }),
      fc.record({
        autoJoin: fc.record({
          mode: fc.constantFrom('off', 'request', 'automatic'),
          defaultRole: fc.constantFrom('manager', 'agent'),
        }),
      }),
      fc.record({
        apiKeys: fc.record({ maxLifetimeDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: null }) }),
      }),
    ),
    // A fresh domain (added at home), or the victim's verified one.
    addDomain: fc.oneof(
      fresh.map((s) => ({ domain: `pwn-${s}-${unique()}.com` })),
      fc.constant({ domain: victimDomain }),
    ),
    joinTenant: fc.oneof(fc.constant({}), fc.record({ name: freshName })),
    inviteMember: fc
      .tuple(role, fc.record({ email: freshEmail, name: freshName }), teams)
      .map(([r, who, teamIds]) => noUndefined({ ...r, ...who, teamIds })),
    createMember: fc
      .tuple(role, fc.record({ email: freshEmail, name: freshName }), teams)
      .map(([r, who, teamIds]) => noUndefined({ ...r, ...who, teamIds, password: PASSWORD })),
    updateMember: fc.record(
      {
        name: freshName,
        role: fc.constantFrom('admin', 'manager', 'agent'),
        crmAccess: fc.constant(true),
        teamIds: fc.subarray(victim.teamIds),
        grants: fc.subarray([...ALL_PERMISSIONS], { maxLength: 2 }),
      },
      { requiredKeys: ['name'] },
    ),
    resetMemberPassword: fc.record({ password: fc.constant(`${PASSWORD}9`), temporary: fc.boolean() }),
    createRole: fc.record({ name: freshName, permissions: fc.subarray([...ALL_PERMISSIONS], { maxLength: 4 }) }),
    updateRole: fc.record(
      { name: freshName, permissions: fc.subarray([...ALL_PERMISSIONS], { maxLength: 4 }) },
      { requiredKeys: ['name'] },
    ),
    transferOwnership: fc.record({ memberId: fc.constantFrom(...people) }),
    createApiKey: fc.record({
      name: freshName,
      permissions: fc.subarray([...ALL_PERMISSIONS], { minLength: 1, maxLength: 4 }),
    }),
    createWebhook: fc.record({
      url: fresh.map((s) => `http://127.0.0.1:9/hooks/${s}`),
      events: fc.constantFrom(['*'], ['member.invited', 'team.created']),
    }),
    updateWebhook: fc.record(
      { description: freshName, events: fc.constantFrom(['*'], ['role.created']), enabled: fc.boolean() },
      { requiredKeys: ['description'] },
    ),
    // Sometimes the victim's own idempotent request, replayed with its key in another tenant.
    createTeam: fc.oneof(
      fc.record({ name: freshName, assignmentStrategy: fc.constantFrom('round_robin', 'load_balanced', 'manual') }),
      fc.constant(idempotent.body),
    ),
    updateTeam: fc.record({ name: freshName, capacity: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: ['name'] }),
    setAvailability: fc.record({ availability: fc.constantFrom('away', 'online') }),
    setWorkingHours: fc.record({
      timeZone: fc.constantFrom('Europe/Berlin', 'UTC', 'America/New_York'),
      weekly: fc.array(
        fc.record({
          day: fc.constantFrom('mon', 'fri', 'sun'),
          from: fc.constant('09:00'),
          to: fc.constantFrom('17:30', '24:00'),
        }),
        { maxLength: 3 },
      ),
    }),
    // No body, or an empty object (both add the member).
    addTeamMember: fc.constant({}),
    // SCIM settings (admins only): a token, and mappings naming the victim's teams.
    createScimToken: fc.record({ name: freshName }),
    putScimRoleMappings: fc.array(
      fc.record({ group: fc.constantFrom(...victim.teamIds), role: fc.constantFrom('admin', 'manager', 'agent') }),
      { maxLength: 3 },
    ),
    // SSO connections (admins only): at home a 409 domain-unverified, never the victim's.
    createSsoConnection: fc.record({
      type: fc.constant('oidc'),
      name: freshName,
      issuer: fc.constant('https://idp.attacker.test'),
      clientId: fc.constant('attacker-client'),
      clientSecret: fc.constant('attacker-secret'),
      domains: fc.constant(['attacker.test']),
    }),
    updateSsoConnection: fc.record({ name: freshName }),
    assignConversation: fc.oneof(
      fc.record({ assigneeId: fc.constantFrom(...people) }),
      fc.record({ teamId: fc.constantFrom(...victim.teamIds) }),
    ),
  };
}

/** Query values naming the victim: its cursors, ids, team and a prefix of a name or email. */
function queryHints(): Hints {
  const people = victimPeople.map((p) => p.id);
  return {
    cursor: fc.constantFrom(...Object.values(victim.cursors)),
    team: fc.constantFrom(...victim.teamIds),
    q: fc.constantFrom(...victimPeople.flatMap((p) => [p.email.slice(0, 12), p.name.slice(0, 10)])),
    actorId: fc.constantFrom(...people),
    targetId: fc.constantFrom(...people, ...victim.teamIds, ...victim.roleIds),
  };
}

function victimIds(name: string): string[] {
  const ids: Record<string, string[]> = {
    // The insider's own id is not the victim's: leave it out so the attacker tenant's own member is never named.
    userId: victimPeople.map((p) => p.id),
    roleId: victim.roleIds,
    teamId: victim.teamIds,
    conversationId: victim.conversationIds,
    domain: [victimDomain],
    // A join request is named by the person's login id.
    requestId: victimPeople.map((p) => p.id),
    keyId: [victimKey.id],
    webhookId: victim.webhookIds,
    deliveryId: victim.deliveryIds,
  };
  return ids[name] ?? [];
}

function attackOf(kit: RouteKit, bodies: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Attack> {
  const tenantRoute = isTenantRoute(kit.route);
  const target: fc.Arbitrary<Target> = tenantRoute
    ? fc.constantFrom('victim', 'unknown', 'own')
    : fc.constant('victim');
  const randomTenant = arbitraryOf(kit.json.params?.properties?.tenantId ?? {}) as fc.Arbitrary<string>;
  const others = kit.params.filter((p) => p !== 'tenantId');
  const params = fc.record(
    Object.fromEntries(
      others.map((name) => {
        const random = arbitraryOf(kit.json.params?.properties?.[name] ?? {}) as fc.Arbitrary<string>;
        const real = victimIds(name);
        return [name, real.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...real) }, random) : random];
      }),
    ),
  );
  const query = kit.json.query
    ? (arbitraryOf(kit.json.query, queryHints()) as fc.Arbitrary<Record<string, unknown>>).map((q) =>
        Object.entries(q)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)] as [string, string]),
      )
    : fc.constant([] as [string, string][]);
  const body = kit.json.body ? (bodies[kit.route.id] as fc.Arbitrary<unknown>) : fc.constant(undefined);
  const replayKey =
    kit.route.id === 'createTeam' ? fc.option(fc.constant(idempotent.key), { nil: undefined }) : fc.constant(undefined);
  return fc
    .record({
      attacker: fc.nat(attackers.length - 1),
      target,
      tenantId: randomTenant.filter((t) => t !== attacker.tenantId && t !== victim.tenantId),
      params,
      query,
      body,
      key: replayKey,
    })
    .map(({ attacker: who, target: t, tenantId, params: p, query: q, body: b, key }) => ({
      attacker: who,
      target: t,
      draft: {
        method: kit.route.method,
        params: {
          ...p,
          ...(kit.params.includes('tenantId')
            ? { tenantId: t === 'victim' ? victim.tenantId : t === 'own' ? attacker.tenantId : tenantId }
            : {}),
        },
        query: q,
        headers: key ? { 'idempotency-key': key } : ({} as Record<string, string>),
        ...(b === undefined ? {} : { body: { json: b } }),
      },
    }));
}

/**
 * Victim strings an attacker has sent: known to the attackers from then on
 * (their own tenant may even store them, e.g. a conversation id they chose).
 */
const told = new Set<string>();

/** The victim's strings in `text` that the attackers never sent and the caller may not know. */
function leaked(text: string, sent: string, known: readonly string[] = []): string[] {
  const echo = sent.toLowerCase();
  for (const s of secrets) if (echo.includes(s)) told.add(s);
  const haystack = text.toLowerCase();
  const allowed = new Set(known.map((k) => k.toLowerCase()));
  return secrets.filter((s) => haystack.includes(s) && !told.has(s) && !allowed.has(s));
}

/** Requests for the attacker's own tenant that succeeded: the bodies were plausible, the refusals real. */
let succeededAtHome = 0;

// ── properties ─────────────────────────────────────────────────────────────

describe('a caller from another tenant never reaches the victim tenant', () => {
  it('covers every user route, each with a body that would succeed at home', () => {
    expect(USER_ROUTES.length).toBeGreaterThanOrEqual(37);
    const bodies = plausibleBodies();
    for (const route of USER_ROUTES) {
      const kit = kits.get(route.id) as RouteKit;
      if (!kit.json.body) continue;
      expect(bodies[route.id], `plausibleBodies() needs an entry for ${route.id}`).toBeDefined();
      for (const body of fc.sample(bodies[route.id] as fc.Arbitrary<unknown>, 20)) {
        expect(bodyValid(kit, body), `${route.id}: ${JSON.stringify(body)}`).toBe(true);
      }
    }
    expect(attackers.map((a) => a.role as string).sort()).toEqual(
      ['admin', 'admin', 'agent', 'apiKey', 'custom', 'manager', 'revokedKey', 'tamperedKey'].sort(),
    );
  });

  it("the leak check sees the victim's data in the victim's own view of it", async () => {
    const path = `/v1/tenants/${victim.tenantId}/users?limit=100`;
    const res = await send(gw.baseUrl, {
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${victim.owner.token}` },
    });
    expect(res.status).toBe(200);
    const seen = leaked(res.text, '');
    for (const p of victimPeople)
      expect(seen).toEqual(expect.arrayContaining([p.id, p.email, p.name].map((s) => s.toLowerCase())));
  });

  it.each(USER_ROUTES.map((r) => r.id))('%s', async (id) => {
    const kit = kits.get(id) as RouteKit;
    await holds(
      attackOf(kit, plausibleBodies()),
      async ({ attacker: who, target, draft }) => {
        const caller = attackers[who] as Person & { token: string };
        const wire = render(kit, { ...draft, headers: { ...draft.headers, authorization: `Bearer ${caller.token}` } });
        const res = await send(gw.baseUrl, wire);
        const context = `${id} as the attacker's ${caller.role as string}${caller.id === attacker.owner.id ? ' (owner)' : ''}, ${target} tenant\n${describeRequest(wire)}\n→ ${res.status} ${res.text.slice(0, 400)}`;
        expect(res.status, context).toBeLessThan(500);
        // A revoked or tampered key is refused by the gateway, on every route, whatever it names.
        if (DEAD_KEYS.has(caller.role as string)) expect(res.status, context).toBe(401);
        if (target === 'own' && res.status < 300) succeededAtHome += 1;
        if (isTenantRoute(kit.route) && target !== 'own' && !DEAD_KEYS.has(caller.role as string)) {
          // Not a member: the tenant does not exist for this caller, whatever is behind it.
          expect(res.status, context).toBe(404);
          expectProblem(res, context);
          expect(JSON.parse(res.text).code, context).toBe('not-found');
        }
        const cursor = draft.query.find(([k]) => k === 'cursor');
        if (cursor) expect(res.status, `${context}\na victim's cursor is never accepted`).toBeGreaterThanOrEqual(400);
        // The insider's own pending invitation: /v1/me lists it with the tenant's id and name, as the email did.
        const known = id === 'getMe' && caller.id === insiderId ? [victim.tenantId, victim.tenantName] : [];
        const sent = `${wire.path}\n${String(wire.body ?? '')}`;
        const found = leaked(`${res.text}\n${JSON.stringify(res.headers)}`, sent, known);
        expect(found, `${context}\nleaks the victim's data`).toEqual([]);
      },
      RUNS,
    );
    const after = await tenantState(victim.tenantId);
    expect(after.audit.length, `${id}: the victim's audit trail`).toBe(before.audit.length);
    expect(after.seatsUsed, `${id}: the victim's seats`).toEqual(before.seatsUsed);
    expect(after.items, `${id}: the victim's partition`).toEqual(before.items);
    expect(after.audit, `${id}: the victim's audit partition`).toEqual(before.audit);
  });

  it('sent requests that succeed at home (so the refusals above are about the tenant, not the input)', () => {
    expect(succeededAtHome).toBeGreaterThanOrEqual(20);
  });

  it("leaves the victim's mail and logins as they were; its people still sign in and see their tenant", async () => {
    expect(await mailCount()).toBe(mailToVictim);
    expect(await loginsOf()).toEqual(identities);
    const token = await api.login(victim.owner.email, PASSWORD);
    const tenant = await api.call('GET', `/v1/tenants/${victim.tenantId}`, { token });
    expect(tenant.status).toBe(200);
    expect(tenant.body).toMatchObject({ id: victim.tenantId, name: victim.tenantName, ownerId: victim.owner.id });
    expect(tenant.body.seats.used).toBe(before.seatsUsed);
    // The global claim of its domain (outside its partition) is still the victim's.
    expect(await verifiedDomainTenant(victimDomain)).toBe(victim.tenantId);
  });
});
