/**
 * Input fuzzing over the whole route table, through the local gateway against
 * the emulators (docs/architecture.md, bars: isolation and input). Requests are derived from
 * each handler's own zod schemas (z.toJSONSchema → fast-check) and then
 * broken on purpose, beyond the schemas too: wrong types, missing and extra
 * fields, huge strings, hostile unicode, malformed JSON, foreign media types,
 * oversized bodies, bad path segments, garbage and foreign cursors, malformed
 * If-Match and Idempotency-Key headers, methods the path does not serve.
 *
 * 1. A request the schemas (or the transport rules) refuse gets the 4xx its
 *    defect calls for, as an RFC 9457 problem, and writes nothing: the tenant's
 *    partitions, its mail and the logins of the emails sent stay as they were.
 * 2. A request the schemas accept, full of hostile text, crafted cursors and
 *    odd headers, never gets a 5xx; every refusal is a problem.
 *
 * User routes are called as the tenant's owner (every permission) — or, on
 * every other request to a route an API key may call, with the tenant's key
 * holding every permission — platform routes with the platform key, so
 * validation — not authorisation — is what the requests meet.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLogin } from '../../lib/aws/identity.ts';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { MAX_BODY_BYTES } from '../../lib/http/middleware/request.ts';
import { isTenantRoute } from '../../lib/http/route.ts';
import { ROUTES } from '../../lib/http/routes.ts';
import { type SentEmail, sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';
import { type Populated, populate } from './populate.ts';
import {
  bodyValid,
  type Draft,
  loadRouteKits,
  paramsValid,
  queryValid,
  type RouteKit,
  render,
  serverView,
} from './route-kit.ts';
import {
  arbitraryOf,
  type Hints,
  holds,
  hostileText,
  invalidValueOf,
  type JsonSchema,
  PROTOTYPE_KEYS,
} from './schema-arbitraries.ts';
import { tenantState, tenantsCreatedSince } from './tenant-state.ts';
import { describeRequest, expectProblem, send } from './wire.ts';

/** Runs per route: enough to meet every defect kind several times, bounded for a 2-core CI. */
const INVALID_RUNS = 60;
const VALID_RUNS = 24;

let gw: TestGateway;
let api: ReturnType<typeof client>;
let kits: RouteKit[];
/** The tenant whose owner calls every user route; nothing may change in it while invalid requests fly. */
let fz: Populated;
/** Another tenant: its cursors are foreign to `fz`. */
let other: Populated;
/** A tenant the platform routes may re-plan and close when their input is valid. */
let spare: string;
/** `fz`'s API key holding every permission: every other request to a route a key may call carries it instead. */
let fzKey: string;
let sent = 0;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  kits = await loadRouteKits();
  [fz, other] = await Promise.all([
    populate(api, `fuzz-${unique()}`, ['admin', 'manager', 'agent', 'custom'], 'enterprise'),
    populate(api, `fuzzother-${unique()}`, []),
  ]);
  const created = await api.call('POST', '/v1/platform/tenants', {
    headers: api.platform,
    body: { name: 'Spare Co', plan: 'starter', owner: { email: `spare-${unique()}@e2e.test`, name: 'Spare Owner' } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  spare = created.body.id;
  const key = await api.call('POST', `/v1/tenants/${fz.tenantId}/api-keys`, {
    token: fz.owner.token,
    body: { name: 'Fuzz key', permissions: [...ALL_PERMISSIONS] },
  });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  fzKey = key.body.secret;
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

// ── requests ───────────────────────────────────────────────────────────────

function auth(kit: RouteKit): Record<string, string> {
  // Both credential kinds: on the tenant routes a key serves, every other request is the key's — except where
  // being no admin changes the answer before validation would (a key is never an admin: security settings,
  // acting on the owner or an admin), so the defect, not the caller, decides the status.
  const keyServes =
    isTenantRoute(kit.route) &&
    kit.route.auth === 'user' &&
    !kit.route.personOnly &&
    kit.route.id !== 'updateTenant' &&
    !kit.route.path.includes('{userId}');
  if (keyServes && sent++ % 2 === 1) return { authorization: `Bearer ${fzKey}` };
  if (kit.route.auth === 'user') return { authorization: `Bearer ${fz.owner.token}` };
  if (kit.route.auth === 'platform') return { 'x-platform-key': gw.platformKey };
  return {};
}

function call(kit: RouteKit, draft: Draft) {
  const wire = render(kit, { ...draft, headers: { ...auth(kit), ...draft.headers } });
  return { wire, response: send(gw.baseUrl, wire) };
}

const propertySchema = (schema: JsonSchema | undefined, name: string): JsonSchema => schema?.properties?.[name] ?? {};

type Mode = 'invalid' | 'valid';

/** Real ids of `fz` (so requests reach past "not found"), or any value the schema allows. */
function paramArb(kit: RouteKit, name: string, mode: Mode): fc.Arbitrary<string> {
  const random = arbitraryOf(propertySchema(kit.json.params, name)) as fc.Arbitrary<string>;
  const others = fz.members.map((m) => m.id);
  const real: Record<string, string[]> = {
    tenantId: isTenantRoute(kit.route) ? [fz.tenantId] : mode === 'invalid' ? [fz.tenantId, other.tenantId] : [spare],
    userId: mode === 'invalid' ? [fz.owner.id, ...others] : others,
    roleId: fz.roleIds,
    teamId: fz.teamIds,
    conversationId: fz.conversationIds,
    webhookId: fz.webhookIds,
    deliveryId: fz.deliveryIds,
    asset: ['init.js', 'swagger-ui.css', 'swagger-ui-bundle.js', ...PROTOTYPE_KEYS],
  };
  const known = real[name] ?? [];
  // Tenant routes stay in the owner's tenant: authorisation passes, validation is what is met.
  if (name === 'tenantId' && isTenantRoute(kit.route)) return fc.constant(fz.tenantId);
  return known.length ? fc.oneof(fc.constantFrom(...known), random) : random;
}

/** A cursor of this route's own list (right scope) with its key tampered with: changed, dropped or extra attributes. */
function craftedCursor(kit: RouteKit): fc.Arbitrary<string> {
  const own = fz.cursors[kit.route.twinOf ?? kit.route.id];
  if (!own) return fc.constant('x');
  const { s, k } = JSON.parse(Buffer.from(own, 'base64url').toString('utf8')) as {
    s: string;
    k: Record<string, unknown>;
  };
  const names = Object.keys(k);
  const value = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '~',
      '#',
      'MEMBER#',
      'ROLE#',
      'TEAM#x',
      'TENANT#x',
      'ZZZZ',
      '0',
      'x'.repeat(1024),
      7,
      null,
    ),
    hostileText({ maxLength: 30 }),
  );
  const tampered = fc.oneof(
    fc.tuple(fc.constantFrom(...names), value).map(([name, v]) => ({ ...k, [name]: v })),
    fc.constantFrom(...names).map((drop) => Object.fromEntries(Object.entries(k).filter(([name]) => name !== drop))),
    fc.tuple(fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'id'), value).map(([name, v]) => ({
      ...k,
      [name]: v,
    })),
  );
  return tampered.map((key) => Buffer.from(JSON.stringify({ s, k: key }), 'utf8').toString('base64url'));
}

function queryArb(kit: RouteKit, mode: Mode): fc.Arbitrary<[string, string][]> {
  const schema = kit.json.query;
  if (!schema) return fc.constant([]);
  const own = fz.cursors[kit.route.twinOf ?? kit.route.id];
  const cursor =
    mode === 'valid' && own
      ? fc.option(fc.oneof(fc.constant(own), craftedCursor(kit), arbitraryOf(propertySchema(schema, 'cursor'))), {
          nil: undefined,
        })
      : fc.constant(undefined);
  return fc.tuple(arbitraryOf(schema), cursor).map(([values, c]) => {
    const pairs = Object.entries(values as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && k !== 'cursor')
      .map(([k, v]) => [k, String(v)] as [string, string]);
    return c === undefined ? pairs : [...pairs, ['cursor', c] as [string, string]];
  });
}

function headerArb(kit: RouteKit): fc.Arbitrary<Record<string, string>> {
  const ifMatch = kit.doc.ifMatch
    ? fc.option(fc.constantFrom('*', '"v1"', '"v2"', 'W/"v1"', '"v999999999999999"'), { nil: undefined })
    : fc.constant(undefined);
  const key = kit.doc.idempotencyKey
    ? fc.option(fc.stringMatching(/^[A-Za-z0-9._:-]{8,128}$/), { nil: undefined })
    : fc.constant(undefined);
  return fc.tuple(ifMatch, key).map(([m, k]) => ({
    ...(m === undefined ? {} : { 'if-match': m }),
    ...(k === undefined ? {} : { 'idempotency-key': k }),
  }));
}

/** Real values of `fz` for body fields that name something, so bodies get past "unknown …". */
function hints(): Hints {
  const members = fz.members.map((m) => m.id);
  return {
    teamIds: fc.subarray(fz.teamIds),
    teamId: fc.constantFrom(...fz.teamIds),
    roleId: fc.constantFrom(...fz.roleIds),
    assigneeId: fc.constantFrom(fz.owner.id, ...members),
    memberId: fc.constantFrom(...members),
    grants: fc.subarray([...ALL_PERMISSIONS], { maxLength: 3 }),
    permissions: fc.subarray([...ALL_PERMISSIONS], { maxLength: 5 }),
    role: fc.constantFrom('admin', 'manager', 'agent'),
    // A receiver on this machine (allowed locally) that refuses connections: deliveries fail fast.
    url: fc.constant('http://127.0.0.1:9/hooks'),
    events: fc.constantFrom(['*'], ['member.invited']),
  };
}

/** A request its route's schemas accept. */
function validDraft(kit: RouteKit, mode: Mode): fc.Arbitrary<Draft> {
  const params = fc.record(Object.fromEntries(kit.params.map((n) => [n, paramArb(kit, n, mode)])));
  const body = kit.json.body
    ? arbitraryOf(kit.json.body, hints())
        .filter((v) => bodyValid(kit, v))
        .map((json) => ({ json }))
    : fc.constant(undefined);
  return fc
    .record({ params, query: queryArb(kit, mode), body, headers: mode === 'valid' ? headerArb(kit) : fc.constant({}) })
    .map((d): Draft => ({ method: kit.route.method, ...d }))
    .filter((d) => {
      const view = serverView(kit, d);
      // An empty segment is another path (the gateway's 404), not this route.
      const routable = Object.values(d.params).every((v) => v !== '');
      return routable && paramsValid(kit, view.params) && (mode === 'valid' || queryValid(kit, view.query));
    });
}

// ── defects ────────────────────────────────────────────────────────────────

interface Defective {
  draft: Draft;
  /** What was broken, for the failure message. */
  defect: string;
  /** The statuses that defect calls for. */
  expected: number[];
  /**
   * `invalid`: the route's schemas must refuse the result (checked, a defect
   * that happens to yield a valid request is dropped); `refused`: refused by
   * the rules for every request (method, media type, size, JSON, headers, cursor).
   */
  by: 'invalid' | 'refused';
}

const BAD_JSON = [
  '{',
  '{"a":',
  "{'a':1}",
  '[1,]',
  '{"a":1}}',
  'undefined',
  'NaN',
  '\ufeff{}',
  '{"a":"\\x00"}',
  '{"a":"\\ud800"',
  '\u0000',
  '{"a":1,}',
  '01',
  '"unterminated',
  '{"__proto__":',
];
const NON_JSON_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonp',
  'application/octet-stream',
];
/** Path segments sent as written: traversal, NUL, malformed and overlong escapes, very long values. */
const BAD_SEGMENTS = [
  '..',
  '.',
  '%2E%2E',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  '%00',
  'a%00b',
  '%',
  '%ZZ',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%FF%FE',
  '%252e%252e',
  `${'a'.repeat(5000)}`,
  `${'%F0%9F%98%80'.repeat(40)}`,
  '%E2%80%AE',
  '*',
  '%20',
];

function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  return fc.constantFrom(...items);
}

/** Dotted paths of every property of an object schema, nested objects included. */
function fieldPaths(schema: JsonSchema, prefix: string[] = []): { path: string[]; schema: JsonSchema }[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, sub]) => [
    { path: [...prefix, name], schema: sub },
    ...(sub.type === 'object' ? fieldPaths(sub, [...prefix, name]) : []),
  ]);
}

function setPath(value: unknown, path: string[], next: unknown | typeof REMOVE): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return next;
  const object = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object) } : {};
  const record = object as Record<string, unknown>;
  if (rest.length === 0 && next === REMOVE) delete record[head];
  else
    Object.defineProperty(record, head, {
      value: setPath(record[head], rest, next),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return record;
}
const REMOVE = Symbol('remove');

/** Every kind of defect that applies to this route, each with the status it calls for. */
function defectsOf(kit: RouteKit, base: Draft): fc.Arbitrary<Defective>[] {
  const invalid = (defect: string, change: Partial<Draft>, expected = [400]): Defective => ({
    draft: { ...base, ...change },
    defect,
    expected,
    by: 'invalid',
  });
  const refused = (defect: string, expected: number[], change: Partial<Draft>): Defective => ({
    draft: { ...base, ...change },
    defect,
    expected,
    by: 'refused',
  });
  const jsonBody = base.body && 'json' in base.body ? base.body.json : { a: 1 };
  const out: fc.Arbitrary<Defective>[] = [];

  if (kit.otherMethods.length) {
    out.push(pick(kit.otherMethods).map((method) => refused(`method ${method}`, [405], { method })));
  }
  for (const name of kit.params) {
    const schema = propertySchema(kit.json.params, name);
    const segment = fc.oneof(
      pick(BAD_SEGMENTS),
      invalidValueOf(schema).map((v) =>
        encodeURIComponent(typeof v === 'string' ? v.replace(/[\ud800-\udfff]/g, 'x') : JSON.stringify(v)),
      ),
    );
    // Never empty and never a raw slash: either would address another path, not this route.
    out.push(
      segment
        .filter((raw) => raw !== '' && !raw.includes('/'))
        .map((raw) => invalid(`path ${name}=${raw.slice(0, 60)}`, { rawParams: { [name]: raw } })),
    );
  }
  const declared = Object.keys(kit.json.query?.properties ?? {});
  out.push(
    fc
      .tuple(
        fc.oneof(
          hostileText({ minLength: 1, maxLength: 12 }),
          pick(['tenantId', 'admin', 'debug', 'constructor', 'LIMIT']),
        ),
        hostileText(),
      )
      .filter(([k]) => !declared.includes(k))
      .map(([k, v]) => invalid(`unknown query ${k}`, { query: [...base.query, [k, v]] })),
  );
  for (const name of declared) {
    const values = fc.oneof(
      invalidValueOf(propertySchema(kit.json.query, name)).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      pick(['', '0', '-1', '101', '1.5', 'NaN', 'Infinity', '١٢', '5,6', '0x10']),
    );
    out.push(
      values.map((v) =>
        invalid(`query ${name}=${v.slice(0, 60)}`, {
          query: [...base.query.filter(([k]) => k !== name), [name, v]],
        }),
      ),
    );
  }
  if (declared.includes('cursor')) {
    const foreign = [
      ...Object.values(other.cursors),
      // A platform twin lists what its row lists: the row's cursors are its own.
      ...Object.entries(fz.cursors)
        .filter(([id]) => id !== (kit.route.twinOf ?? kit.route.id))
        .map(([, c]) => c),
    ];
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString('base64url')),
      hostileText({ minLength: 1, maxLength: 100 })
        .map((s) => s.replace(/[\ud800-\udfff]/g, ''))
        .filter((s) => s.length > 0),
      pick([
        'null',
        'e30',
        Buffer.from('{"s":1,"k":{}}').toString('base64url'),
        Buffer.from('[]').toString('base64url'),
      ]),
    );
    const nested = kit.params.length > 1 ? [400, 404] : [400];
    out.push(
      garbage.map((c) =>
        refused(`garbage cursor ${c.slice(0, 40)}`, nested, {
          query: [...base.query.filter(([k]) => k !== 'cursor'), ['cursor', c]],
        }),
      ),
    );
    out.push(
      pick(foreign).map((c) =>
        refused('foreign cursor', nested, { query: [...base.query.filter(([k]) => k !== 'cursor'), ['cursor', c]] }),
      ),
    );
  }
  if (!kit.json.body) {
    out.push(fc.jsonValue({ maxDepth: 2 }).map((json) => invalid('a body where none is taken', { body: { json } })));
  }
  out.push(pick(BAD_JSON).map((raw) => refused(`malformed JSON ${JSON.stringify(raw)}`, [400], { body: { raw } })));
  // A row taking a browser's form post (the SAML binding) reads the JSON text as a form: one unknown field, a 400.
  const form = 'formBody' in kit.route && kit.route.formBody === true;
  out.push(
    pick(NON_JSON_TYPES).map((type) =>
      refused(`content-type ${type}`, form && type === 'application/x-www-form-urlencoded' ? [400] : [415], {
        body: { raw: JSON.stringify(jsonBody) },
        headers: { ...base.headers, 'content-type': type },
      }),
    ),
  );
  out.push(
    fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }).map((size) =>
      refused(`oversized body (${size} bytes)`, [413], {
        body: { raw: JSON.stringify({ ...(jsonBody as object), pad: 'x'.repeat(size) }) },
      }),
    ),
  );
  if (kit.json.body) {
    const body = kit.json.body;
    out.push(
      fc
        .oneof(
          fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
          hostileText(),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
        )
        .map((json) => invalid(`body of the wrong type ${JSON.stringify(json).slice(0, 40)}`, { body: { json } })),
    );
    const objects = body.anyOf ?? body.oneOf ?? [body];
    const fields = objects.flatMap((o) => fieldPaths(o));
    const required = objects.flatMap((o) => o.required ?? []);
    if (required.length) {
      out.push(
        pick(required).map((name) => invalid(`missing ${name}`, { body: { json: setPath(jsonBody, [name], REMOVE) } })),
      );
    }
    if (fields.length) {
      out.push(
        pick(fields).chain(({ path, schema }) =>
          invalidValueOf(schema).map((v) =>
            invalid(`${path.join('.')}=${JSON.stringify(v)?.slice(0, 60)}`, {
              body: { json: setPath(jsonBody, path, v) },
            }),
          ),
        ),
      );
    }
    const known = new Set(fields.map((f) => f.path[0]));
    out.push(
      fc
        .tuple(
          fc.oneof(
            hostileText({ minLength: 1, maxLength: 12 }),
            pick(['id', 'tenantId', 'status', 'seatsUsed', 'ownerId', 'version', '__proto__', 'constructor']),
          ),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .filter(([k]) => !known.has(k))
        .map(([k, v]) => invalid(`extra field ${k}`, { body: { json: setPath(jsonBody, [k], v) } })),
    );
    // Longer than any limit (zod counts code points), yet under the 64 KiB body limit: a 400, not a 413.
    const texts = fields.filter((f) => f.schema.type === 'string' || f.schema.pattern).map((f) => f.path);
    if (texts.length) {
      out.push(
        fc.tuple(pick(texts), pick(['x', 'é', '\u202e', '😀'])).chain(([path, char]) =>
          fc.integer({ min: 9_000, max: Math.floor(56_000 / Buffer.byteLength(char)) }).map((n) =>
            invalid(`${path.join('.')} of ${n} × ${char}`, {
              body: { json: setPath(jsonBody, path, char.repeat(n)) },
            }),
          ),
        ),
      );
    }
  }
  if (kit.doc.ifMatch) {
    const garbage = fc
      .oneof(
        pick(['v1', '"1"', '"v"', '"v-1"', '""', '"v1', 'W/v1', '"v1", "v2"', '"v1234567890123456"', 'null']),
        fc
          .string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 })
          .filter((s) => /^[\t\x20-\x7e]+$/.test(s) && s.trim() !== '*'),
      )
      .filter((s) => !/^\s*(?:W\/)?"v\d{1,15}"\s*$/.test(s));
    out.push(garbage.map((v) => refused(`If-Match ${v}`, [412, 404], { headers: { ...base.headers, 'if-match': v } })));
    // A well-formed but stale ETag: refused before anything is written.
    out.push(
      fc.constant(
        refused('stale If-Match', [412, 404], { headers: { ...base.headers, 'if-match': '"v999999999999999"' } }),
      ),
    );
  }
  if (kit.doc.idempotencyKey) {
    const garbage = fc
      .oneof(
        fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 7 }),
        fc.integer({ min: 129, max: 4000 }).map((n) => 'k'.repeat(n)),
        pick(['key with spaces', 'key/with/slash', 'ключ-ключ-ключ', 'kéy-kéy-kéy', '12345678\t']),
      )
      .filter((s) => /^[\t\x20-\x7e\x80-\xff]+$/.test(s) && s.trim() === s && !/^[A-Za-z0-9._:-]{8,128}$/.test(s));
    out.push(
      garbage.map((v) =>
        refused(`Idempotency-Key ${v.slice(0, 40)}`, [400], { headers: { ...base.headers, 'idempotency-key': v } }),
      ),
    );
  }
  return out;
}

/**
 * True when the schemas or the transport rules refuse `d` whatever the data:
 * a defect that happens to yield a valid request is dropped.
 */
function refusedByConstruction(kit: RouteKit, d: Defective): boolean {
  const { draft } = d;
  if (d.by === 'refused') return true;
  const view = serverView(kit, draft);
  if (!paramsValid(kit, view.params) || !queryValid(kit, view.query)) return true;
  if (!draft.body) return false;
  if (!('json' in draft.body)) return true;
  return !kit.json.body || !bodyValid(kit, draft.body.json);
}

function invalidRequest(kit: RouteKit): fc.Arbitrary<Defective> {
  return validDraft(kit, 'invalid')
    .chain((base) => fc.oneof(...defectsOf(kit, base)))
    .filter((d) => refusedByConstruction(kit, d));
}

// ── what must not change ───────────────────────────────────────────────────

const CREATES = new Set(['platformCreateTenant', 'inviteMember', 'createMember']);

/** Well-formed emails in a body: none may gain a login when the request is refused. */
function emailsIn(draft: Draft): string[] {
  if (!draft.body || !('json' in draft.body)) return [];
  return [...JSON.stringify(draft.body.json).matchAll(/"email":"([^"\\]{3,254})"/g)]
    .map((m) => (m[1] as string).trim().toLowerCase())
    .filter((e) => /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(e));
}

function mailSince(before: SentEmail[], after: SentEmail[]) {
  const seen = new Set(before.map((m) => m.messageId));
  return after.filter((m) => !seen.has(m.messageId));
}

/** The /scim/v2 routes speak SCIM (its error schema, loose queries): test/e2e/scim/fuzz.test.ts fuzzes them. */
const ROUTE_IDS = ROUTES.filter((r) => r.auth !== 'scim').map((r) => r.id);
const kitOf = (id: string) => kits.find((k) => k.route.id === id) as RouteKit;

describe('invalid input gets the 4xx its defect calls for, as a problem, and writes nothing', () => {
  it('covers every route of the route table, with every defect kind that applies', () => {
    expect(
      kits
        .filter((k) => k.route.auth !== 'scim')
        .map((k) => k.route.id)
        .sort(),
    ).toEqual([...ROUTE_IDS].sort());
    const sample = fc.sample(invalidRequest(kitOf('createMember')), 400).map((d) => d.defect.split(/[ =]/)[0]);
    expect(new Set(sample).size).toBeGreaterThanOrEqual(12);
  });

  it('derives valid bodies for every route that takes one (a generator its schema always refuses would spin forever)', () => {
    const barren = kits
      .filter((k) => k.json.body && k.route.auth !== 'scim')
      .filter((k) => !fc.sample(arbitraryOf(k.json.body as JsonSchema, hints()), 200).some((v) => bodyValid(k, v)))
      .map((k) => k.route.id);
    expect(barren).toEqual([]);
  });

  it.each(ROUTE_IDS)('%s', async (id) => {
    const kit = kitOf(id);
    const since = new Date().toISOString();
    const [before, otherBefore, mailBefore] = await Promise.all([
      tenantState(fz.tenantId),
      tenantState(other.tenantId),
      sesMessages(),
    ]);
    const emails = new Set<string>();
    const tenantKeys = new Set<string>();
    await holds(
      invalidRequest(kit),
      async ({ draft, defect, expected }) => {
        const { wire, response } = call(kit, draft);
        const res = await response;
        const context = `${id}: ${defect}\n${describeRequest(wire)}\n→ ${res.status} ${res.text.slice(0, 300)}`;
        // The body's size is checked before its fields: a field within its length but a body over the limit is a 413.
        const oversized = wire.body !== undefined && Buffer.byteLength(wire.body) > MAX_BODY_BYTES;
        expect(oversized ? [...expected, 413] : expected, context).toContain(res.status);
        expectProblem(res, context);
        for (const email of emailsIn(draft)) emails.add(email);
        const json = draft.body && 'json' in draft.body ? (draft.body.json as Record<string, unknown> | null) : null;
        for (const key of ['name', 'id'] as const)
          if (typeof json?.[key] === 'string') tenantKeys.add(String(json[key]).trim());
      },
      INVALID_RUNS,
    );
    const [after, otherAfter, mailAfter] = await Promise.all([
      tenantState(fz.tenantId),
      tenantState(other.tenantId),
      sesMessages(),
    ]);
    expect(after.audit.length, 'audit events').toBe(before.audit.length);
    expect(after.seatsUsed, 'seats used').toEqual(before.seatsUsed);
    expect(after.items, 'the tenant partition').toEqual(before.items);
    expect(after.audit, 'the audit partition').toEqual(before.audit);
    // Platform routes also aim at another tenant.
    expect(otherAfter, 'the other tenant').toEqual(otherBefore);
    const sent = mailSince(mailBefore, mailAfter).filter((m) =>
      m.destination.to.some((to) => emails.has(to.toLowerCase()) || to.includes(fz.tenantId)),
    );
    expect(sent, 'mail sent for refused requests').toEqual([]);
    if (CREATES.has(id)) {
      for (const email of emails) expect(await findLogin(email), `a login for ${email}`).toBeUndefined();
    }
    if (id === 'platformCreateTenant') {
      const created = (await tenantsCreatedSince(since)).filter(
        (t) => tenantKeys.has(String(t.name)) || tenantKeys.has(String(t.id)),
      );
      expect(created, 'tenants created by refused requests').toEqual([]);
    }
  });
});

describe('regressions the fuzzing found', () => {
  const get = (path: string, token?: string) =>
    send(gw.baseUrl, { method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('a docs asset named like an Object.prototype member is a 404, not a 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await get(`/docs/${name}`);
      expect(res.status, name).toBe(404);
      expectProblem(res, name);
    }
  });

  it('text UTF-8 cannot encode (an unpaired surrogate) is a 400 naming the field, not a tenant whose mail always fails', async () => {
    const email = `lone-${unique()}@e2e.test`;
    const body = `{"name":"Acme \\ud800","plan":"starter","owner":{"email":"${email}","name":"Olga \\udc00 Owner"}}`;
    const res = await send(gw.baseUrl, {
      method: 'POST',
      path: '/v1/platform/tenants',
      headers: { 'content-type': 'application/json', 'x-platform-key': gw.platformKey },
      body,
    });
    expect(res.status, res.text).toBe(400);
    expectProblem(res, res.text);
    expect(JSON.parse(res.text).errors).toEqual([{ path: 'body.name', message: expect.any(String) }]);
    expect(await findLogin(email)).toBeUndefined();
    const invite = await send(gw.baseUrl, {
      method: 'POST',
      path: `/v1/tenants/${fz.tenantId}/invitations`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fz.owner.token}` },
      body: `{"email":"${email}","role":"agent","teamIds":["\\udfff"]}`,
    });
    expect(invite.status, invite.text).toBe(400);
    expect(JSON.parse(invite.text).errors).toEqual([{ path: 'body.teamIds.0', message: expect.any(String) }]);
  });

  it('a cursor with a tampered key, or outside the filters it was issued for, is a 400, not a 500', async () => {
    const base = `/v1/tenants/${fz.tenantId}`;
    const lists: Record<string, string> = {
      listMembers: `${base}/users`,
      listMembersByLogin: `${base}/users?sort=lastLoginAt`,
      getAccessReview: `${base}/access-review`,
      listRoles: `${base}/roles`,
      listTeams: `${base}/teams`,
      listTeamMembers: `${base}/teams/${fz.teamIds[0]}/members`,
      listMemberAssignments: `${base}/users/${fz.owner.id}/assignments`,
      listAuditEvents: `${base}/audit-events`,
    };
    const reencode = (cursor: string, change: (k: Record<string, unknown>) => Record<string, unknown>) => {
      const { s, k } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      return Buffer.from(JSON.stringify({ s, k: change(k) }), 'utf8').toString('base64url');
    };
    const withCursor = (path: string, cursor: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`;
    for (const [id, path] of Object.entries(lists)) {
      const own = fz.cursors[id] as string;
      expect((await get(withCursor(path, own), fz.owner.token)).status, `${id}, own cursor`).toBe(200);
      const sortKey =
        { listTeams: 'gsi2sk', listMemberAssignments: 'gsi1sk', listMembersByLogin: 'gsi3sk' }[id] ?? 'sk';
      const tampered: Record<string, string> = {
        'an extra attribute': reencode(own, (k) => ({ ...k, gsi1pk: '' })),
        'a missing attribute': reencode(own, ({ sk: _sk, ...k }) => k),
        'an empty sort key': reencode(own, (k) => ({ ...k, [sortKey]: '' })),
        'an oversized sort key': reencode(own, (k) => ({ ...k, [sortKey]: 'é'.repeat(600) })),
      };
      // Lists read with a sort key prefix: a position on another item type is outside the query.
      if (['listMembers', 'getAccessReview', 'listRoles', 'listTeamMembers'].includes(id)) {
        tampered['another item type'] = reencode(own, (k) => ({ ...k, sk: 'TEAM_NAME#x' }));
      }
      for (const [what, cursor] of Object.entries(tampered)) {
        const res = await get(withCursor(path, cursor), fz.owner.token);
        const context = `${id} with ${what}: ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBe(400);
        expectProblem(res, context);
      }
    }
    const early = await get(
      `${lists.listAuditEvents}?until=2000-01-01T00:00:00Z&cursor=${fz.cursors.listAuditEvents}`,
      fz.owner.token,
    );
    expect(early.status, early.text).toBe(400);
    expect(JSON.parse(early.text)).toMatchObject({ code: 'validation-failed', errors: [{ path: 'cursor' }] });
  });
});

/** Routes where some valid-shaped request got an answer other than a 400. */
const pastValidation = new Set<string>();

/** Deletions last, so the routes before them still find the people, roles and teams they name. */
const DELETIONS_LAST = [...ROUTES]
  .filter((r) => r.auth !== 'scim')
  .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'))
  .map((r) => r.id);

describe('valid-shaped input with hostile values never gets a 5xx, and every refusal is a problem', () => {
  it.each(DELETIONS_LAST)('%s', async (id) => {
    const kit = kitOf(id);
    await holds(
      validDraft(kit, 'valid'),
      async (draft) => {
        const { wire, response } = call(kit, draft);
        const res = await response;
        const context = `${id}\n${describeRequest(wire)}\n→ ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBeLessThan(500);
        if (res.status >= 400) expectProblem(res, context);
        if (res.status !== 400) pastValidation.add(id);
      },
      VALID_RUNS,
    );
  });

  it('gets past validation on most routes (the requests are valid-shaped, not noise)', () => {
    expect(pastValidation.size, [...pastValidation].join(' ')).toBeGreaterThanOrEqual(
      Math.ceil(ROUTE_IDS.length * 0.8),
    );
  });
});
