/**
 * The /scim/v2 routes fuzzed (the generic fuzz and isolation suites speak
 * problem documents; SCIM has its own error schema): with a live token, any
 * body, PATCH, filter, paging or id is answered below 500, every refusal is a
 * SCIM error document (`schemas`, `status` as a string, `scimType`), and a
 * refused request writes nothing. A token of another tenant naming this
 * tenant's users and groups gets 404s and learns nothing; this tenant's
 * partition is unchanged.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../lib/http/routes.ts';
import { startTestGateway, type TestGateway } from '../../support/http.ts';
import { unique } from '../client.ts';
import { type TenantState, tenantState } from '../tenant-state.ts';
import { send } from '../wire.ts';
import { GROUP, PATCH, type ScimTenant, scimKit, USER } from './kit.ts';

let gw: TestGateway;
let kit: ReturnType<typeof scimKit>;
let home: ScimTenant;
let victim: ScimTenant;
let victimUser: { id: string; email: string };
let victimGroup: { id: string; name: string };
let homeUser: string;
let homeGroup: string;

const SCIM_ROUTES = ROUTES.filter((r) => r.auth === 'scim');
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

beforeAll(async () => {
  gw = await startTestGateway();
  kit = scimKit(gw);
  [home, victim] = await Promise.all([kit.tenant('scimfuzz'), kit.tenant('scimfuzzvictim')]);
  const email = `victim-${unique()}@victim.test`;
  const u = await kit.scim('POST', '/Users', victim.scimToken, { schemas: [USER], userName: email });
  victimUser = { id: u.body.id, email };
  const name = `Victim group ${unique()}`;
  const g = await kit.scim('POST', '/Groups', victim.scimToken, {
    schemas: [GROUP],
    displayName: name,
    members: [{ value: u.body.id }],
  });
  victimGroup = { id: g.body.id, name };
  homeUser = (
    await kit.scim('POST', '/Users', home.scimToken, { schemas: [USER], userName: `h-${unique()}@home.test` })
  ).body.id;
  homeGroup = (await kit.scim('POST', '/Groups', home.scimToken, { schemas: [GROUP], displayName: `Home ${unique()}` }))
    .body.id;
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

function expectScimError(res: { status: number; text: string; headers: Record<string, unknown> }, context: string) {
  expect(String(res.headers['content-type'] ?? ''), context).toMatch(/^application\/(scim\+)?json/);
  if (String(res.headers['content-type']).startsWith('application/json')) return; // API Gateway's own {"message"}
  const body = JSON.parse(res.text);
  expect(body.schemas, context).toEqual([ERROR]);
  expect(body.status, context).toBe(String(res.status));
  expect(typeof body.detail, context).toBe('string');
}

const attr = fc.constantFrom(
  'userName',
  'emails',
  'emails.value',
  'name.givenName',
  'active',
  'displayName',
  'externalId',
  'members',
  'x',
  `${'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'}:department`,
  'members[value eq "x"]',
  'emails[type eq "work"].value',
  '',
  '[',
  'a..b',
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('False', 'True', 'false', true, false, null, [], [{ value: 'nobody' }]),
);
const operation = fc.record(
  { op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE', 'merge', ''), path: attr, value },
  { requiredKeys: ['op'] },
);
const patchBody = fc.oneof(
  fc.record({ schemas: fc.constant([PATCH]), Operations: fc.array(operation, { maxLength: 4 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const resourceBody = fc.oneof(
  fc.record(
    {
      schemas: fc.constant([USER]),
      userName: fc.oneof(fc.string({ maxLength: 40 }), fc.emailAddress(), fc.jsonValue({ maxDepth: 1 })),
      emails: fc.oneof(fc.array(fc.record({ value: fc.oneof(fc.emailAddress(), fc.string()), primary: value })), value),
      name: fc.oneof(fc.record({ givenName: fc.string(), familyName: fc.string() }), value),
      active: value,
      displayName: fc.oneof(fc.string({ maxLength: 300 }), value),
      members: fc.oneof(fc.array(fc.record({ value: fc.string() }), { maxLength: 3 }), value),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const filterText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .tuple(
      fc.constantFrom('userName', 'emails.value', 'meta.created', 'displayName', 'active', 'x'),
      fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'zz'),
      fc.oneof(
        fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
        fc.constantFrom('true', 'null', '1', 'x'),
      ),
    )
    .map(([a, o, v]) => (o === 'pr' ? `${a} pr` : `${a} ${o} ${v}`)),
  fc.constantFrom(
    '(',
    ')',
    'not',
    'userName eq "a" and',
    '((((userName pr))))',
    `${'('.repeat(40)}userName pr${')'.repeat(40)}`,
  ),
);
const pagingValue = fc.oneof(
  fc.integer({ min: -5, max: 500 }).map(String),
  fc.constantFrom('', 'x', '1.5', '١', '1e3'),
);

function requestOf(route: (typeof SCIM_ROUTES)[number]) {
  const id = fc.oneof(
    fc.constantFrom(homeUser, homeGroup, 'nobody', '..', 'A'.repeat(200)),
    fc.string({ minLength: 1, maxLength: 20 }),
  );
  const query = fc.record(
    {
      filter: filterText,
      startIndex: pagingValue,
      count: pagingValue,
      excludedAttributes: fc.constantFrom('members', 'x', ''),
    },
    { requiredKeys: [] },
  );
  return fc.record({
    id,
    query,
    body:
      route.method === 'PATCH'
        ? patchBody
        : route.method === 'GET' || route.method === 'DELETE'
          ? fc.constant(undefined)
          : resourceBody,
  });
}

describe('hostile SCIM input never gets a 5xx, and every refusal is a SCIM error that writes nothing', () => {
  it.each(SCIM_ROUTES.map((r) => r.id))('%s', async (routeId) => {
    const route = SCIM_ROUTES.find((r) => r.id === routeId) as (typeof SCIM_ROUTES)[number];
    const victimBefore = await tenantState(victim.tenantId);
    await fc.assert(
      fc.asyncProperty(requestOf(route), async ({ id, query, body }) => {
        const path = route.path.replace('{id}', encodeURIComponent(id));
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        const res = await send(gw.baseUrl, {
          method: route.method,
          path: `${path}${qs ? `?${qs}` : ''}`,
          headers: { authorization: `Bearer ${home.scimToken}`, 'content-type': 'application/scim+json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const context = `${route.method} ${path}?${qs} ${JSON.stringify(body)?.slice(0, 200)}\n→ ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBeLessThan(500);
        if (res.status >= 400) expectScimError(res, context);
      }),
      { numRuns: 25 },
    );
    expect(await tenantState(victim.tenantId), 'the other tenant').toEqual(victimBefore);
  });

  it('malformed JSON, another media type and an oversized body are SCIM errors', async () => {
    const headers = { authorization: `Bearer ${home.scimToken}`, 'content-type': 'application/scim+json' };
    const malformed = await send(gw.baseUrl, { method: 'POST', path: '/scim/v2/Users', headers, body: '{"userName":' });
    expect(malformed.status).toBe(400);
    expectScimError(malformed, malformed.text);
    const xml = await send(gw.baseUrl, {
      method: 'POST',
      path: '/scim/v2/Users',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(xml.status).toBe(415);
    expectScimError(xml, xml.text);
    const big = await send(gw.baseUrl, {
      method: 'POST',
      path: '/scim/v2/Users',
      headers,
      body: JSON.stringify({ userName: 'x'.repeat(200_000) }),
    });
    expect(big.status).toBe(413);
  });
});

describe("another tenant's SCIM token never reaches this tenant", () => {
  let before: TenantState;
  beforeAll(async () => {
    before = await tenantState(victim.tenantId);
  });

  it('every route with an id, every method, the victim’s real ids: 404, no data of the victim', async () => {
    const secrets = [victimUser.id, victimUser.email, victimGroup.name, victim.tenantId];
    for (const route of SCIM_ROUTES) {
      const ids = route.path.includes('{id}') ? [victimUser.id, victimGroup.id] : [''];
      for (const id of ids) {
        const path = route.path.replace('{id}', id);
        const filter = `?filter=${encodeURIComponent(`userName eq "${victimUser.email}" or displayName eq "${victimGroup.name}"`)}`;
        const body =
          route.method === 'PATCH'
            ? {
                schemas: [PATCH],
                Operations: [
                  { op: 'replace', value: { active: false, displayName: 'Pwned' } },
                  { op: 'remove', path: 'members' },
                ],
              }
            : route.method === 'PUT' || route.method === 'POST'
              ? {
                  schemas: [USER, GROUP],
                  // (The victim's address provisioned here would be this tenant's own invitation of that person.)
                  userName: `x-${unique()}@home.test`,
                  displayName: `Pwned ${unique()}`,
                  members: [{ value: victimUser.id }],
                }
              : undefined;
        const res = await send(gw.baseUrl, {
          method: route.method,
          path: `${path}${route.method === 'GET' ? filter : ''}`,
          headers: { authorization: `Bearer ${home.scimToken}`, 'content-type': 'application/scim+json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const context = `${route.method} ${path} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBeLessThan(500);
        if (route.path.includes('{id}')) expect(res.status, context).toBe(404);
        const sent = JSON.stringify(body ?? '') + path;
        for (const secret of secrets) if (!sent.includes(secret)) expect(res.text, context).not.toContain(secret);
      }
    }
    const after = await tenantState(victim.tenantId);
    expect(after.items).toEqual(before.items);
    expect(after.audit).toEqual(before.audit);
  });
});
