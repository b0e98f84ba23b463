/**
 * Every route of the route table with what its handler declares (zod schemas
 * and their JSON Schemas, the headers it honours), and a request draft that
 * renders to exact bytes. Mirrors what the gateway and the handler factory
 * do with a request, so a test knows when the schemas must refuse it.
 */
import * as z from 'zod';
import { unpairedSurrogate } from '../../lib/http/middleware/request.ts';
import { OPERATIONS, type OperationDoc } from '../../lib/http/operations.ts';
import type { RouteSchemas } from '../../lib/http/route.ts';
import { type HttpMethod, ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { type JsonSchema, jsonSchemaOf } from './schema-arbitraries.ts';
import { encodeSegment, type WireRequest } from './wire.ts';

export interface RouteKit {
  route: RouteDef;
  schemas: RouteSchemas;
  json: { params?: JsonSchema; query?: JsonSchema; body?: JsonSchema };
  doc: OperationDoc;
  /** Path parameter names, in path order. */
  params: string[];
  /** Methods no route serves on this path (the gateway answers 405). */
  otherMethods: HttpMethod[];
}

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NO_PARAMS = z.object({}).strict();
const NO_QUERY = z.object({}).strict();

/** Imports every handler module (as the gateway does) and reads its schemas. */
export async function loadRouteKits(): Promise<RouteKit[]> {
  const routes: readonly RouteDef[] = ROUTES;
  return Promise.all(
    routes.map(async (route) => {
      const module = (await import(/* @vite-ignore */ `../../${route.entry}`)) as {
        handler: { schemas: RouteSchemas };
      };
      const { schemas } = module.handler;
      const json = {
        ...(schemas.params ? { params: jsonSchemaOf(schemas.params) } : {}),
        ...(schemas.query ? { query: jsonSchemaOf(schemas.query) } : {}),
        ...(schemas.body ? { body: jsonSchemaOf(schemas.body) } : {}),
      };
      const served = routes.filter((r) => r.path === route.path).map((r) => r.method);
      const doc = OPERATIONS[route.twinOf ?? route.id];
      if (!doc) throw new Error(`no OPERATIONS entry for ${route.id}`);
      return {
        route,
        schemas,
        json,
        doc,
        params: [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
        otherMethods: METHODS.filter((m) => !served.includes(m)),
      };
    }),
  );
}

/** A request before rendering: decoded values, or raw bytes where a test wants them. */
export interface Draft {
  method: string;
  /** Decoded path parameter values (percent-encoded when rendered). */
  params: Record<string, string>;
  /** Path segments sent as written, overriding `params`. */
  rawParams?: Record<string, string>;
  /** Query pairs in order (duplicates allowed). */
  query: [string, string][];
  headers: Record<string, string>;
  /** A JSON value, or exact bytes. */
  body?: { json: unknown } | { raw: string | Buffer };
}

export function render(kit: RouteKit, draft: Draft): WireRequest {
  const path = kit.route.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => draft.rawParams?.[name] ?? encodeSegment(draft.params[name] ?? ''),
  );
  const query = draft.query.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');
  const body =
    draft.body === undefined ? undefined : 'json' in draft.body ? JSON.stringify(draft.body.json) : draft.body.raw;
  const headers = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...draft.headers };
  return { method: draft.method, path: query ? `${path}?${query}` : path, headers, body };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Path parameters and query as the handler receives them (the gateway's decoding and joining). */
export function serverView(kit: RouteKit, draft: Draft) {
  const params: Record<string, string> = {};
  for (const name of kit.params) {
    const raw = draft.rawParams?.[name];
    params[name] = raw === undefined ? (draft.params[name] ?? '') : safeDecode(raw);
  }
  const search = new URLSearchParams(render(kit, draft).path.split('?')[1] ?? '');
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return { params, query };
}

export const paramsValid = (kit: RouteKit, params: Record<string, string>) =>
  (kit.schemas.params ?? NO_PARAMS).safeParse(params).success;
export const queryValid = (kit: RouteKit, query: Record<string, string>) =>
  (kit.schemas.query ?? NO_QUERY).safeParse(query).success;
/** `value` after a JSON round trip, as the request middleware and the handler would take it. */
export function bodyValid(kit: RouteKit, value: unknown): boolean {
  const parsed: unknown = JSON.parse(JSON.stringify(value));
  return unpairedSurrogate(parsed, 'body') === undefined && kit.schemas.body?.safeParse(parsed).success === true;
}
