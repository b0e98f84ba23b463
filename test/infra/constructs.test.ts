/**
 * Constructs on their own: the jobs and triggers mechanisms with a stand-in
 * row, and the mail identity options. Small stacks, bundling skipped — the
 * stack test bundles every real function.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { RosterAuth } from '../../infra/constructs/auth.ts';
import { RosterJobs } from '../../infra/constructs/jobs.ts';
import { RosterMail } from '../../infra/constructs/mail.ts';
import { RosterTable } from '../../infra/constructs/table.ts';
import { RosterTriggers } from '../../infra/constructs/triggers.ts';
import { type JobDef, ROUTES, type TriggerDef } from '../../lib/http/routes.ts';

/** A stack whose assets are not bundled (the `cdk synth --exclusively` mechanism). */
function bareStack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', { stackName: 'test' });
}

describe('RosterJobs', () => {
  const job: JobDef = {
    id: 'expireInvitations',
    // Any existing module: only the wiring is under test.
    entry: ROUTES[0].entry,
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
    entry: ROUTES[0].entry,
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
