/**
 * API Gateway HTTP API payload format 2.0, both ways: the event a Lambda
 * receives for a request, and the HTTP response API Gateway makes of what the
 * Lambda returns — as AWS documents and does it, so handlers see locally
 * exactly what they see in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { UserOrKeyContext } from '../../lib/http/authorizer.ts';
import type { RouteDef } from '../../lib/http/routes.ts';

export const ACCOUNT_ID = '000000000000';
export const API_ID = 'local';

export interface JwtAuthorizerContext {
  jwt: { claims: Record<string, string>; scopes: string[] | null };
}
export interface IamAuthorizerContext {
  iam: {
    accessKey: string;
    accountId: string;
    callerId: string;
    cognitoIdentity: null;
    principalOrgId: null;
    userArn: string;
    userId: string;
  };
}
/** A Lambda authorizer's context (simple responses): `requestContext.authorizer.lambda` — the user routes' (a person or an API key) or the SCIM authorizer's (the token's tenant and id). */
export interface LambdaAuthorizerContext {
  lambda: UserOrKeyContext | { principal?: undefined; tenantId: string; tokenId: string };
}
export type AuthorizerContext = JwtAuthorizerContext | IamAuthorizerContext | LambdaAuthorizerContext;

/** A payload v2 event; `requestContext.authorizer` is set for user and platform routes. */
export type GatewayEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: AuthorizerContext };
};

export interface IncomingRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/tenants/t1/users?limit=5`. */
  url: string;
  /** Node's `headersDistinct`: lower-case names, every value kept. */
  headers: Record<string, string[]> | IncomingHttpHeaders;
  body?: Buffer;
  sourceIp?: string;
  /** The gateway's own port (for x-forwarded-port). */
  port?: number;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|x-www-form-urlencoded|javascript))/i;

export function buildEvent(
  route: Pick<RouteDef, 'method' | 'path'>,
  request: IncomingRequest,
  pathParameters: Record<string, string> = {},
  authorizer?: AuthorizerContext,
  now = new Date(),
): GatewayEvent {
  const [rawPath = '/', rawQueryString = ''] = splitOnce(request.url, '?');
  const sourceIp = request.sourceIp ?? '127.0.0.1';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (name === 'cookie') {
      cookies = values.flatMap((v) => v.split(/;\s*/)).filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  if (request.port) headers['x-forwarded-port'] ??= String(request.port);
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${traceIdSuffix()}`;

  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');

  const body = request.body && request.body.length > 0 ? request.body : undefined;
  const binary = body !== undefined && !!headers['content-type'] && !TEXT_TYPES.test(headers['content-type']);
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const routeKey = `${route.method} ${route.path}`;

  const event: GatewayEvent = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(query.size > 0 ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      ...(authorizer ? { authorizer } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: binary,
  };
  if (body !== undefined) event.body = body.toString(binary ? 'base64' : 'utf8');
  return event;
}

/**
 * The 96 random bits of an X-Ray trace id, as 24 hex digits. From randomUUID, which draws on a cached
 * entropy pool: randomBytes here cost ~18 µs a request, the largest part of building an event.
 */
function traceIdSuffix(): string {
  return randomUUID().replaceAll('-', '').slice(-24);
}

/** A Lambda-like context; `functionName` is the route id. */
export function lambdaContext(functionName: string, deadline: number, region: string): Context {
  const awsRequestId = randomUUID();
  const noop = () => {};
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

let store: Promise<InvokeStoreBase> | undefined;

/**
 * Runs one local invocation in its own async context, as Lambda's runtime does
 * when one environment serves concurrent invocations (the InvokeStore,
 * `AWS_LAMBDA_MAX_CONCURRENCY`): the local stack runs every function in one
 * process, concurrently, and Powertools keeps each invocation's log keys and
 * context apart through this store — nothing leaks from one to another.
 */
export async function invokeInContext<T>(context: Context, run: () => Promise<T>): Promise<T> {
  store ??= InvokeStore.getInstanceAsync(true).then((instance) => {
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
    return instance;
  });
  const { REQUEST_ID } = InvokeStoreBase.PROTECTED_KEYS;
  return (await store).run({ [REQUEST_ID]: context.awsRequestId }, run);
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * What API Gateway makes of a Lambda's return value (payload 2.0): a result
 * with `statusCode` is used as given; anything else is JSON, status 200.
 */
export function toHttpResult(result: unknown): HttpResult {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const multi = (result as { multiValueHeaders?: Record<string, (string | number | boolean)[]> }).multiValueHeaders;
  for (const [name, values] of Object.entries(multi ?? {})) headers[name.toLowerCase()] = values.map(String);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

function splitOnce(value: string, separator: string): [string, string?] {
  const at = value.indexOf(separator);
  return at === -1 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function clfTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
