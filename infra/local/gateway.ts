/**
 * The local API Gateway: a node:http server that routes by the same route
 * table as the CDK API, runs the authorizers API Gateway runs, builds a
 * payload 2.0 event and invokes the route's handler in-process (its module
 * imported once, like a warm Lambda). Handlers see the emulators only through
 * the environment set here. Before routing, like the WAF web ACL in front of
 * CloudFront, it applies the per-client limits (infra/client-limits.ts) when
 * given; the local event feed answers loopback peers only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROBLEM_STATUS, problemType } from '../../lib/http/problems.ts';
import { ROUTES, type RouteDef } from '../../lib/http/routes.ts';
import { type ClientLimits, isCredentialPath, TOO_MANY_REQUESTS_PROBLEM } from '../client-limits.ts';
import { LocalStackError } from './emulators.ts';
import type { EventFeed } from './events.ts';
import { type CognitoAuthConfig, platformAuthorizer, userAuthorizer } from './gateway-auth.ts';
import { scimAuthorizer } from './gateway-auth-scim.ts';
import {
  type AuthorizerContext,
  buildEvent,
  type HttpResult,
  invokeInContext,
  lambdaContext,
  toHttpResult,
} from './gateway-event.ts';
import { webServer } from './web.ts';

export { buildEvent, type GatewayEvent } from './gateway-event.ts';

/** The repository root: route entries are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface GatewayOptions {
  port: number;
  host?: string;
  routes?: readonly RouteDef[];
  /** Set on process.env before any handler is imported (the emulators' env). */
  env: Record<string, string>;
  platformKey: string;
  cognito: CognitoAuthConfig;
  timeoutMs?: number;
  /** One line per request (method, path, status, ms) when given. */
  accessLog?: (line: string) => void;
  /** Handler failures (default: console.error); rejected tokens go to the access log. */
  log?: (line: string) => void;
  /** Serves `GET /local/events` (local only, not an API route): what the EventBridge pipe would publish. */
  events?: Pick<EventFeed, 'events'>;
  /** Sees every response before it is sent (the tests check each against the OpenAPI document). */
  onResponse?: (request: { method: string; url: string }, result: HttpResult) => void;
  /** The built console served at `/` and the page paths (default web/dist; false: API only). */
  webRoot?: string | false;
  /**
   * Per-client limits, as the WAF web ACL applies them in AWS (infra/client-limits.ts): over them a client
   * gets 429 with Retry-After while others are served. The client is the socket's address — or, from a
   * loopback peer only (a local proxy, the tests), the first X-Forwarded-For address, as CloudFront's
   * viewer address would be. @default none
   */
  clientLimits?: ClientLimits;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  params: string[];
  /** Sorts more specific templates first: literal segments beat parameters. */
  rank: string;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.error(`[gateway] ${line}`));
  Object.assign(process.env, options.env);
  const compiled = (options.routes ?? ROUTES).map(compile).sort((a, b) => a.rank.localeCompare(b.rank));
  const verifyUser = userAuthorizer(options.cognito);
  const verifyPlatformKey = platformAuthorizer(options.platformKey);
  const verifyScimToken = scimAuthorizer();
  const modules = new Map<string, Promise<Handler>>();
  const region = options.env.AWS_REGION ?? 'us-east-1';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const web = options.webRoot === false ? undefined : webServer(options.webRoot ?? join(REPO_ROOT, 'web', 'dist'));

  function loadHandler(entry: string): Promise<Handler> {
    let loading = modules.get(entry);
    if (!loading) {
      loading = import(pathToFileURL(join(REPO_ROOT, entry)).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
        return module.handler as Handler;
      });
      // A module that failed to load is retried on the next request, like a Lambda init failure.
      loading.catch(() => modules.delete(entry));
      modules.set(entry, loading);
    }
    return loading;
  }

  const limiter = options.clientLimits ? clientLimiter(options.clientLimits) : undefined;

  async function handle(request: IncomingMessage, port: number): Promise<HttpResult & { note?: string }> {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    // Like the web ACL in front of CloudFront: before anything else, API or page.
    const limited = limiter?.(clientOf(request), path);
    if (limited) return limited;
    if (path === LOCAL_EVENTS_PATH && options.events) {
      // The feed shows every tenant's events: it answers this machine only, whatever address the gateway binds.
      if (!isLoopback(request.socket.remoteAddress)) {
        return { ...problem('not-found', `No route matches ${path}.`), note: 'event feed: not a loopback peer' };
      }
      return localEvents(options.events, method, url);
    }
    if (path === LOCAL_DNS_PATH && options.env.LOCAL_DNS_URL) {
      // The records decide which tenant verifies a domain: this machine only, like the event feed.
      if (!isLoopback(request.socket.remoteAddress)) {
        return { ...problem('not-found', `No route matches ${path}.`), note: 'dns: not a loopback peer' };
      }
      return localDns(options.env.LOCAL_DNS_URL, method, await readBody(request));
    }
    const page = await web?.(method, path);
    if (page) return page;
    const matches = compiled.flatMap((c) => {
      const m = c.pattern.exec(path);
      return m ? [{ compiled: c, values: m.slice(1) }] : [];
    });
    if (matches.length === 0) return problem('not-found', `No route matches ${path}.`);
    const match = matches.find((m) => m.compiled.route.method === method);
    if (!match) {
      const allow = [...new Set(matches.map((m) => m.compiled.route.method))].join(', ');
      return problem('method-not-allowed', `${path} does not accept ${method}; it accepts ${allow}.`, { allow });
    }
    const { route } = match.compiled;

    const length = Number(request.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) return gatewayMessage(413, 'Request Entity Too Large');
    const body = await readBody(request);
    if (!body) return gatewayMessage(413, 'Request Entity Too Large');

    let authorizer: AuthorizerContext | undefined;
    if (route.auth === 'user') {
      const verdict = await verifyUser(request.headers.authorization);
      if (!verdict.isAuthorized) {
        // A Lambda authorizer's refusal: API Gateway's plain 401 (no WWW-Authenticate of its own).
        return { ...gatewayMessage(401, 'Unauthorized'), note: verdict.reason };
      }
      authorizer = { lambda: verdict.context };
    } else if (route.auth === 'platform') {
      authorizer = verifyPlatformKey(request.headers['x-platform-key'] as string | undefined);
      if (!authorizer) return gatewayMessage(403, 'Forbidden');
    } else if (route.auth === 'scim') {
      const verdict = await verifyScimToken(request.headers.authorization);
      if ('rejected' in verdict) {
        // As API Gateway answers when the identity source is missing or the authorizer throws `Unauthorized`
        // (functions/authorizers/scim.ts, like the user routes' authorizer): 401.
        const result = gatewayMessage(401, 'Unauthorized');
        return { ...result, note: verdict.rejected };
      }
      authorizer = verdict.context;
    }

    const pathParameters: Record<string, string> = {};
    match.compiled.params.forEach((name, i) => {
      pathParameters[name] = safeDecode(match.values[i] ?? '');
    });
    const event = buildEvent(
      route,
      { method, url, headers: request.headersDistinct, body, sourceIp: clientIp(request), port },
      pathParameters,
      authorizer,
    );

    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      const handler = await loadHandler(route.entry);
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const context = lambdaContext(route.id, deadline, region);
      const result = await Promise.race([invokeInContext(context, () => handler(event, context)), timeout]);
      if (result === 'timeout') {
        log(`${route.id} timed out after ${timeoutMs} ms`);
        return gatewayMessage(503, 'Service Unavailable');
      }
      const http = toHttpResult(result);
      http.headers['apigw-requestid'] = event.requestContext.requestId;
      return http;
    } catch (error) {
      log(
        `${route.id} (${route.entry}) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return gatewayMessage(500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const port = (server.address() as AddressInfo).port;
    handle(request, port)
      .catch((error: unknown): HttpResult & { note?: string } => {
        log(`gateway error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return gatewayMessage(500, 'Internal Server Error');
      })
      .then((result) => {
        options.onResponse?.({ method: request.method ?? 'GET', url: request.url ?? '/' }, result);
        response.writeHead(result.statusCode, { ...result.headers, 'content-length': result.body.length });
        response.end(result.body);
        const ms = Math.round(performance.now() - started);
        options.accessLog?.(
          `${request.method} ${request.url} ${result.statusCode} ${ms}ms${result.note ? ` (${result.note})` : ''}`,
        );
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalStackError(
              `Port ${options.port} for the API is already in use: stop whatever uses it or set PORT to a free port.`,
            )
          : error,
      ),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The local stack's event feed (not in ROUTES: AWS has EventBridge instead). */
export const LOCAL_EVENTS_PATH = '/local/events';

/** `GET /local/events[?tenantId=…&detailType=…]`: `{ items }`, oldest first. */
function localEvents(feed: Pick<EventFeed, 'events'>, method: string, url: string): HttpResult {
  if (method !== 'GET') return problem('method-not-allowed', `${LOCAL_EVENTS_PATH} accepts GET.`, { allow: 'GET' });
  const query = new URL(url, 'http://local').searchParams;
  const tenantId = query.get('tenantId');
  const detailType = query.get('detailType');
  const items = feed
    .events()
    .filter((e) => (!tenantId || e.detail.tenantId === tenantId) && (!detailType || e['detail-type'] === detailType));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: Buffer.from(JSON.stringify({ items })),
  };
}

/** The local DNS server's records (not in ROUTES: in AWS the tenant's own DNS host publishes them). */
export const LOCAL_DNS_PATH = '/local/dns';

/** `GET` lists, `POST {name, type: "TXT", value}` sets, `DELETE {name, value?}` removes: forwarded to the DNS server. */
async function localDns(controlUrl: string, method: string, body: Buffer | undefined): Promise<HttpResult> {
  if (!['GET', 'POST', 'DELETE'].includes(method)) {
    return problem('method-not-allowed', `${LOCAL_DNS_PATH} accepts GET, POST and DELETE.`, {
      allow: 'GET, POST, DELETE',
    });
  }
  const response = await fetch(controlUrl, {
    method,
    ...(method === 'GET'
      ? {}
      : { body: (body ?? Buffer.alloc(0)).toString('utf8'), headers: { 'content-type': 'application/json' } }),
  });
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: Buffer.from(await response.arrayBuffer()),
  };
}

function compile(route: RouteDef): CompiledRoute {
  const params: string[] = [];
  const segments = route.path.split('/').slice(1);
  const parts = segments.map((segment) => {
    const param = /^\{(\w+)(\+?)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    params.push(param[1] as string);
    return param[2] ? '(.+)' : '([^/]+)';
  });
  const rank = segments.map((s) => (s.endsWith('+}') ? '2' : s.startsWith('{') ? '1' : '0')).join('');
  return { route, pattern: new RegExp(`^/${parts.join('/')}$`), params, rank };
}

function problem(
  code: 'not-found' | 'method-not-allowed',
  detail: string,
  headers: Record<string, string> = {},
): HttpResult {
  const { status, title } = PROBLEM_STATUS[code];
  const body = { type: problemType(code), title, status, code, detail };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** API Gateway's own responses: `{"message": "..."}`. */
function gatewayMessage(statusCode: number, message: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/** The request body, or undefined once it passes API Gateway's limit (the rest is drained and dropped). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    request.once('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/** 127.0.0.0/8 and ::1, plain or IPv4-mapped. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Who a per-client limit counts: the socket's address, or a loopback peer's first X-Forwarded-For address. */
function clientOf(request: IncomingMessage): string {
  const peer = clientIp(request);
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first && isLoopback(request.socket.remoteAddress) ? first : peer;
}

/**
 * Fixed windows of `windowSeconds`, each opened by the first request after
 * the last one closed: every request counts for its client, a credential
 * path's also in its own stricter count. Over either, the answer is 429 with
 * the problem document and Retry-After (the seconds left in the window).
 */
function clientLimiter(limits: ClientLimits): (client: string, path: string) => HttpResult | undefined {
  const windowMs = limits.windowSeconds * 1000;
  let windowStart = 0;
  const counts = new Map<string, number>();
  const count = (key: string) => {
    const next = (counts.get(key) ?? 0) + 1;
    counts.set(key, next);
    return next;
  };
  return (client, path) => {
    const now = Date.now();
    if (now >= windowStart + windowMs) {
      windowStart = now;
      counts.clear();
    }
    const overall = count(client) > limits.requests;
    const credential = isCredentialPath(path) && count(`${client} credential`) > limits.credentialRequests;
    if (!overall && !credential) return undefined;
    return {
      statusCode: 429,
      headers: {
        'content-type': 'application/problem+json',
        'retry-after': String(Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000))),
      },
      body: Buffer.from(JSON.stringify(TOO_MANY_REQUESTS_PROBLEM)),
    };
  };
}

function clientIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
