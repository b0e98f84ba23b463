/**
 * Every response an e2e test receives obeys the published OpenAPI document
 * (the committed `openapi.json`, what `GET /v1/openapi.json` serves): its
 * status is documented for the operation, its media type is one the document
 * lists for that status, its body validates against that status's schema, and
 * every header the document marks required is there. The schemas are checked
 * by Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) with ajv-formats — a
 * validator we did not write; this module only finds the operation and the
 * schema, as an API client would.
 *
 * The test gateway (test/support/http.ts) hands every response it sends to
 * `observe`; violations are kept until `takeViolations()` — the e2e client's
 * `call()` fails its test at once, and an `afterEach` of the e2e project
 * (conformance-setup.ts) fails any test that fetched one some other way.
 * Operations are read from the document, so a route added anywhere is covered
 * as soon as `npm run openapi` has published it.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface MediaDoc {
  schema?: Json;
}
interface ResponseDoc {
  content?: Record<string, MediaDoc>;
  headers?: Record<string, { required?: boolean }>;
}
interface OperationDoc {
  operationId: string;
  responses: Record<string, ResponseDoc>;
}

export interface ObservedResponse {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const DOCUMENT_URL = new URL('../../openapi.json', import.meta.url);

// A CommonJS plugin seen from ESM: the function is its default export.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;

interface Compiled {
  operations: { method: string; template: string; pattern: RegExp; literals: number; op: OperationDoc }[];
  validator: (schema: Json) => ((data: unknown) => boolean) & { errors?: unknown[] | null };
}

let compiled: Compiled | undefined;

function load(): Compiled {
  if (compiled) return compiled;
  const document = JSON.parse(readFileSync(DOCUMENT_URL, 'utf8')) as {
    paths: Record<string, Record<string, OperationDoc>>;
    components: Json;
  };
  // OpenAPI keywords that are not JSON Schema (example, discriminator, …) are annotations: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components });
  const cache = new Map<Json, ReturnType<Compiled['validator']>>();
  const validator = (schema: Json) => {
    let validate = cache.get(schema);
    if (!validate) {
      // An operation's own schema refers to components as `#/components/…` of the document.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
      validate = ajv.compile(rebased) as ReturnType<Compiled['validator']>;
      cache.set(schema, validate);
    }
    return validate;
  };
  const operations: Compiled['operations'] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    const segments = template.split('/').slice(1);
    const pattern = new RegExp(
      `^/${segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`,
    );
    const literals = segments.filter((s) => !s.startsWith('{')).length;
    for (const [method, op] of Object.entries(methods)) {
      operations.push({ method: method.toUpperCase(), template, pattern, literals, op });
    }
  }
  // The most specific template first (…/users/me before …/users/{userId}).
  operations.sort((a, b) => b.literals - a.literals);
  compiled = { operations, validator };
  return compiled;
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * The ways `response` breaks the document (empty: it obeys), or undefined when
 * it answers no documented operation (an unknown path, a method the path does
 * not have, the local-only event feed) — nothing to hold it to.
 */
export function violationsOf(response: ObservedResponse): string[] | undefined {
  const { operations, validator } = load();
  const path = response.url.split('?')[0] ?? '/';
  const found = operations.find((o) => o.method === response.method && o.pattern.test(path));
  if (!found) return undefined;
  const { op } = found;
  const where = `${response.method} ${path} (${op.operationId}) → ${response.status}`;
  const documented = op.responses[String(response.status)] ?? op.responses[`${String(response.status)[0]}XX`];
  if (!documented) {
    return [
      `${where}: status ${response.status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`,
    ];
  }
  const problems: string[] = [];
  const header = (name: string) => {
    const value = response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  for (const [name, spec] of Object.entries(documented.headers ?? {})) {
    if (spec.required && header(name) === undefined) problems.push(`${where}: required header ${name} is missing`);
  }
  const media = header('content-type')?.split(';')[0]?.trim().toLowerCase();
  const content = documented.content ?? {};
  if (Object.keys(content).length === 0) {
    if (response.body.length > 0) problems.push(`${where}: the document says no body, got ${media ?? 'one'}`);
    return problems;
  }
  const entry = media === undefined ? undefined : content[media];
  if (!entry) {
    problems.push(
      `${where}: media type ${media ?? '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`,
    );
    return problems;
  }
  if (!entry.schema || !JSON_MEDIA.test(media as string)) return problems;
  let body: unknown;
  try {
    // As a client reads it: a gzipped body (content-encoding) is decompressed first.
    const bytes = header('content-encoding') === 'gzip' ? gunzipSync(response.body) : response.body;
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return [...problems, `${where}: the body is not JSON`];
  }
  const validate = validator(entry.schema);
  if (!validate(body)) {
    const errors = (validate.errors ?? []) as { instancePath: string; message?: string; params?: unknown }[];
    const said = errors
      .slice(0, 8)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params ?? {})}`)
      .join('; ');
    problems.push(
      `${where}: the body does not match its schema: ${said}\n  body: ${JSON.stringify(body).slice(0, 500)}`,
    );
  }
  return problems;
}

// ── what the test gateway observed ────────────────────────────────────────
const pending: string[] = [];
export const tally = { validated: 0, unmatched: 0 };

/** The test gateway calls this with every response it sends. */
export function observe(response: ObservedResponse): void {
  const found = violationsOf(response);
  if (found === undefined) {
    tally.unmatched += 1;
    return;
  }
  tally.validated += 1;
  pending.push(...found);
}

/** The violations seen since the last call (and forgets them). */
export function takeViolations(): string[] {
  return pending.splice(0);
}

/** Throws (failing the calling test) when a response broke the document. */
export function assertConformance(): void {
  const found = takeViolations();
  if (found.length > 0) {
    throw new Error(`Responses that break the published openapi.json:\n- ${found.join('\n- ')}`);
  }
}
