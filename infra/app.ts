/**
 * CDK entry point (`cdk synth`, `cdk deploy`). Settings come from context
 * (`cdk deploy -c stage=roster-dev -c mailFrom=no-reply@acme.com ...`):
 *
 * - `stage`      stack name, default `roster`
 * - `mailFrom`   sender of invitation/welcome emails, default `no-reply@example.com`
 * - `mailDomain` verify this domain in SES instead of the single address (optional)
 * - `appUrl`     base URL of the web app (email links, CORS), default the Console distribution's URL
 * - `console`    `false` to deploy the API without the console (then give `appUrl`)
 * - `invitationTtlSeconds`, `auditRetentionDays`  optional overrides
 * - `webAclArn`  the per-client limits' WAF web ACL (the `WebAclArn` output of the edge stack) for the console's
 *                CloudFront distribution; without it only the API stage's shared throttles apply
 *
 * `-c edge=true` synthesizes the edge stack alone instead (`npm run deploy:edge`): the CLOUDFRONT-scope WAF
 * web ACL, which AWS only creates in us-east-1, with the per-client limits — `clientWindowSeconds`
 * (60, 120, 300 or 600), `clientRequests` and `clientCredentialRequests` per client per window override the
 * defaults of infra/client-limits.ts. Deploy it first, then the main stack with its output as `webAclArn`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CLIENT_LIMITS } from './client-limits.ts';
import { RosterEdgeStack } from './constructs/firewall.ts';
import { ensureWebBuilt } from './local/web-build.ts';
import { RosterStack } from './stack.ts';

const app = new App();

function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
}

function numberContext(key: string): number | undefined {
  const value = context(key);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new Error(`Context ${key} must be a positive integer, got ${value}`);
  return parsed;
}

const stage = context('stage') ?? 'roster';
if (context('edge') === 'true') {
  new RosterEdgeStack(app, 'RosterEdge', {
    stackName: `${stage}-edge`,
    description: 'Roster edge: the per-client limits (WAF web ACL for the CloudFront distribution)',
    // CloudFront's web ACLs exist in us-east-1 only.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    limits: {
      windowSeconds: numberContext('clientWindowSeconds') ?? DEFAULT_CLIENT_LIMITS.windowSeconds,
      requests: numberContext('clientRequests') ?? DEFAULT_CLIENT_LIMITS.requests,
      credentialRequests: numberContext('clientCredentialRequests') ?? DEFAULT_CLIENT_LIMITS.credentialRequests,
    },
  });
} else {
  const withConsole = context('console') !== 'false';
  // The Console construct uploads web/dist: build it first when it is missing or stale.
  if (withConsole) await ensureWebBuilt((line) => console.error(line));

  new RosterStack(app, 'Roster', {
    stackName: stage,
    description: 'Roster: team and access backend (tenants, members, roles, teams, assignment, audit)',
    mailFrom: context('mailFrom') ?? 'no-reply@example.com',
    mailDomain: context('mailDomain'),
    appUrl: context('appUrl'),
    console: withConsole,
    invitationTtlSeconds: numberContext('invitationTtlSeconds'),
    auditRetentionDays: numberContext('auditRetentionDays'),
    webAclArn: context('webAclArn'),
  });
}

// cdk-nag v3 is a policy-validation plugin: violations fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
