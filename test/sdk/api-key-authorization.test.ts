/**
 * API keys over the whole route table (docs/architecture.md, "API keys"): on
 * every tenant route a key is authorised in ONE DynamoDB round trip — its
 * tenant and its own item in the same BatchGetItem — judged by exactly its
 * permissions; on routes only a person may call (their own account or
 * membership, claiming for themselves, creating keys) and outside its tenant's
 * routes it is refused before any read. `lastUsedAt` is one conditional
 * UpdateItem at most, never awaited by the request.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESClient } from '@aws-sdk/client-ses';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Permission } from '../../lib/domain/permissions.ts';
import { hashToken } from '../../lib/domain/tokens.ts';
import { isTenantRoute } from '../../lib/http/route.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { invoke } from './events.ts';
import { memberItem, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const routes: readonly RouteDef[] = ROUTES;
const userRoutes = routes.filter((r) => r.auth === 'user');
const keyRoutes = userRoutes.filter((r) => isTenantRoute(r) && !r.personOnly);
const personRoutes = userRoutes.filter((r) => !isTenantRoute(r) || r.personOnly);
/** Routes whose use case also wants role admin (rule 14): a key holding their permission is still refused. */
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
const guarded = keyRoutes.filter((r): r is RouteDef & { permission: Permission } => !!r.permission);

const KEY_ID = '01jkey0000000000000000000a';
const RANDOM = 'A'.repeat(43);
const SECRET = `rst_acme.${KEY_ID}.${RANDOM}`;
const PARAM_VALUES: Record<string, string> = {
  tenantId: 'acme',
  userId: 'u-2',
  roleId: '01jrole00000000000000000000',
  connectionId: '01JCONN0000000000000000000',
  keyId: '01jother00000000000000000b',
};

function request(route: RouteDef, bearer = SECRET) {
  const pathParameters: Record<string, string> = {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    pathParameters[name] = PARAM_VALUES[name] ?? 'p-1';
    return pathParameters[name];
  });
  return {
    method: route.method,
    path,
    pathParameters,
    headers: { authorization: `Bearer ${bearer}` },
    lambda: { principal: 'apiKey', tenantId: 'acme', keyId: KEY_ID },
  };
}

const handlers = new Map<string, Handler>();
async function handlerOf(route: RouteDef): Promise<Handler> {
  let handler = handlers.get(route.entry);
  if (!handler) {
    handler = ((await import(/* @vite-ignore */ `../../${route.entry}`)) as { handler: Handler }).handler;
    handlers.set(route.entry, handler);
  }
  return handler;
}

type Key = { pk: string; sk: string };
const sameKey = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;

function keyItem(permissions: readonly string[], overrides: Record<string, unknown> = {}) {
  return {
    entity: 'apiKey',
    pk: 'TENANT#acme',
    sk: `APIKEY#${KEY_ID}`,
    tenantId: 'acme',
    id: KEY_ID,
    name: 'CRM sync',
    secretHash: hashToken(RANDOM),
    permissions: [...permissions],
    createdBy: 'u-owner',
    createdByName: 'Olga Owner',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The key holds exactly `permissions`; the target u-2 holds nothing (so dominance never refuses). */
function keyWith(permissions: readonly string[], overrides: Record<string, unknown> = {}) {
  const items = [
    tenantItem({ plan: 'scale', seatLimit: 10, seatsUsed: 3 }),
    keyItem(permissions, overrides),
    memberItem({
      id: 'u-2',
      email: 'bo@acme.test',
      name: 'Bo',
      role: 'custom',
      roleId: 'gone',
      crmAccess: false,
      teamIds: ['p-1'],
    }),
  ];
  db.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => {
    const asked = input.RequestItems['roster-test']?.Keys ?? [];
    return { Responses: { 'roster-test': items.filter((item) => asked.some((k) => sameKey(k, item))) } };
  });
}

const KEY_AUTH = [
  { pk: 'TENANT#acme', sk: '#TENANT' },
  { pk: 'TENANT#acme', sk: `APIKEY#${KEY_ID}` },
];
const batchGetKeys = () =>
  db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.['roster-test']?.Keys);
/** The authorisation reads: the ones with the tenant item (a route may read other keys, e.g. the one it revokes). */
const keyReads = () => batchGetKeys().filter((keys) => JSON.stringify(keys).includes('"#TENANT"'));

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
  db.onAnyCommand().resolves({});
  idp.onAnyCommand().resolves({});
  mail.onAnyCommand().resolves({});
});

describe.each(guarded.map((r) => [r.id, r] as const))('%s with an API key', (_id, route) => {
  it(`is authorised in one round trip (tenant + key) and passes holding exactly ${route.permission}`, async () => {
    // The queue is team-scoped: a key is no member of any team, so it needs the wider permission there.
    keyWith(route.id === 'listTeamQueue' ? [route.permission, 'conversations:view'] : [route.permission]);
    const res = await invoke(await handlerOf(route), request(route));
    expect(batchGetKeys()[0]).toEqual(KEY_AUTH);
    if (ADMIN_ROLE_TOO.has(route.id) && res.status !== 400) {
      // Rule 14: the domains are admins' alone — a key is never an admin, whatever it holds.
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(keyReads()).toHaveLength(1);
      return;
    }
    expect(res.status, JSON.stringify(res.body)).not.toBe(403);
    expect(res.status).not.toBe(401);
    expect(res.status).toBeLessThan(500);
    expect(batchGetKeys()[0]).toEqual(KEY_AUTH);
    expect(keyReads()).toHaveLength(1);
  });

  it(`is refused without ${route.permission} after that one read`, async () => {
    keyWith([]);
    const res = await invoke(await handlerOf(route), request(route));
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain(route.permission);
    expect(db.calls().map((c) => c.args[0].constructor.name)).toEqual(['BatchGetCommand']);
  });
});

describe.each(personRoutes.map((r) => [r.id, r] as const))('%s (a person’s route)', (_id, route) => {
  it('refuses an API key with 403 before any read', async () => {
    keyWith(['integrations:manage', 'conversations:reply', 'settings:manage']);
    const res = await invoke(await handlerOf(route), request(route));
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.detail).toMatch(/API keys cannot/);
    expect(db.calls()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });
});

describe('the key itself', () => {
  const listUsers = routes.find((r) => r.id === 'listMembers') as RouteDef;

  it.each([
    ['a tampered secret', `rst_acme.${KEY_ID}.${'B'.repeat(43)}`, {}],
    ['an expired key', SECRET, { expiresAt: '2026-01-02T00:00:00.000Z' }],
  ])('refuses %s with 401', async (_label, bearer, overrides) => {
    keyWith(['users:view'], overrides);
    const res = await invoke(await handlerOf(listUsers), request(listUsers, bearer));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('refuses a revoked (deleted) key with 401', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenantItem()] } });
    const res = await invoke(await handlerOf(listUsers), request(listUsers));
    expect(res.status).toBe(401);
  });

  it('answers 404 on another tenant’s path, reading nothing', async () => {
    keyWith(['users:view']);
    const other = request(listUsers);
    other.pathParameters.tenantId = 'globex';
    other.path = '/v1/tenants/globex/users';
    const res = await invoke(await handlerOf(listUsers), other);
    expect(res.status).toBe(404);
    expect(db.calls()).toHaveLength(0);
  });

  it('records lastUsedAt with one conditional UpdateItem, and not again within the minute', async () => {
    keyWith(['users:view']);
    await invoke(await handlerOf(listUsers), request(listUsers));
    const updates = db.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.sk === `APIKEY#${KEY_ID}`);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args[0].input.ConditionExpression).toContain('lastUsedAt <= :cutoff');
    db.resetHistory();
    keyWith(['users:view'], { lastUsedAt: new Date(Date.now() - 5_000).toISOString() });
    await invoke(await handlerOf(listUsers), request(listUsers));
    expect(db.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.sk === `APIKEY#${KEY_ID}`)).toHaveLength(
      0,
    );
  });

  it('still answers when recording lastUsedAt fails', async () => {
    keyWith(['users:view']);
    db.on(UpdateCommand).rejects(new Error('throttled'));
    const res = await invoke(await handlerOf(listUsers), request(listUsers));
    expect(res.status).toBe(200);
  });
});
