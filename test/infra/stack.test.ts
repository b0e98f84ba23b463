/**
 * Template assertions on the whole stack, synthesized once (bundling every
 * function is the slow part) with the same feature flags as `cdk synth`.
 * The API's routes and functions live in nested stacks by area: the
 * assertions read the parent and every nested template as one (templates.ts),
 * references across them resolved to what the parent passes in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { takesCredentials } from '../../infra/constructs/api.ts';
import { AUDIT_DENIED_ACTIONS, INDEX_ACTIONS, TABLE_ACTIONS } from '../../infra/constructs/table-access.ts';
import { POOL_VARIABLES } from '../../infra/constructs/triggers.ts';
import { RosterStack } from '../../infra/stack.ts';
import { CONFIG_VARIABLES } from '../../lib/config.ts';
import { ENRICHMENT, WEBHOOK_FAN_OUT } from '../../lib/events/audit-events.ts';
import { JOBS, ROUTES, type RouteDef, TRIGGERS, type Uses } from '../../lib/http/routes.ts';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../lib/store/table.ts';
import { type Flattened, flatten, type Resource } from './templates.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const routes: readonly RouteDef[] = ROUTES;
/** Everything that becomes a function: routes, jobs, user pool triggers. */
/** Every function's operation: the rows (a platform twin runs in its row's function), jobs and triggers. */
const operations: readonly { id: string; uses: Uses }[] = [...ROUTES.filter((r) => !r.twinOf), ...JOBS, ...TRIGGERS];
const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
const STACK_NAME = 'roster-test';
/** The public routes that take a password, refresh token, reset code or invitation token. */
const CREDENTIAL_ROUTES = [
  'login',
  'refresh',
  'newPassword',
  'forgotPassword',
  'confirmForgotPassword',
  'previewInvitation',
  'acceptInvitation',
  // The sign-in's two-factor code step (lib/http/rows/mfa.ts).
  'answerMfaChallenge',
  // Single sign-on: discovery, start and the two callbacks reach the table (and the callbacks Cognito).
  'ssoDiscover',
  'ssoStart',
  'ssoCallback',
  'ssoCallbackPost',
  // Confirming an existing login for SSO with its password (and code): Cognito checks it.
  'ssoLink',
];

let app: App;
let stack: RosterStack;
let template: Template;
let assemblyDir: string;
let resources: Record<string, Resource>;
let flat: Flattened;

beforeAll(() => {
  app = new App({ context });
  stack = new RosterStack(app, 'Roster', {
    stackName: STACK_NAME,
    mailFrom: 'no-reply@example.com',
    appUrl: 'https://app.example.com/',
    // The Console (CloudFront, S3 and CDK's upload helper) is asserted in test/infra/console.test.ts.
    console: false,
  });
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
  flat = flatten(stack);
  resources = flat.resources;
  // Bundling every function (about 70) takes minutes on a busy machine: more than the project's hook limit.
}, 900_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const ref = (logicalId: string) => ({ Ref: logicalId });
const routeKey = (route: RouteDef) => `${route.method} ${route.path}`;

function functionOf(operationId: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(
    ([, fn]) => fn.Properties.FunctionName === `${STACK_NAME}-${operationId}`,
  );
  if (!found) throw new Error(`No function for ${operationId}`);
  return found;
}

/** Every statement of every policy attached to the operation's role. */
function statementsOf(operationId: string): Statement[] {
  const [, fn] = functionOf(operationId);
  const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(ref(roleId))))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsIn = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
const allowsOf = (operationId: string) => statementsOf(operationId).filter((s) => s.Effect === 'Allow');
const actionsOf = (operationId: string) => actionsIn(allowsOf(operationId));
const names = (resource: unknown) => (s: Statement) =>
  [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource));

function tableArns() {
  const [tableId] = ofType('AWS::DynamoDB::Table')[0] ?? [];
  const table = { 'Fn::GetAtt': [tableId, 'Arn'] };
  return { table, index: { 'Fn::Join': ['', [table, '/index/*']] } };
}

describe('functions', () => {
  it('has exactly one function per route, per job and per trigger, and no CDK helper functions', () => {
    // A platform twin shares its row's function; the events pipe's enrichment function is one more, and so are
    // the webhook fan-out and the SCIM token authorizer of the /scim/v2 routes.
    const functions = ROUTES.filter((r) => !r.twinOf).length;
    // + the user routes' authorizer, + the SCIM tokens' authorizer, + the webhook fan-out, + one CDK helper (as before).
    expect(ofType('AWS::Lambda::Function')).toHaveLength(functions + JOBS.length + TRIGGERS.length + 4);
    expect(() => functionOf('scimAuthorizer')).not.toThrow();
    for (const op of operations) expect(() => functionOf(op.id)).not.toThrow();
    expect(() => functionOf(ENRICHMENT.id)).not.toThrow();
    expect(() => functionOf(WEBHOOK_FAN_OUT.id)).not.toThrow();
  });

  it('runs every function on nodejs24.x, arm64, with the whole configuration and source maps', () => {
    const triggers = new Set(TRIGGERS.map((t) => `${STACK_NAME}-${t.id}`));
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      const variables = Object.keys(fn.Properties.Environment.Variables);
      // A trigger gets everything but the pool's variables: the pool depends on it.
      const expected = triggers.has(fn.Properties.FunctionName)
        ? CONFIG_VARIABLES.filter((v) => !(POOL_VARIABLES as readonly string[]).includes(v))
        : CONFIG_VARIABLES;
      expect(variables).toEqual(expect.arrayContaining([...expected, 'NODE_OPTIONS']));
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('gives routes and jobs the token issuer API Gateway checks and the resend interval, and triggers nothing of the pool', () => {
    // The issuer the user routes' authorizer checks tokens against.
    const issuer = functionOf('authorizeRequest')[1].Properties.Environment.Variables.USER_POOL_ISSUER;
    expect(issuer).toBeDefined();
    for (const op of [...ROUTES.filter((r) => !r.twinOf), ...JOBS]) {
      const variables = functionOf(op.id)[1].Properties.Environment.Variables;
      expect(variables.USER_POOL_ISSUER, op.id).toEqual(issuer);
      expect(variables.INVITATION_RESEND_INTERVAL_SECONDS, op.id).toBe('60');
    }
    for (const trigger of TRIGGERS) {
      const variables = Object.keys(functionOf(trigger.id)[1].Properties.Environment.Variables);
      expect(variables).toContain('INVITATION_RESEND_INTERVAL_SECONDS');
      expect(variables.filter((v) => v.startsWith('USER_POOL_'))).toEqual([]);
    }
  });

  it('gives every function its own log group with a retention', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const logGroupId: string = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId]?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('bundles every function as minified ESM with the AWS SDK inside (no runtime SDK import)', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const assetHash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const bundle = join(assemblyDir, `asset.${assetHash}`, 'index.mjs');
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(existsSync(`${bundle}.map`)).toBe(true);
    }
  });
});

it('ships the package files a handler reads at run time inside its bundle', () => {
  const shipping = routes.filter((r) => r.packageFiles?.length);
  expect(shipping.length).toBeGreaterThan(0);
  for (const route of shipping) {
    const [, fn] = functionOf(route.id);
    const bundle = join(assemblyDir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    for (const file of route.packageFiles ?? [])
      expect(existsSync(join(bundle, 'node_modules', file)), file).toBe(true);
  }
});

describe('jobs', () => {
  it('runs every job of JOBS from its own EventBridge rule on its schedule, with five minutes to work', () => {
    for (const job of JOBS) {
      const [functionId, fn] = functionOf(job.id);
      expect(fn.Properties.Timeout, job.id).toBe(300);
      const rules = ofType('AWS::Events::Rule').filter(([, rule]) =>
        JSON.stringify(rule.Properties.Targets ?? []).includes(`"${functionId}"`),
      );
      expect(
        rules.map(([, rule]) => rule.Properties.ScheduleExpression),
        job.id,
      ).toEqual([job.schedule]);
    }
  });

  it('runs the access upkeep hourly, reading and writing the table and sending the digest through SES', () => {
    expect(JOBS.map((j) => j.id)).toContain('accessUpkeep');
    const [functionId, fn] = functionOf('accessUpkeep');
    // The digest's link to the users screen is built on the app's address.
    expect(fn.Properties.Environment.Variables.APP_URL).toContain('app.example.com');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
    });
    expect(actionsOf('accessUpkeep')).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'ses:SendEmail']),
    );
    // Its by-sign-in and grant-expiry reads are index queries: the table has the index they name.
    const [, table] = ofType('AWS::DynamoDB::Table')[0] ?? [];
    expect(table?.Properties.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toContain('gsi3');
  });
});

describe('routes', () => {
  // User routes: the Lambda authorizer (a person's JWT or an API key); SCIM routes: the SCIM token's. Both CUSTOM.
  const expectedAuth = { public: 'NONE', user: 'CUSTOM', platform: 'AWS_IAM', scim: 'CUSTOM' } as const;

  it('serves exactly the operations openapi.json documents', () => {
    const spec = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    const documented = Object.entries(spec.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties.RouteKey));
    expect(served.sort()).toEqual(documented.sort());
  });

  it('has one API route per route table row', () => {
    expect(ofType('AWS::ApiGatewayV2::Route')).toHaveLength(ROUTES.length);
    // Every route is on the one HTTP API, in the parent stack.
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))).toEqual([apiId]);
    for (const [, r] of ofType('AWS::ApiGatewayV2::Route')) expect(r.Properties.ApiId).toEqual(ref(apiId ?? ''));
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))('%s: authorizer and integration', (key, route) => {
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === key);
    expect(routes).toHaveLength(1);
    const [[routeId, apiRoute]] = routes as [[string, Resource]];
    expect(apiRoute.Properties.AuthorizationType).toBe(expectedAuth[route.auth]);
    // User routes: the one user/API-key authorizer of the parent stack; SCIM routes: the SCIM token's one.
    const authorizerNamed = (name: string) =>
      ofType('AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties.Name === name)?.[0] ?? '';
    const expected =
      route.auth === 'user'
        ? ref(authorizerNamed('UserOrApiKey'))
        : route.auth === 'scim'
          ? ref(authorizerNamed('ScimToken'))
          : undefined;
    expect(apiRoute.Properties.AuthorizerId).toEqual(expected);

    // The route invokes the function generated for this row (a platform twin: its row's), not another one.
    const integrationId: string = apiRoute.Properties.Target['Fn::Join'][1][1].Ref;
    const [functionId] = functionOf(route.twinOf ?? route.id);
    expect(resources[integrationId]?.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    // Route, integration and function in one template (the area's nested stack), with API Gateway allowed
    // to invoke the function from this API on this route's path only.
    expect(flat.containerOf(integrationId)).toBe(flat.containerOf(routeId));
    expect(flat.containerOf(functionId)).toBe(flat.containerOf(routeId));
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) =>
        JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] }) &&
        JSON.stringify(p.Properties.SourceArn).includes(`${JSON.stringify(ref(apiId ?? ''))},"/*/*${route.path}"`),
    );
    expect(permissions.map(([, p]) => p.Properties.Principal)).toEqual(['apigateway.amazonaws.com']);
  });

  it('checks user tokens (against the Cognito user pool and its app client) and API keys in one Lambda authorizer', () => {
    const [poolId] = ofType('AWS::Cognito::UserPool')[0] ?? [];
    const [clientId] = ofType('AWS::Cognito::UserPoolClient')[0] ?? [];
    // Two authorizers: the user routes' (a JWT or an API key) and the SCIM tokens' (its own test below).
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 2);
    const [authorizerFnId, authorizerFn] = functionOf('authorizeRequest');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
    });
    const [, authorizer] =
      ofType('AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties.Name === 'UserOrApiKey') ?? [];
    expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain(authorizerFnId);
    expect(authorizerFn.Properties.Environment.Variables).toMatchObject({
      USER_POOL_CLIENT_ID: ref(clientId ?? ''),
      USER_POOL_ISSUER: {
        'Fn::Join': ['', ['https://cognito-idp.', ref('AWS::Region'), '.amazonaws.com/', ref(poolId ?? '')]],
      },
    });
    // It reads the table (the key item) and writes nothing.
    expect([...new Set(actionsOf('authorizeRequest').filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
  });

  it('checks SCIM tokens with a Lambda REQUEST authorizer of its own: simple responses, cached per Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('throttles the default stage and writes JSON access logs to a log group with retention', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: expect.any(Number), ThrottlingRateLimit: expect.any(Number) },
    });
    const logGroupId: string = stage?.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(resources[logGroupId]?.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(JSON.parse(stage?.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('allows the web app origin only for CORS', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
    });
  });
});

describe('throttling', () => {
  const stage = () => {
    const [id, resource] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    if (!resource) throw new Error('No stage');
    return { id, properties: resource.Properties, dependsOn: resource.DependsOn ?? [] };
  };
  const routeIdOf = (key: string) =>
    ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key)?.[0];

  it('picks the credential routes from the route table: the public routes that reach Cognito or the table', () => {
    expect(routes.filter(takesCredentials).map((r) => r.id)).toEqual(expect.arrayContaining(CREDENTIAL_ROUTES));
    expect(routes.filter(takesCredentials)).toHaveLength(CREDENTIAL_ROUTES.length);
  });

  it.each(routes.filter((r) => CREDENTIAL_ROUTES.includes(r.id)).map((r) => [routeKey(r), r] as const))(
    '%s: its own limit, stricter than the stage default',
    (key) => {
      const { properties, dependsOn } = stage();
      const own = properties.RouteSettings?.[key];
      const stageDefault = properties.DefaultRouteSettings;
      expect(own).toEqual({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
      expect(own.ThrottlingRateLimit).toBeGreaterThan(0);
      expect(own.ThrottlingRateLimit).toBeLessThan(stageDefault.ThrottlingRateLimit);
      expect(own.ThrottlingBurstLimit).toBeGreaterThanOrEqual(own.ThrottlingRateLimit);
      expect(own.ThrottlingBurstLimit).toBeLessThan(stageDefault.ThrottlingBurstLimit);
      // The stage may only name routes that already exist: it is created after them (after the nested
      // stack that holds the route).
      const routeId = routeIdOf(key);
      expect(routeId).toBeDefined();
      expect(dependsOn).toContain(flat.containerOf(routeId ?? ''));
    },
  );

  it('leaves every other route (user, platform, liveness and API document) on the stage default', () => {
    const { properties } = stage();
    const limited = Object.keys(properties.RouteSettings ?? {}).sort();
    const credentialKeys = routes.filter((r) => CREDENTIAL_ROUTES.includes(r.id)).map(routeKey);
    expect(limited).toEqual(credentialKeys.sort());
    for (const route of routes.filter((r) => r.auth !== 'public')) expect(limited).not.toContain(routeKey(route));
  });
});

describe('least privilege', () => {
  it('uses no managed policies (AWSLambdaBasicExecutionRole included)', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(operations.map((op) => [op.id, op] as const))('%s: grants exactly what `uses` declares', (id, route) => {
    const actions = actionsOf(id);
    const dynamodb = actions.filter((a) => a.startsWith('dynamodb:'));
    const arns = tableArns();
    const onTable = actionsIn(allowsOf(id).filter(names(arns.table))).sort();
    const onIndexes = actionsIn(allowsOf(id).filter(names(arns.index))).sort();
    const access = route.uses.table;
    expect(onTable).toEqual(access ? [...TABLE_ACTIONS[access]].sort() : []);
    expect(onIndexes).toEqual(access ? [...INDEX_ACTIONS] : []);
    // No DynamoDB action on any other resource.
    expect(dynamodb.length).toBe(onTable.length + onIndexes.length);

    const cognito = actions.filter((a) => a.startsWith('cognito-idp:')).sort();
    expect(cognito).toEqual((route.uses.identity ?? []).map((a) => `cognito-idp:${a}`).sort());

    const ses = actions.filter((a) => a.startsWith('ses:')).sort();
    expect(ses).toEqual(route.uses.mail ? ['ses:SendEmail', 'ses:SendRawEmail'] : []);

    const kms = actions.filter((a) => a.startsWith('kms:'));
    expect(kms).toEqual(route.uses.senderKey ? ['kms:Decrypt'] : []);

    // Nothing else but writing its own logs (and, for the webhook sweep, queueing retries: see 'events').
    const others = actions.filter((a) => !/^(dynamodb|cognito-idp|ses|kms):/.test(a)).sort();
    const queued = id === 'deliverWebhooks' ? ['sqs:SendMessage'] : [];
    expect(others).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', ...queued]);
  });

  it('allows no Scan, no BatchWriteItem and no DynamoDB wildcard to any role in the stack', () => {
    const allowed = ofType('AWS::IAM::Policy')
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => s.Effect === 'Allow');
    expect(actionsIn(allowed)).toContain('dynamodb:Query');
    for (const action of actionsIn(allowed)) {
      expect(['dynamodb:Scan', 'dynamodb:BatchWriteItem']).not.toContain(action);
      expect(action).not.toMatch(/^dynamodb:.*\*/);
    }
  });

  it.each(operations.map((op) => [op.id] as const))(
    '%s: may not update, delete or batch-write an audit item (pk TENANT#<t>#AUDIT)',
    (id) => {
      const denies = statementsOf(id).filter((s) => s.Effect === 'Deny');
      expect(denies).toHaveLength(1);
      const [deny] = denies;
      expect([deny?.Action].flat().sort()).toEqual([...AUDIT_DENIED_ACTIONS].sort());
      expect([deny?.Action].flat()).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
      expect(deny?.Resource).toEqual(tableArns().table);
      expect(deny?.Condition).toEqual({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT'] } });
    },
  );

  it('scopes Cognito admin actions to the user pool', () => {
    const [poolId] = ofType('AWS::Cognito::UserPool')[0] ?? [];
    for (const route of routes.filter((r) => r.uses.identity?.length)) {
      for (const s of statementsOf(route.id).filter((st) => JSON.stringify(st.Action).includes('cognito-idp:'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
      }
    }
  });
});

describe('table', () => {
  it('is generated from lib/store/table.ts and kept safe', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.values(INDEXES).map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      }),
    });
  });

  it('declares every key attribute as a string', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0] ?? [];
    const names = [TABLE_KEYS, ...Object.values(INDEXES)].flatMap((k) => [k.partitionKey, k.sortKey]);
    expect(table?.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
    );
  });
});

describe('user pool', () => {
  it('signs in by email, by invitation only, with a strong password policy', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UsernameAttributes: ['email'],
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
          }),
        },
      }),
    });
  });

  it('has a public app client with password, SRP, custom (SSO) and refresh flows and no hosted-UI OAuth', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals([
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_CUSTOM_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlows: Match.absent(),
    });
  });
});

describe('user pool triggers', () => {
  it.each(TRIGGERS.map((t) => [t.id, t] as const))(
    '%s: attached to the user pool, invocable by that pool only',
    (id, trigger) => {
      const [poolId] = ofType('AWS::Cognito::UserPool')[0] ?? [];
      const [functionId] = functionOf(id);
      const lambdaConfigKey = `${trigger.trigger.charAt(0).toUpperCase()}${trigger.trigger.slice(1)}`;
      const arn = { 'Fn::GetAtt': [functionId, 'Arn'] };
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        // Custom sender triggers are versioned objects with the pool's sender key beside them.
        LambdaConfig:
          trigger.trigger === 'customEmailSender'
            ? { CustomEmailSender: { LambdaArn: arn, LambdaVersion: 'V1_0' }, KMSKeyID: Match.anyValue() }
            : { [lambdaConfigKey]: arn },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'cognito-idp.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      });
    },
  );

  it('has no dependency cycle (a trigger must not reference the pool that invokes it)', () => {
    const edges = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(resources)) {
      const found = new Set<string>();
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === 'object') {
          for (const [key, value] of Object.entries(node)) {
            if (key === 'Ref' && typeof value === 'string') found.add(value);
            else if (key === 'Fn::GetAtt' && Array.isArray(value)) found.add(String(value[0]));
            else visit(value);
          }
        }
      };
      visit(resource.Properties);
      const dependsOn = (resource as { DependsOn?: string | string[] }).DependsOn ?? [];
      for (const d of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) found.add(d);
      edges.set(id, new Set([...found].filter((target) => target in resources)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycleFrom = (id: string, path: string[]): string[] | undefined => {
      if (state.get(id) === 'done') return undefined;
      if (state.get(id) === 'visiting') return [...path, id];
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) {
        const cycle = cycleFrom(next, [...path, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return undefined;
    };
    for (const id of edges.keys()) expect(cycleFrom(id, [])).toBeUndefined();
  });
});

describe('events', () => {
  it('pipes the table’s stream to the Roster event bus', () => {
    const [tableId] = ofType('AWS::DynamoDB::Table')[0] ?? [];
    const [busId] = ofType('AWS::Events::EventBus')[0] ?? [];
    template.resourceCountIs('AWS::Pipes::Pipe', 1);
    const [enrichmentId] = functionOf(ENRICHMENT.id);
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      Enrichment: { 'Fn::GetAtt': [enrichmentId, 'Arn'] },
      Target: { 'Fn::GetAtt': [busId, 'Arn'] },
    });
  });

  it('webhooks: every event of the bus → a queue with a dead-letter queue → the fan-out function (own role)', () => {
    const [busId] = ofType('AWS::Events::EventBus')[0] ?? [];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: ['roster'] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
    });
    const [fanOutId] = functionOf(WEBHOOK_FAN_OUT.id);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fanOutId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const actions = actionsOf(WEBHOOK_FAN_OUT.id);
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'ses:SendEmail']));
    // The queue grants are the webhook functions' only: no route, trigger or other job gets any; the sweep
    // (deliverWebhooks, a role of its own) may only send to the retry queue.
    for (const op of operations)
      expect(
        actionsOf(op.id).filter((a) => a.startsWith('sqs:')),
        op.id,
      ).toEqual(op.id === 'deliverWebhooks' ? ['sqs:SendMessage'] : []);
  });

  /** The retry queue: the queue that the fan-out function reads besides the bus's (its URL is the functions'). */
  function retryQueue(): [string, Resource] {
    const [, fanOut] = functionOf(WEBHOOK_FAN_OUT.id);
    const queueId: string = fanOut.Properties.Environment.Variables.WEBHOOK_RETRY_QUEUE_URL?.Ref;
    const queue = resources[queueId];
    if (!queue) throw new Error('no retry queue');
    return [queueId, queue];
  }

  it('webhook retries due within 15 min: an encrypted SQS queue with per-message delays, a DLQ with an alarm', () => {
    const [queueId, queue] = retryQueue();
    // Per-message DelaySeconds (5 s, 300 s) decide: the queue itself adds no delay.
    expect(queue.Properties.DelaySeconds ?? 0).toBe(0);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    const dlqId: string = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(resources[dlqId]?.Properties.SqsManagedSseEnabled).toBe(true);
    // The fan-out function consumes it too (its own role), reporting partial batch failures.
    const [fanOutId, fanOut] = functionOf(WEBHOOK_FAN_OUT.id);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fanOut.Properties.Timeout);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fanOutId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Only TLS: a queue policy denies aws:SecureTransport false.
    const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) =>
      JSON.stringify(p.Properties.Queues).includes(JSON.stringify(ref(queueId))),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
    // Messages that could not be processed page someone.
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes(JSON.stringify({ 'Fn::GetAtt': [dlqId, 'QueueName'] })),
    );
    expect(alarms).toHaveLength(1);
  });

  it('only the functions that make scheduled attempts may send to the retry queue, and only they know its URL', () => {
    const [queueId] = retryQueue();
    const arn = { 'Fn::GetAtt': [queueId, 'Arn'] };
    const senders = [WEBHOOK_FAN_OUT.id, 'deliverWebhooks'];
    for (const id of senders) {
      const sends = allowsOf(id).filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
      expect(sends.length, id).toBeGreaterThan(0);
      for (const s of sends) expect([s.Resource].flat(), id).toEqual([arn]);
      expect(functionOf(id)[1].Properties.Environment.Variables.WEBHOOK_RETRY_QUEUE_URL, id).toEqual(ref(queueId));
    }
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name: string = fn.Properties.FunctionName ?? '';
      if (senders.some((id) => name === `${STACK_NAME}-${id}`)) continue;
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {}), name).not.toContain('WEBHOOK_RETRY_QUEUE_URL');
    }
    // Each sender's role is its own: no other function gets the grant through a shared role.
    for (const id of senders) {
      const role = JSON.stringify(functionOf(id)[1].Properties.Role);
      const sharing = ofType('AWS::Lambda::Function').filter(([, fn]) => JSON.stringify(fn.Properties.Role) === role);
      expect(sharing, id).toHaveLength(1);
    }
  });

  it('never lets a deployed function send webhooks to private addresses', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {})).not.toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS');
    }
  });

  it('never lets a deployed function fetch an OIDC issuer on a private address or over plain http', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {})).not.toContain('SSO_ALLOW_PRIVATE_ISSUERS');
    }
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'EventBusName'])('exports %s', (name) => {
    template.hasOutput(name, { Value: Match.anyValue() });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no errors and no warnings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledged rule a real reason', () => {
    const acknowledgements: [string, string][] = [];
    const visit = (node: IConstruct) => {
      for (const entry of node.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          acknowledgements.push(...Object.entries(entry.data as Record<string, string>));
        }
      }
      node.node.children.forEach(visit);
    };
    visit(stack);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThanOrEqual(60);
  });
});
