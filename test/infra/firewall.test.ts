/**
 * Per-client limits in AWS: the CLOUDFRONT-scope WAF web ACL of the edge
 * stack (us-east-1) and the console distribution that takes its ARN.
 * Bundling skipped: only the wiring is under test.
 */
import { App, type NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_PATH_PREFIXES,
  DEFAULT_CLIENT_LIMITS,
  TOO_MANY_REQUESTS_PROBLEM,
} from '../../infra/client-limits.ts';
import { RosterEdgeStack, RosterFirewall } from '../../infra/constructs/firewall.ts';
import { RosterStack } from '../../infra/stack.ts';

const unbundled = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const WEB_ACL_ARN =
  'arn:aws:wafv2:us-east-1:123456789012:global/webacl/roster-edge/0f1e2d3c-aaaa-bbbb-cccc-123456789abc';

function nag(app: App, scope: Stack): string[] {
  return new AwsSolutionsChecks(app)
    .validateScope(scope)
    .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

describe('RosterEdgeStack', () => {
  const app = unbundled();
  const edge = new RosterEdgeStack(app, 'Edge', { env: { region: 'us-east-1' } });
  const template = Template.fromStack(edge);
  const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  // biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON; the assertions are its type check.
  type Json = any;
  const rules = acl?.Properties.Rules as { Name: string; Priority: number; Statement: Json; Action: Json }[];

  it('is one CLOUDFRONT-scope web ACL that allows by default, its ARN an output', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(acl?.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    template.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
  });

  it('limits each client IP on the credential paths first, then on every path, over the same window', () => {
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'credential-paths-per-client'],
      [1, 'all-paths-per-client'],
    ]);
    const [credential, all] = rules.map((r) => r.Statement.RateBasedStatement);
    expect(credential).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: DEFAULT_CLIENT_LIMITS.credentialRequests,
      EvaluationWindowSec: DEFAULT_CLIENT_LIMITS.windowSeconds,
    });
    const prefixes = credential.ScopeDownStatement.OrStatement.Statements.map(
      (s: { ByteMatchStatement: { SearchString: string; PositionalConstraint: string; FieldToMatch: object } }) => {
        expect(s.ByteMatchStatement).toMatchObject({
          PositionalConstraint: 'STARTS_WITH',
          FieldToMatch: { UriPath: {} },
        });
        return s.ByteMatchStatement.SearchString;
      },
    );
    expect(prefixes).toEqual(['/v1/auth/', '/v1/invitations/']);
    expect(prefixes).toEqual(CREDENTIAL_PATH_PREFIXES);
    expect(all).toEqual({
      AggregateKeyType: 'IP',
      Limit: DEFAULT_CLIENT_LIMITS.requests,
      EvaluationWindowSec: DEFAULT_CLIENT_LIMITS.windowSeconds,
    });
    expect(credential.Limit).toBeLessThan(all.Limit);
  });

  it('answers a limited client 429 with the problem document and Retry-After', () => {
    for (const rule of rules) {
      expect(rule.Action.Block.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'too-many-requests',
        ResponseHeaders: [{ Name: 'Retry-After', Value: String(DEFAULT_CLIENT_LIMITS.windowSeconds) }],
      });
    }
    const body = acl?.Properties.CustomResponseBodies['too-many-requests'];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual(TOO_MANY_REQUESTS_PROBLEM);
  });

  it('takes its limits from settings, within what WAF accepts', () => {
    const stack = new Stack(unbundled(), 'E', { env: { region: 'us-east-1' } });
    new RosterFirewall(stack, 'F', { limits: { windowSeconds: 300, requests: 3000, credentialRequests: 100 } });
    const [custom] = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'));
    expect(custom?.Properties.Rules[0].Statement.RateBasedStatement).toMatchObject({
      Limit: 100,
      EvaluationWindowSec: 300,
    });
    const make = (limits: { windowSeconds: number; requests: number; credentialRequests: number }) => () =>
      new RosterFirewall(new Stack(unbundled(), 'X', { env: { region: 'us-east-1' } }), 'F', { limits });
    expect(make({ windowSeconds: 45, requests: 600, credentialRequests: 60 })).toThrow(/60, 120, 300, 600/);
    expect(make({ windowSeconds: 60, requests: 600, credentialRequests: 5 })).toThrow(/10 or more/);
    expect(make({ windowSeconds: 60, requests: 50, credentialRequests: 60 })).toThrow(/cannot exceed/);
  });

  it('refuses any region but us-east-1 (CloudFront’s web ACLs live there)', () => {
    const stack = new Stack(unbundled(), 'Elsewhere', { env: { region: 'eu-west-1' } });
    expect(() => new RosterFirewall(stack, 'F')).toThrow(/us-east-1/);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(nag(app, edge)).toEqual([]);
  });
});

describe('the console distribution with and without the web ACL', () => {
  const distributionOf = (stack: RosterStack) => {
    const nested = stack.node.findChild('Console') as NestedStack;
    const [distribution] = Object.values(Template.fromStack(nested).findResources('AWS::CloudFront::Distribution'));
    return distribution?.Properties.DistributionConfig;
  };

  it('attaches the web ACL given as webAclArn, and cdk-nag needs no acknowledgement for it', () => {
    const app = unbundled();
    const stack = new RosterStack(app, 'Roster', {
      stackName: 'roster-waf-test',
      mailFrom: 'no-reply@example.com',
      webAclArn: WEB_ACL_ARN,
    });
    expect(distributionOf(stack).WebACLId).toBe(WEB_ACL_ARN);
    expect(nag(app, stack)).toEqual([]);
    const acknowledged = JSON.stringify(stack.node.findAll().flatMap((c) => c.node.metadata.map((m) => m.data)));
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
  });

  it('goes without one only when none is given (the acknowledgement says how to attach it)', () => {
    const app = unbundled();
    const stack = new RosterStack(app, 'Roster', { stackName: 'roster-nowaf-test', mailFrom: 'no-reply@example.com' });
    expect(distributionOf(stack).WebACLId).toBeUndefined();
    expect(nag(app, stack)).toEqual([]);
  });

  it('refuses an ARN that is not a CloudFront web ACL’s, and a web ACL without the console', () => {
    const regional = WEB_ACL_ARN.replace('us-east-1', 'eu-west-1').replace('global/', 'regional/');
    expect(() => new RosterStack(unbundled(), 'R', { mailFrom: 'a@example.com', webAclArn: regional })).toThrow(
      /CloudFront/,
    );
    expect(
      () =>
        new RosterStack(unbundled(), 'R', {
          mailFrom: 'a@example.com',
          appUrl: 'https://app.example.com',
          console: false,
          webAclArn: WEB_ACL_ARN,
        }),
    ).toThrow(/needs the console/);
  });
});
