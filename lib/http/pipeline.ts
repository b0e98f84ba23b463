/**
 * The handler pipeline both factories share, in order: normalise → resolve the
 * caller → validate path → authorise → validate query and body → run →
 * respond, with every failure an RFC 9457 problem. The authorise step is the
 * factory's: `route()` (route.ts) reads the caller's access from the table,
 * `publicRoute()` (public-route.ts) has none — so this module, and a public
 * function's bundle, never loads the store or the DynamoDB client.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { DomainError } from '../domain/errors.ts';
import type { IdentityState } from '../domain/identity.ts';
import { logger } from '../log.ts';
import { type Caller, resolveCaller } from './middleware/caller.ts';
import { correlationIdOf, httpRequest, type ParsedEvent } from './middleware/request.ts';
import { httpResponse } from './middleware/response.ts';
import { validatePart } from './middleware/validate.ts';
import type { Reply } from './reply.ts';
import type { RouteDef } from './routes.ts';

export interface RouteInput<P, Q, B, A> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string>;
  /** The request's cookies (API Gateway v2 moves `Cookie` here): `name=value` each. */
  cookies: string[];
  caller: Caller;
  /**
   * On tenant routes (`/v1/tenants/{tenantId}…`): the caller's live membership,
   * tenant and permissions — or, on a platform twin, the tenant and the
   * permissions the twin's row grants the platform.
   */
  access: A;
  /** On other user routes: the caller's login as recorded (session already checked); undefined if unrecorded. */
  identity?: IdentityState;
  correlationId: string;
  route: RouteDef;
  /** The request's clock, read once. */
  now: Date;
  /** Milliseconds left before the Lambda's time limit (long-running use cases stop in time). */
  remainingMs: () => number;
  /**
   * Aborted {@link TIMEOUT_EARLY_MS} before the Lambda's time limit, when the request is answered with a
   * 503 instead: pass it to long calls (`client.send(command, { abortSignal: signal })`) to stop them too.
   */
  signal: AbortSignal;
}

/**
 * How long before the Lambda's time limit a request is cut off (middy's `timeoutEarlyInMillis`): enough to
 * answer a 503 problem with `Retry-After` and log it, rather than be killed mid-request by Lambda.
 */
export const TIMEOUT_EARLY_MS = 500;

export type AnySchema = z.ZodType;
export const NoParams = z.object({}).strict();
export const NoQuery = z.object({}).strict();
export const NoBody = z.undefined({ message: 'This operation takes no request body' });

export interface RouteSpec<P extends AnySchema, Q extends AnySchema, B extends AnySchema, A> {
  params?: P;
  query?: Q;
  body?: B;
  /** A non-tenant user route that checks the caller's session itself, on a read it makes anyway. */
  checksSession?: true;
  run: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, A>) => Promise<Reply>;
}

/** What the authorise step hands the use case. */
export interface Authorised {
  access?: unknown;
  identity?: IdentityState;
}

/** The factory's authorise step: runs after the path is valid, before query and body are read. */
export type Authorise = (
  request: { def: RouteDef; caller: Caller; params: unknown; now: Date },
  spec: { checksSession?: true },
) => Promise<Authorised>;

/** The signed-in caller of a user route, with the access token they presented (an id token is not one). */
export function signedIn(caller: Caller): { id: string; bearer: string } {
  if (caller.kind !== 'user' || !caller.bearer) throw new DomainError('unauthenticated', 'Sign in to continue.');
  if (caller.tokenUse !== undefined && caller.tokenUse !== 'access') {
    throw new DomainError('unauthenticated', 'This needs your access token (not the id token).');
  }
  return { id: caller.id, bearer: caller.bearer };
}

/** A route acting inside one tenant: a member's route under /v1/tenants/{tenantId}, or its platform twin. */
export function isTenantRoute(def: RouteDef): boolean {
  return (def.auth === 'user' && def.path.startsWith('/v1/tenants/{tenantId}')) || def.twinOf !== undefined;
}

/** Which of a handler's rows the event came through: API Gateway's route key names it. */
function servedRow(def: RouteDef, twin: RouteDef | undefined, event: APIGatewayProxyEventV2): RouteDef {
  if (!twin) return def;
  const path = event.routeKey?.split(' ')[1] ?? event.rawPath ?? '';
  return path.startsWith('/v1/platform/') ? twin : def;
}

function toResult(reply: Reply): APIGatewayProxyStructuredResultV2 {
  const result = bodyResult(reply);
  return reply.cookies?.length ? { ...result, cookies: reply.cookies } : result;
}

function bodyResult(reply: Reply): APIGatewayProxyStructuredResultV2 {
  if (reply.body === undefined) return { statusCode: reply.status, headers: { ...reply.headers } };
  if (reply.contentType !== undefined) {
    const text = typeof reply.body === 'string';
    return {
      statusCode: reply.status,
      headers: { 'content-type': reply.contentType, ...reply.headers },
      body: text ? (reply.body as string) : Buffer.from(reply.body as Uint8Array).toString('base64'),
      isBase64Encoded: !text,
    };
  }
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    body: JSON.stringify(reply.body),
  };
}

/** The middy handler of one row (and its platform twin, if any), with its request schemas attached. */
export function pipeline<P extends AnySchema, Q extends AnySchema, B extends AnySchema, A>(
  row: RouteDef,
  twin: RouteDef | undefined,
  spec: RouteSpec<P, Q, B, A>,
  authorise: Authorise,
) {
  async function runRoute(
    raw: APIGatewayProxyEventV2,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const event = raw as unknown as ParsedEvent;
    const now = new Date();
    const def = servedRow(row, twin, raw);
    const caller = resolveCaller(def, raw);
    const params = validatePart('path', (spec.params ?? NoParams) as P, event.pathParameters ?? {});
    const { access, identity } = await authorise({ def, caller, params, now }, spec);
    const query = validatePart('query', (spec.query ?? NoQuery) as Q, event.queryStringParameters ?? {});
    const body = validatePart('body', (spec.body ?? NoBody) as B, event.body);
    const reply = await spec.run({
      params,
      query,
      body,
      headers: event.headers,
      cookies: raw.cookies ?? [],
      caller,
      access: access as A,
      identity,
      correlationId: correlationIdOf(event),
      route: def,
      now,
      remainingMs: () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      signal,
    });
    return toResult(reply);
  }

  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>({
    timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
  })
    // Per-invocation log context (function, request id, cold start), reset after each invocation.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpResponse(row.id))
    .use(httpRequest(row.formBody === true))
    .handler(runRoute);
  // The request schemas travel with the handler, so the OpenAPI document is generated from them.
  const schemas: RouteSchemas = { route: row, params: spec.params, query: spec.query, body: spec.body };
  return Object.assign(handler, { schemas });
}

/** What a handler module exposes about its request shapes (read by the OpenAPI generator). */
export interface RouteSchemas {
  route: RouteDef;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}
