/**
 * The Console construct: the built web/ in a private bucket behind
 * CloudFront (origin access control), `/v1/*` and the docs to the HTTP API on
 * the same origin, page paths rewritten to index.html at the edge, the pages'
 * CSP; and in the stack, APP_URL defaulting to the distribution's URL with no
 * CORS. Bundling skipped: only the wiring is under test.
 */
import { runInNewContext } from 'node:vm';
import { App, type NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagesRewriteCode, RosterConsole } from '../../infra/constructs/console.ts';
import { RosterStack } from '../../infra/stack.ts';
import { CONSOLE_CSP, PAGE_PATHS } from '../../web/src/pages.ts';
import { flatten } from './templates.ts';

// CloudFront's managed policies.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const unbundled = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

function findings(scope: IConstruct, app: App): string[] {
  return new AwsSolutionsChecks(app)
    .validateScope(scope)
    .violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
}

function acknowledgements(scope: IConstruct): [string, string][] {
  const found: [string, string][] = [];
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        found.push(...Object.entries(entry.data as Record<string, string>));
      }
    }
    node.node.children.forEach(visit);
  };
  visit(scope);
  return found;
}

describe('RosterConsole', () => {
  let app: App;
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    app = unbundled();
    stack = new Stack(app, 'Test', { stackName: 'test', env: { region: 'eu-west-1' } });
    const httpApi = new HttpApi(stack, 'Api');
    new RosterConsole(stack, 'Console', { httpApi });
    template = Template.fromStack(stack);
  });

  it('keeps the assets in a private, encrypted, TLS-only bucket that only the distribution reads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const policies = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toContain('cloudfront.amazonaws.com');
    expect(policies).toContain('aws:SecureTransport');
    expect(policies).toContain('AWS:SourceArn');
  });

  it('serves the pages with their CSP, page paths rewritten to index.html, HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: CONSOLE_CSP, Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
  });

  it('routes /v1/*, /scim/* (an IdP’s SCIM base URL on the console’s origin) and the docs to the HTTP API, uncached, every viewer header but Host forwarded', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution?.Properties.DistributionConfig;
    const behaviors = config.CacheBehaviors as Record<string, unknown>[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/docs', '/docs/*', '/scim/*', '/v1/*']);
    for (const b of behaviors) {
      expect(b).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      });
    }
    const apiOrigin = (config.Origins as { Id: string; DomainName: unknown }[]).find(
      (o) => o.Id === behaviors[0]?.TargetOriginId,
    );
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('.execute-api.eu-west-1.');
  });

  it('rewrites exactly the page paths (the CloudFront function, run here)', () => {
    const rewrite = (uri: string): string => {
      const context: { result?: { uri: string } } = {};
      runInNewContext(
        `${pagesRewriteCode()}\nresult = handler({ request: { uri: ${JSON.stringify(uri)} } });`,
        context,
      );
      return context.result?.uri ?? '';
    };
    for (const page of PAGE_PATHS) expect(rewrite(page)).toBe('/index.html');
    expect(rewrite('/users/')).toBe('/index.html');
    expect(rewrite('/accept-invitation')).toBe('/index.html');
    expect(rewrite('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(rewrite('/v1/health')).toBe('/v1/health');
    expect(rewrite('/favicon.svg')).toBe('/favicon.svg');
  });

  it('uploads the build with a role of its own that has no managed policies', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: true, DistributionPaths: ['/*'] });
  });

  it('passes cdk-nag AwsSolutions, every acknowledged rule with a reason', () => {
    // The stand-in API's own findings are not the console's.
    const ours = findings(stack, app).filter((f) => !f.includes(' at Test/Api/'));
    expect(ours).toEqual([]);
    for (const [rule, reason] of acknowledgements(stack)) expect(reason.length, rule).toBeGreaterThan(40);
  });
});

describe('RosterStack with the console', () => {
  let app: App;
  let template: Template;
  let stack: RosterStack;

  beforeAll(() => {
    app = unbundled();
    stack = new RosterStack(app, 'Roster', { stackName: 'roster-console-test', mailFrom: 'no-reply@example.com' });
    template = Template.fromStack(stack);
  });

  it('defaults APP_URL (links in emails) to the distribution’s URL, for every function', () => {
    // The console is a nested stack of its own, and so is each area of the API (their functions among them).
    const consoleStack = stack.node.findChild('Console') as NestedStack;
    const nestedId = stack.resolve(consoleStack.nestedStackResource?.logicalId);
    expect(Object.keys(template.findResources('AWS::CloudFormation::Stack'))).toContain(nestedId);
    const functions = Object.values(flatten(stack).resources).filter(
      (fn) => fn.Type === 'AWS::Lambda::Function' && fn.Properties.Environment?.Variables?.TABLE_NAME,
    );
    expect(functions.length).toBeGreaterThan(10);
    const appUrls = new Set(functions.map((fn) => JSON.stringify(fn.Properties.Environment.Variables.APP_URL)));
    expect(appUrls.size).toBe(1);
    const [appUrl] = [...appUrls].map((u) => JSON.parse(u));
    expect(appUrl).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [nestedId, expect.stringMatching(/^Outputs\..*Distribution\w*DomainName$/)] }],
      ],
    });
    template.hasOutput('ConsoleUrl', { Value: appUrl });
  });

  it('keeps the stack under CloudFormation’s 500 resources, the console’s in its own nested stack', () => {
    expect(Object.keys(template.toJSON().Resources).length).toBeLessThan(500);
    expect(template.findResources('AWS::CloudFront::Distribution')).toEqual({});
    const nested = stack.node.findChild('Console') as NestedStack;
    Template.fromStack(nested).resourceCountIs('AWS::CloudFront::Distribution', 1);
  });

  it('has no CORS on the API: the pages call it on their own origin', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('passes cdk-nag AwsSolutions as a whole', () => {
    expect(findings(stack, app)).toEqual([]);
  });
});
