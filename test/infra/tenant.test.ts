/**
 * The Tenant construct: the example app (a tenants stack beside the Roster
 * stack) synthesizes, each tenant is a Custom::RosterTenant backed by the
 * Roster stack's provider, whose onEvent function has the platform route's
 * grants. Bundling is skipped here (stack.test.ts bundles every function).
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Tenant } from '../../infra/constructs/tenant.ts';
import { exampleApp } from '../../infra/examples/tenants.ts';
import { RosterStack } from '../../infra/stack.ts';
import { routeById } from '../../lib/http/routes.ts';

const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
const synthesize = () => exampleApp(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }));

const example = synthesize();
const tenants = Template.fromStack(example.tenants);
const roster = Template.fromStack(example.roster);
const tenantResources = () => Object.values(tenants.findResources('Custom::RosterTenant'));

describe('the example tenants stack', () => {
  it('synthesizes, declaring two tenants', () => {
    const assembly = example.app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['roster-example', 'roster-example-tenants']);
    tenants.resourceCountIs('Custom::RosterTenant', 2);
  });

  it('passes each tenant’s declaration to the Roster stack’s provider', () => {
    const [fnId] = Object.keys(
      roster.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'roster-example-tenantProvider' } }),
    );
    expect(fnId).toBeDefined();
    for (const resource of tenantResources()) {
      // A cross-stack reference to the provider framework function of the Roster stack.
      expect(JSON.stringify(resource.Properties.ServiceToken)).toMatch(/"StackName":"roster-example"/);
    }
    tenants.hasResource('Custom::RosterTenant', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        ServiceToken: Match.anyValue(),
        TenantId: 'acme',
        Name: 'Acme Support',
        Plan: 'growth',
        OwnerEmail: 'olga@acme.example',
        OwnerName: 'Olga Owner',
      },
    });
    tenants.hasResource('Custom::RosterTenant', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Name: 'Globex Trial', Plan: 'trial', SeatLimit: 2 }),
    });
  });

  it('derives a stable tenant id when none is given (a retried create finds its tenant)', () => {
    const globex = tenantResources().find((r) => r.Properties.Name === 'Globex Trial');
    expect(globex?.Properties.TenantId).toMatch(/^roster-example-tenants-globex-[0-9a-f]{8}$/);
    const again = Template.fromStack(synthesize().tenants).findResources('Custom::RosterTenant');
    expect(Object.values(again).map((r) => r.Properties.TenantId)).toEqual(
      tenantResources().map((r) => r.Properties.TenantId),
    );
  });

  it('refuses a declaration the provider would refuse', () => {
    const host = { tenantServiceToken: () => 'arn:aws:lambda:eu-west-1:123456789012:function:x' };
    const stack = synthesize().tenants;
    const owner = { email: 'a@b.example', name: 'A' };
    expect(
      () => new Tenant(stack, 'BadId', { roster: host, tenantId: 'Bad_Id', name: 'x', plan: 'trial', owner }),
    ).toThrow(/tenantId/);
    // @ts-expect-error an unknown plan
    expect(() => new Tenant(stack, 'BadPlan', { roster: host, name: 'x', plan: 'gold', owner })).toThrow(
      /unknown plan/,
    );
    expect(
      () => new Tenant(stack, 'BadSeats', { roster: host, name: 'x', plan: 'trial', seatLimit: 0, owner }),
    ).toThrow(/seatLimit/);
    expect(
      () =>
        new Tenant(stack, 'BadOwner', { roster: host, name: 'x', plan: 'trial', owner: { email: 'nope', name: 'A' } }),
    ).toThrow(/owner.email/);
  });
});

describe('the tenant provider in the Roster stack', () => {
  it('runs functions/platform/tenant-resource.ts on nodejs24.x with the platform route’s grants', () => {
    const [fnId, fn] =
      Object.entries(
        roster.findResources('AWS::Lambda::Function', {
          Properties: { FunctionName: 'roster-example-tenantResource' },
        }),
      )[0] ?? [];
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 60 });
    const roleId = fn?.Properties.Role['Fn::GetAtt'][0];
    type Statement = { Effect: string; Action: string | string[]; Condition?: unknown };
    const statements: Statement[] = Object.values(roster.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(JSON.stringify({ Ref: roleId })))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminCreateUser',
        'ses:SendEmail',
      ]),
    );
    expect(actions.filter((a) => a.startsWith('cognito-idp:')).sort()).toEqual(
      (routeById('platformCreateTenant').uses.identity ?? []).map((a) => `cognito-idp:${a}`).sort(),
    );
    // Like every Roster function, it may not rewrite the audit trail.
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT'] } },
      }),
    ]);
    // The provider framework invokes it.
    roster.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [fnId, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('is made only for stacks that declare tenants', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const props = { stackName: 'roster-example', mailFrom: 'no-reply@example.com', appUrl: 'https://app.example.com' };
    const bare = Template.fromStack(new RosterStack(app, 'Roster', props));
    expect(
      Object.keys(
        bare.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'roster-example-tenantResource' } }),
      ),
    ).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions in both stacks', () => {
    for (const stack of [example.roster, example.tenants]) {
      const report = new AwsSolutionsChecks(example.app).validateScope(stack);
      expect(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    }
  });
});
