/** API Gateway HTTP API (payload v2) events for calling handlers directly. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export interface EventInput {
  method?: string;
  path: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** JWT claims (user routes). */
  claims?: Record<string, string>;
  /** IAM principal (platform routes). */
  iam?: string;
  /** A Lambda authorizer's context (user routes): e.g. an API key's `{principal: 'apiKey', tenantId, keyId}`. */
  lambda?: Record<string, unknown>;
}

export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  const body =
    input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const method = input.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${method} ${input.path}`,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...input.headers },
    queryStringParameters: input.query,
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.roster.test',
      domainPrefix: 'api',
      http: { method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: `${method} ${input.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes: [] } } } : {}),
      ...(input.iam ? { authorizer: { iam: { userArn: input.iam } } } : {}),
      ...(input.lambda ? { authorizer: { lambda: input.lambda } } : {}),
    },
    body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

export const lambdaContext = {
  awsRequestId: 'ctx',
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export async function invoke(handler: Handler, input: EventInput) {
  const result = await handler(apiEvent(input), lambdaContext);
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 0,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: text ? JSON.parse(text) : undefined,
  };
}
