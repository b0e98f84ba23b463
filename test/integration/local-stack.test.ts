/**
 * The local stack is real: DynamoDB Local enforces transactions, cognito-local
 * signs real JWTs, SES local keeps what is sent — all reached only through the
 * standard SDK env the setup file installed. The gateway is checked with a
 * fixture route table so it does not depend on the product's handlers.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../infra/local/gateway.ts';
import type { RouteDef } from '../../lib/http/routes.ts';
import { INDEXES, TTL_ATTRIBUTE } from '../../lib/store/table.ts';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { localStack } from '../support/local-stack.ts';

// Clients built from process.env alone, as handlers build theirs.
const dynamo = new DynamoDBClient({});
const cognito = new CognitoIdentityProviderClient({});
const ses = new SESClient({});
const tableName = () => process.env.TABLE_NAME as string;
const poolId = () => process.env.USER_POOL_ID as string;
const clientId = () => process.env.USER_POOL_CLIENT_ID as string;

async function createUser(email: string, password: string) {
  const created = await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId(),
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId: poolId(), Username: email, Password: password, Permanent: true }),
  );
  const auth = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId(),
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  return { sub, tokens: auth.AuthenticationResult };
}

describe('emulators', () => {
  it('hands every handler variable to the workers', () => {
    const { env } = localStack();
    for (const name of ['TABLE_NAME', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'MAIL_FROM', 'APP_URL']) {
      expect(process.env[name], name).toBe(env[name]);
    }
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('DynamoDB Local cancels a transaction whose condition fails, writing nothing', async () => {
    const pk = `TEST#${crypto.randomUUID()}`;
    const attempt = dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { pk: { S: pk }, sk: { S: 'a' } } } },
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: { pk: { S: pk }, sk: { S: 'missing' } },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
  });

  it('the table has both GSIs (projection ALL), a stream and TTL', async () => {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName() }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(
      Object.values(INDEXES)
        .map((i) => i.name)
        .sort(),
    );
    expect(indexes.every((i) => i.Projection?.ProjectionType === 'ALL')).toBe(true);
    expect(Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName() }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: TTL_ATTRIBUTE, TimeToLiveStatus: 'ENABLED' });
  });

  it('the user pool signs in an admin-created user with USER_PASSWORD_AUTH', async () => {
    const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId() }));
    expect(pool.UserPool?.UsernameAttributes).toEqual(['email']);
    const client = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId(), ClientId: clientId() }),
    );
    expect(client.UserPoolClient?.ExplicitAuthFlows).toContain('ALLOW_USER_PASSWORD_AUTH');

    const { sub, tokens } = await createUser(`it-${Date.now()}@example.com`, 'Integration1Pass');
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    const idClaims = JSON.parse(Buffer.from(tokens?.IdToken?.split('.')[1] ?? '', 'base64url').toString());
    expect(idClaims).toMatchObject({ sub, aud: clientId(), token_use: 'id', iss: localStack().cognito.issuer });
  });

  it('SES local keeps what SendEmail sent', async () => {
    const to = `mail-${Date.now()}@example.com`;
    await ses.send(
      new SendEmailCommand({
        Source: process.env.MAIL_FROM,
        Destination: { ToAddresses: [to] },
        Message: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'It works' } } },
      }),
    );
    const [mail] = await sesMessages(undefined, to);
    expect(mail).toMatchObject({ subject: 'Hello', body: { text: 'It works' } });
  });
});

describe('gateway', () => {
  const echo = 'test/support/fixtures/echo.ts';
  const routes: RouteDef[] = [
    {
      id: 'echoPublic',
      method: 'POST',
      path: '/t/{tenantId}/items/{itemId}',
      entry: echo,
      auth: 'public',
      summary: '',
      uses: {},
    },
    {
      id: 'echoFixed',
      method: 'POST',
      path: '/t/{tenantId}/items/special',
      entry: echo,
      auth: 'public',
      summary: '',
      uses: {},
    },
    { id: 'echoUser', method: 'GET', path: '/me', entry: echo, auth: 'user', summary: '', uses: {} },
    { id: 'echoPlatform', method: 'GET', path: '/platform', entry: echo, auth: 'platform', summary: '', uses: {} },
  ];
  let gateway: TestGateway;
  const failures: string[] = [];
  let tokens: { AccessToken?: string; IdToken?: string; RefreshToken?: string } | undefined;
  let sub: string | undefined;
  beforeAll(async () => {
    gateway = await startTestGateway({ routes, log: (line) => failures.push(line) });
    ({ sub, tokens } = await createUser(`gw-${Date.now()}@example.com`, 'Gateway1Password'));
  });
  afterAll(() => gateway?.close());

  const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.baseUrl}${path}`, init);
  const eventOf = async (response: Response) => ((await response.json()) as { event: GatewayEvent }).event;

  it('answers an unknown path with a 404 problem and a wrong method with 405', async () => {
    const missing = await call('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 404, code: 'not-found', type: expect.any(String) });

    const wrongMethod = await call('/me', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toMatchObject({ status: 405, code: 'method-not-allowed' });
  });

  it('builds a payload 2.0 event as API Gateway does and maps the result back', async () => {
    const response = await call('/t/acme/items/a%20b?x=1&x=2&y=3', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'v', cookie: 'c1=1; c2=2' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-function-name')).toBe('echoPublic');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const event = await eventOf(response);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /t/{tenantId}/items/{itemId}',
      rawPath: '/t/acme/items/a%20b',
      rawQueryString: 'x=1&x=2&y=3',
      cookies: ['c1=1', 'c2=2'],
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: { tenantId: 'acme', itemId: 'a b' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/t/acme/items/a%20b', sourceIp: '127.0.0.1' },
        routeKey: 'POST /t/{tenantId}/items/{itemId}',
        stage: '$default',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('prefers a literal segment over a parameter', async () => {
    const response = await call('/t/acme/items/special', { method: 'POST' });
    expect(response.headers.get('x-function-name')).toBe('echoFixed');
  });

  it('answers 401 like the JWT authorizer without a valid token (or API key)', async () => {
    const forgedKey = `Bearer rst_acme.${'0'.repeat(26)}.${'A'.repeat(43)}`;
    for (const authorization of [
      undefined,
      'Bearer not-a-jwt',
      `Bearer ${tokens?.RefreshToken}`,
      forgedKey,
      'Bearer rst_',
    ]) {
      const response = await call('/me', { headers: authorization ? { authorization } : {} });
      expect(response.status, authorization).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('passes a valid access or id token’s claims through as strings, in the Lambda authorizer’s context', async () => {
    for (const token of [tokens?.AccessToken, tokens?.IdToken]) {
      const response = await call('/me', { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(201);
      const authorizer = (await eventOf(response)).requestContext.authorizer;
      const lambda = authorizer && 'lambda' in authorizer ? authorizer.lambda : undefined;
      expect(lambda?.principal).toBe('user');
      const claims = lambda?.principal === 'user' ? lambda.claims : undefined;
      expect(claims?.sub).toBe(sub);
      expect(claims?.iss).toBe(localStack().cognito.issuer);
      expect(typeof claims?.exp).toBe('string');
    }
  });

  it('answers 403 on a platform route without the right key, and passes an IAM context with it', async () => {
    expect((await call('/platform')).status).toBe(403);
    const wrong = await call('/platform', { headers: { 'x-platform-key': 'nope' } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ message: 'Forbidden' });

    const right = await call('/platform', { headers: { 'x-platform-key': gateway.platformKey } });
    expect(right.status).toBe(201);
    expect((await eventOf(right)).requestContext.authorizer).toMatchObject({ iam: { userArn: 'local-platform' } });
  });

  it('turns a failing handler into API Gateway’s 500 and a body over 10 MB into 413', async () => {
    const failed = await call('/t/a/items/b?fail=1', { method: 'POST' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect(failures.at(-1)).toContain('fixture failure');

    const huge = await call('/t/a/items/b', { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
  });
});
