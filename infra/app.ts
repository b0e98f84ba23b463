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
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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

const withConsole = context('console') !== 'false';
// The Console construct uploads web/dist: build it first when it is missing or stale.
if (withConsole) await ensureWebBuilt((line) => console.error(line));

new RosterStack(app, 'Roster', {
  stackName: context('stage') ?? 'roster',
  description: 'Roster: team and access backend (tenants, members, roles, teams, assignment, audit)',
  mailFrom: context('mailFrom') ?? 'no-reply@example.com',
  mailDomain: context('mailDomain'),
  appUrl: context('appUrl'),
  console: withConsole,
  invitationTtlSeconds: numberContext('invitationTtlSeconds'),
  auditRetentionDays: numberContext('auditRetentionDays'),
});

// cdk-nag v3 is a policy-validation plugin: violations fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
