/**
 * Authorisation over the whole route table: every tenant route refuses a
 * caller lacking its permission (before any business rule, after one read)
 * and lets one holding it through; and authorisation is ONE DynamoDB round
 * trip (tenant, member, the caller's identity) whatever the role, custom roles
 * included. A route acting on another member then reads that member and their
 * identity in one more round trip (DESIGN §2a rule 1).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESClient } from '@aws-sdk/client-ses';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLE_PERMISSIONS,
  BUILT_IN_ROLES,
  type Permission,
} from '../../lib/domain/permissions.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const routes: readonly RouteDef[] = ROUTES;
const tenantRoutes = routes.filter((r) => r.auth === 'user' && r.path.startsWith('/v1/tenants/{tenantId}'));
const guarded = tenantRoutes.filter((r): r is RouteDef & { permission: Permission } => !!r.permission);
/**
 * Security settings (DESIGN §2a rule 14): any member's route by the table (no permission decides), but the
 * use case lets role admin alone through — a custom role holding every permission is refused.
 */
const ADMINS_ONLY = new Set([
  'listScimTokens',
  'createScimToken',
  'revokeScimToken',
  'getScimRoleMappings',
  'putScimRoleMappings',
]);
/**
 * Security settings behind a permission the table names (settings:manage) whose use case also wants role
 * admin (rule 14): a custom role holding that permission is refused there, after the same one read.
 */
const ADMIN_ROLE_TOO = new Set([
  'listDomains',
  'addDomain',
  'verifyDomain',
  'removeDomain',
  // SSO connections: admins only (lib/app/sso.ts assertAdmin).
  'listSsoConnections',
  'createSsoConnection',
  'getSsoConnection',
  'updateSsoConnection',
  'deleteSsoConnection',
]);
const open = tenantRoutes.filter((r) => r.permission === null && !ADMINS_ONLY.has(r.id));

/** A value each path parameter accepts; the caller is `u-1`, the target someone else. */
const PARAM_VALUES: Record<string, string> = {
  tenantId: 'acme',
  userId: 'u-2',
  roleId: '01jrole00000000000000000000',
  connectionId: '01JCONN0000000000000000000',
  tokenId: '01jtoken000000000000000000',
  keyId: '01jkey0000000000000000000a',
};

function request(route: RouteDef) {
  const pathParameters: Record<string, string> = {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    pathParameters[name] = PARAM_VALUES[name] ?? 'p-1';
    return pathParameters[name];
  });
  return { method: route.method, path, pathParameters, claims: { sub: 'u-1', token_use: 'access' } };
}

const handlers = new Map<string, Handler>();
async function handlerOf(route: RouteDef): Promise<Handler> {
  let handler = handlers.get(route.entry);
  if (!handler) {
    const module = (await import(/* @vite-ignore */ `../../${route.entry}`)) as { handler: Handler };
    handler = module.handler;
    handlers.set(route.entry, handler);
  }
  return handler;
}

const tenant = (rolePermissions: Record<string, string[]>) =>
  tenantItem({ plan: 'scale', seatLimit: 10, seatsUsed: 3, rolePermissions });

const member = memberItem;

type Key = { pk: string; sk: string };
const sameKey = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;

/** BatchGetItem answers with the items among `items` whose keys it was asked for, as DynamoDB would. */
function serve(items: (Key & Record<string, unknown>)[]) {
  db.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => {
    const asked = input.RequestItems['roster-test']?.Keys ?? [];
    return { Responses: { 'roster-test': items.filter((item) => asked.some((k) => sameKey(k, item))) } };
  });
}

/** The caller's authorisation read: tenant, own membership, own identity. */
const AUTH_KEYS = [
  { pk: 'TENANT#acme', sk: '#TENANT' },
  { pk: 'TENANT#acme', sk: 'MEMBER#u-1' },
  { pk: 'IDENTITY#u-1', sk: '#IDENTITY' },
];
/** The read of the member a route acts on (`u-2`): membership and identity. */
const TARGET_KEYS = [
  { pk: 'TENANT#acme', sk: 'MEMBER#u-2' },
  { pk: 'IDENTITY#u-2', sk: '#IDENTITY' },
];
const batchGetKeys = () =>
  db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.['roster-test']?.Keys);

/**
 * The routes that act on another member and get past their input checks with
 * no body: each reads the target (u-2) after authorising. (updateMember and
 * resetMemberPassword also act on another member, but refuse the empty body first.)
 */
const ACTS_ON_TARGET = new Set([
  'deleteMember',
  'suspendMember',
  'deactivateMember',
  'reactivateMember',
  'resendInvitation',
]);

/**
 * Routes scoped to the team their path names (issue 17, the team boundary):
 * the route's permission lets a member of that team through; others need a
 * wider one (lib/app/assignments.ts). The pass cases below make the caller a
 * member of the path's team (`p-1`); the refusal of a non-member is tested on its own.
 */
const TEAM_SCOPED = new Set(['listTeamQueue']);
const teamsFor = (route: RouteDef) => (TEAM_SCOPED.has(route.id) ? ['p-1'] : []);

/** The caller holds exactly `permissions`, through a custom role; so does the target u-2 (equal is dominated). */
function callerWith(permissions: readonly Permission[], teamIds: readonly string[] = []) {
  serve([
    tenant({ probe: [...permissions] }),
    member({ role: 'custom', roleId: 'probe', teamIds: [...teamIds] }),
    identityItem(),
    member({ id: 'u-2', email: 'bo@acme.test', name: 'Bo', role: 'custom', roleId: 'probe' }),
    identityItem({ id: 'u-2', email: 'bo@acme.test' }),
  ]);
}
/** The authorisation reads: the BatchGetItem of the tenant with the caller's membership (a handler may batch-read others). */
const authorisationReads = () =>
  db.commandCalls(BatchGetCommand).filter((c) => JSON.stringify(c.args[0].input).includes('"#TENANT"'));

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
  // Past authorisation, every other read finds nothing and every write succeeds.
  db.onAnyCommand().resolves({});
  idp.onAnyCommand().resolves({});
  mail.onAnyCommand().resolves({});
});

describe('the route table', () => {
  it('declares a permission (or null = any member) on every tenant route', () => {
    expect(tenantRoutes.length).toBeGreaterThan(10);
    for (const route of tenantRoutes) expect(route.permission, route.id).not.toBeUndefined();
  });

  it('covers the roles routes with roles:* and transfer with settings:manage', () => {
    const byId = Object.fromEntries(routes.map((r) => [r.id, r.permission]));
    expect(byId).toMatchObject({
      listRoles: 'roles:view',
      getRole: 'roles:view',
      createRole: 'roles:create',
      updateRole: 'roles:edit',
      deleteRole: 'roles:delete',
      transferOwnership: 'settings:manage',
      listTeams: 'teams:view',
      createTeam: 'teams:manage',
      getTeam: 'teams:view',
      updateTeam: 'teams:manage',
      deleteTeam: 'teams:manage',
      listTeamMembers: 'teams:view',
      addTeamMember: 'teams:manage',
      removeTeamMember: 'teams:manage',
      assignConversation: 'conversations:assign',
      claimConversation: 'conversations:reply',
    });
  });
});

describe.each(guarded.map((r) => [r.id, r] as const))('%s', (_id, route) => {
  it(`refuses a caller without ${route.permission} after one read, before any business rule`, async () => {
    callerWith([]);
    const res = await invoke(await handlerOf(route), request(route));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden' });
    expect(res.body.detail).toContain(route.permission);
    expect(db.calls().map((c) => c.args[0].constructor.name)).toEqual(['BatchGetCommand']);
    expect(idp.calls()).toHaveLength(0);
    expect(mail.calls()).toHaveLength(0);
  });

  it(`lets a caller holding exactly ${route.permission} through`, async () => {
    callerWith([route.permission], teamsFor(route));
    const res = await invoke(await handlerOf(route), request(route));
    if (ADMIN_ROLE_TOO.has(route.id) && res.status !== 400) {
      // Rule 14: the permission is not enough — only role admin changes or reads the security settings.
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(String(res.body.detail)).toMatch(/admin/i);
      expect(authorisationReads()).toHaveLength(1);
      return;
    }
    expect(res.status, JSON.stringify(res.body)).not.toBe(403);
    expect(res.status).toBeLessThan(500);
    // Authorisation is the first read and decides alone; acting on u-2 reads u-2 (and only that) next.
    expect(db.calls()[0]?.args[0]).toBeInstanceOf(BatchGetCommand);
    expect(batchGetKeys()[0]).toEqual(AUTH_KEYS);
    expect(authorisationReads()).toHaveLength(1);
    if (ACTS_ON_TARGET.has(route.id)) expect(batchGetKeys()).toEqual([AUTH_KEYS, TARGET_KEYS]);
  });

  it('matches the built-in roles: refused exactly when the role lacks the permission', async () => {
    for (const role of BUILT_IN_ROLES) {
      // The target u-2 holds nothing (an unknown custom role), so only the route permission can refuse.
      serve([
        tenant({}),
        member({ role, teamIds: teamsFor(route) }),
        member({ id: 'u-2', role: 'custom', roleId: 'gone', crmAccess: false }),
      ]);
      const res = await invoke(await handlerOf(route), request(route));
      const holds = BUILT_IN_ROLE_PERMISSIONS[role].includes(route.permission);
      expect(res.status === 403, `${role} on ${route.id}: ${JSON.stringify(res.body)}`).toBe(!holds);
    }
  });
});

describe.each(open.map((r) => [r.id, r] as const))('%s (any active member)', (_id, route) => {
  it('lets a member holding no permission at all through', async () => {
    callerWith([]);
    const res = await invoke(await handlerOf(route), request(route));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe.each(tenantRoutes.filter((r) => ADMINS_ONLY.has(r.id)).map((r) => [r.id, r] as const))(
  '%s (admins only, rule 14)',
  (_id, route) => {
    it('refuses a custom role holding every permission, after the one authorisation read', async () => {
      callerWith([...ALL_PERMISSIONS]);
      // A valid body, so only the role can refuse (a body is checked before the use case runs).
      const body = route.method === 'PUT' ? [] : undefined;
      const res = await invoke(await handlerOf(route), { ...request(route), ...(body ? { body } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(db.calls().map((c) => c.args[0].constructor.name)).toEqual(['BatchGetCommand']);
    });

    it('lets an admin through on the one authorisation read', async () => {
      serve([tenant({}), member({ role: 'admin' }), identityItem()]);
      const res = await invoke(await handlerOf(route), request(route));
      expect(res.status, JSON.stringify(res.body)).not.toBe(403);
      expect(res.status).toBeLessThan(500);
      expect(authorisationReads()).toHaveLength(1);
    });
  },
);

describe('a team-scoped route (the queue) beyond its permission', () => {
  const queue = routes.find((r) => r.id === 'listTeamQueue') as RouteDef;

  it('refuses a non-member of the team holding exactly teams:view, after the one authorisation read', async () => {
    callerWith(['teams:view']);
    const res = await invoke(await handlerOf(queue), request(queue));
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.detail).toContain('membership of the team');
    expect(db.calls().map((c) => c.args[0].constructor.name)).toEqual(['BatchGetCommand']);
  });

  it.each([['conversations:view'], ['teams:manage']] as const)(
    'lets a non-member holding %s through',
    async (wider) => {
      callerWith(['teams:view', wider]);
      const res = await invoke(await handlerOf(queue), request(queue));
      expect(res.status, JSON.stringify(res.body)).not.toBe(403);
      expect(authorisationReads()).toHaveLength(1);
    },
  );
});

const selfRoutes = guarded.filter((r) => r.self);

describe.each(selfRoutes.map((r) => [r.id, r] as const))('%s (self or its permission)', (_id, route) => {
  it('lets the member the path names act on themselves holding no permission, after one read', async () => {
    callerWith([]);
    const own = request(route);
    own.pathParameters.userId = 'u-1';
    own.path = own.path.replace('/users/u-2/', '/users/u-1/');
    const res = await invoke(await handlerOf(route), own);
    expect(res.status, JSON.stringify(res.body)).not.toBe(403);
    expect(res.status).toBeLessThan(500);
    expect(batchGetKeys()[0]).toEqual(AUTH_KEYS);
    expect(authorisationReads()).toHaveLength(1);
  });
});

it('self routes are the availability, working hours and a person’s queue, each guarded by a permission for others', () => {
  expect(selfRoutes.map((r) => [r.id, r.permission])).toEqual([
    ['setAvailability', 'teams:manage'],
    ['setWorkingHours', 'teams:manage'],
    ['clearWorkingHours', 'teams:manage'],
    ['listMemberAssignments', 'conversations:view'],
  ]);
});

describe('authorisation is one DynamoDB round trip', () => {
  const me = routes.find((r) => r.id === 'getMyMembership') as RouteDef;
  const custom = {
    label: 'custom role',
    item: member({ role: 'custom', roleId: 'sales', grants: ['audit:view'] }),
    roles: { sales: ['contacts:view', 'contacts:edit'] },
  };
  const customWithoutCrm = {
    label: 'custom role with CRM access off',
    item: member({ role: 'custom', roleId: 'sales', crmAccess: false }),
    roles: { sales: ['contacts:view', 'contacts:edit', 'analytics:view'] },
  };
  const cases = [
    ...BUILT_IN_ROLES.map((role) => ({ label: role, item: member({ role }), roles: {} })),
    custom,
    customWithoutCrm,
  ];

  it.each(cases)(
    '$label: one consistent BatchGetItem of tenant + member + identity, nothing else',
    async ({ item, roles }) => {
      db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant(roles), item, identityItem()] } });
      const res = await invoke(await handlerOf(me), request(me));
      expect(res.status).toBe(200);
      expect(db.calls()).toHaveLength(1);
      expect(db.commandCalls(BatchGetCommand)[0]?.args[0].input).toEqual({
        RequestItems: { 'roster-test': { Keys: AUTH_KEYS, ConsistentRead: true } },
      });
    },
  );

  it('reads a custom role’s permissions from the tenant item: no ROLE# read', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant(custom.roles), custom.item] } });
    const res = await invoke(await handlerOf(me), request(me));
    expect(res.body.permissions).toEqual(['contacts:view', 'contacts:edit', 'audit:view']);
    db.on(BatchGetCommand).resolves({
      Responses: { 'roster-test': [tenant(customWithoutCrm.roles), customWithoutCrm.item] },
    });
    const off = await invoke(await handlerOf(me), request(me));
    expect(off.body.permissions).toEqual(['analytics:view']);
    expect(JSON.stringify(db.calls().map((c) => c.args[0].input))).not.toContain('ROLE#');
  });

  it('a refused request costs that one read too, for built-in and custom roles', async () => {
    const listRoles = routes.find((r) => r.id === 'listRoles') as RouteDef;
    for (const item of [member({ role: 'agent' }), member({ role: 'custom', roleId: 'sales' })]) {
      db.resetHistory();
      db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant({ sales: ['contacts:view'] }), item] } });
      const res = await invoke(await handlerOf(listRoles), request(listRoles));
      expect(res.status).toBe(403);
      expect(db.calls()).toHaveLength(1);
    }
  });
});
