/**
 * Constructs on their own: the jobs and triggers mechanisms with a stand-in
 * row, and the mail identity options. Small stacks, bundling skipped — the
 * stack test bundles every real function.
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { RosterApi } from '../../infra/constructs/api.ts';
import { RosterAuth } from '../../infra/constructs/auth.ts';
import { RosterEvents } from '../../infra/constructs/events.ts';
import { RosterJobs } from '../../infra/constructs/jobs.ts';
import { RosterMail } from '../../infra/constructs/mail.ts';
import { RosterTable } from '../../infra/constructs/table.ts';
import { RosterTriggers } from '../../infra/constructs/triggers.ts';
import {
  AUDIT_ITEM_FILTER,
  DETAIL_TEMPLATE,
  DETAIL_TYPE_PATH,
  EVENT_SOURCE,
  TIME_PATH,
} from '../../lib/events/audit-events.ts';
import { type JobDef, ROUTES, type RouteDef, type TriggerDef } from '../../lib/http/routes.ts';
import { flatten } from './templates.ts';

/** A stack whose assets are not bundled (the `cdk synth --exclusively` mechanism). */
function bareStack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', { stackName: 'test' });
}

describe('RosterJobs', () => {
  const job: JobDef = {
    id: 'expireInvitations',
    // Any existing module: only the wiring is under test.
    entry: (ROUTES[0] as { entry: string }).entry,
    schedule: 'rate(1 hour)',
    uses: { table: 'readWrite', mail: true },
  };
  const stack = bareStack();
  const { table } = new RosterTable(stack, 'Data');
  const { userPool } = new RosterAuth(stack, 'Auth');
  const mail = new RosterMail(stack, 'Mail', { from: 'no-reply@example.com' });
  new RosterJobs(stack, 'Jobs', { jobs: [job], resources: { table, userPool, mail: mail.identity, environment: {} } });
  const template = Template.fromStack(stack);

  it('creates one function per job, invoked by an EventBridge rule on its schedule', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'test-expireInvitations',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('alarms as soon as the job sets one item aside (the EMF metric its runs log)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Roster',
      MetricName: 'JobItemsSetAside',
      Dimensions: [{ Name: 'Job', Value: 'expireInvitations' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('grants the job what its `uses` declares and nothing from Cognito', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
    );
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'ses:SendEmail']));
    expect(actions.filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('RosterTriggers', () => {
  const trigger: TriggerDef = {
    id: 'postAuthentication',
    // Any existing module: only the wiring is under test.
    entry: (ROUTES[0] as { entry: string }).entry,
    trigger: 'postAuthentication',
    uses: { table: 'readWrite' },
  };
  const environment = { TABLE_NAME: 't', USER_POOL_ID: 'p', USER_POOL_CLIENT_ID: 'c', MAIL_FROM: 'm' };

  function withTriggers(triggers: TriggerDef[]) {
    const stack = bareStack();
    const { table } = new RosterTable(stack, 'Data');
    const { userPool } = new RosterAuth(stack, 'Auth');
    const mail = new RosterMail(stack, 'Mail', { from: 'no-reply@example.com' });
    new RosterTriggers(stack, 'Triggers', {
      triggers,
      userPool,
      resources: { table, userPool, mail: mail.identity, environment },
    });
    return stack;
  }

  it('attaches one function per trigger to the pool, with Cognito’s 5-second limit and no pool variables', () => {
    const stack = withTriggers([trigger]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'test-postAuthentication',
      Timeout: 5,
      Environment: { Variables: { TABLE_NAME: 't', MAIL_FROM: 'm', NODE_OPTIONS: '--enable-source-maps' } },
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PostAuthentication: { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('refuses a trigger that would call its own user pool (a dependency cycle)', () => {
    expect(() => withTriggers([{ ...trigger, uses: { identity: ['AdminGetUser'] } }])).toThrow(/dependency cycle/);
    expect(() => withTriggers([{ ...trigger, uses: { authFlows: true } }])).toThrow(/dependency cycle/);
  });
});

describe('RosterApi throttling', () => {
  // Stand-in rows (any existing module): only the throttling rule is under test.
  const row = (id: string, auth: RouteDef['auth'], uses: RouteDef['uses']): RouteDef => ({
    id,
    method: 'POST',
    path: `/v1/${id}`,
    entry: (ROUTES[0] as RouteDef).entry,
    auth,
    summary: id,
    uses,
  });
  const rows = [
    row('ping', 'public', {}),
    row('signIn', 'public', { authFlows: true }),
    row('byToken', 'public', { table: 'read' }),
    row('member', 'user', { table: 'readWrite', authFlows: true }),
    row('operator', 'platform', { table: 'readWrite' }),
  ];

  function stageOf(routes: RouteDef[], credentialThrottle?: { rateLimit: number; burstLimit: number }) {
    const stack = bareStack();
    const { table } = new RosterTable(stack, 'Data');
    const { userPool } = new RosterAuth(stack, 'Auth');
    const mail = new RosterMail(stack, 'Mail', { from: 'no-reply@example.com' });
    new RosterApi(stack, 'Api', {
      routes,
      resources: { table, userPool, mail: mail.identity, environment: {} },
      jwt: { issuer: 'https://issuer.example', audience: 'client' },
      corsOrigins: ['https://app.example.com'],
      credentialThrottle,
    });
    // The routes live in their area's nested stack: read the parent and the nested templates as one.
    const { resources, containerOf } = flatten(stack);
    const [stage] = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const routeIds = Object.fromEntries(
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map(([id, r]) => [r.Properties.RouteKey, id]),
    );
    return { stage, routeIds, containerOf };
  }

  it('limits the public routes that reach Cognito or the table, after creating them, and no other route', () => {
    const { stage, routeIds, containerOf } = stageOf(rows);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(stage?.Properties.RouteSettings).toEqual({
      'POST /v1/signIn': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      'POST /v1/byToken': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    // Created after the routes it names: after the nested stack that holds them.
    const holder = (key: string) => containerOf(routeIds[key] ?? '');
    expect(holder('POST /v1/signIn')).not.toBe(routeIds['POST /v1/signIn']);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining([holder('POST /v1/signIn'), holder('POST /v1/byToken')]));
  });

  it('takes the credential limit it is given', () => {
    const { stage } = stageOf(rows, { rateLimit: 2, burstLimit: 5 });
    expect(stage?.Properties.RouteSettings['POST /v1/signIn']).toEqual({
      ThrottlingRateLimit: 2,
      ThrottlingBurstLimit: 5,
    });
  });

  it('sets no route settings when no route takes credentials', () => {
    const { stage } = stageOf(rows.filter((r) => r.id === 'ping' || r.auth !== 'public'));
    expect(stage?.Properties.RouteSettings).toBeUndefined();
  });
});

describe('RosterMail', () => {
  it('verifies the single sender address by default', () => {
    const stack = bareStack();
    new RosterMail(stack, 'Mail', { from: 'no-reply@example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'no-reply@example.com',
    });
  });

  it('verifies the whole domain when one is given', () => {
    const stack = bareStack();
    new RosterMail(stack, 'Mail', { from: 'no-reply@acme.test', domain: 'acme.test' });
    Template.fromStack(stack).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'acme.test' });
  });

  it('refuses a sender outside the verified domain', () => {
    expect(() => new RosterMail(bareStack(), 'Mail', { from: 'no-reply@other.test', domain: 'acme.test' })).toThrow(
      /must be an address in mailDomain/,
    );
  });
});

describe('RosterAuth', () => {
  it('allows the admin password flow only when asked to', () => {
    const stack = bareStack();
    new RosterAuth(stack, 'Auth', { adminAuthFlow: true });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_ADMIN_USER_PASSWORD_AUTH']),
    });
  });
});

describe('RosterEvents', () => {
  const stack = bareStack();
  const { table } = new RosterTable(stack, 'Data');
  const { userPool } = new RosterAuth(stack, 'Auth');
  const mail = new RosterMail(stack, 'Mail', { from: 'no-reply@example.com' });
  const events = new RosterEvents(stack, 'Events', {
    table,
    resources: { table, userPool, mail: mail.identity, environment: {} },
  });
  const template = Template.fromStack(stack);
  const idOf = (type: string) => Object.keys(template.findResources(type))[0] as string;
  const [tableId, busId, queueId] = ['AWS::DynamoDB::Table', 'AWS::Events::EventBus', 'AWS::SQS::Queue'].map(idOf);
  const roleId = stack.getLogicalId(events.node.findChild('PipeRole').node.defaultChild as CfnElement);
  const enrichmentArn = {
    'Fn::GetAtt': [stack.getLogicalId(events.enrichment.fn.node.defaultChild as CfnElement), 'Arn'],
  };
  const streamArn = { 'Fn::GetAtt': [tableId, 'StreamArn'] };
  const busArn = { 'Fn::GetAtt': [busId, 'Arn'] };

  it('creates the Roster bus', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it('pipes new audit items from the table stream to the bus, source roster, detail-type = the action', () => {
    template.resourceCountIs('AWS::Pipes::Pipe', 1);
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: streamArn,
      Enrichment: enrichmentArn,
      Target: busArn,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      SourceParameters: {
        DynamoDBStreamParameters: Match.objectLike({
          StartingPosition: 'TRIM_HORIZON',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(AUDIT_ITEM_FILTER) }] },
      },
      TargetParameters: {
        InputTemplate: DETAIL_TEMPLATE,
        EventBridgeEventBusParameters: { Source: EVENT_SOURCE, DetailType: DETAIL_TYPE_PATH, Time: TIME_PATH },
      },
      LogConfiguration: Match.objectLike({ Level: 'ERROR' }),
    });
    expect(
      JSON.parse(
        String(
          Object.values(template.findResources('AWS::Pipes::Pipe'))[0]?.Properties.SourceParameters.FilterCriteria
            .Filters[0].Pattern,
        ),
      ),
    ).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['audit'] } } },
    });
  });

  it('gives the pipe a role of its own, assumable by EventBridge Pipes of this account only, with least privilege', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'pipes.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    // The pipe role's own policies (the enrichment function has a role of its own).
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const grants = statements.map((s) => ({ actions: [s.Action].flat().sort(), resource: s.Resource }));
    expect(grants).toEqual(
      expect.arrayContaining([
        {
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resource: streamArn,
        },
        { actions: ['events:PutEvents'], resource: busArn },
        { actions: ['lambda:InvokeFunction'], resource: enrichmentArn },
      ]),
    );
    const actions = grants.flatMap((g) => g.actions).sort();
    expect(actions).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'events:PutEvents',
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
