/**
 * The Roster stack: table, user pool, mail identity, and the API, jobs and
 * user pool triggers generated from the route table, and the event bus the
 * table's audit items are piped to. Environment-agnostic: it synthesizes
 * offline, and the account/region are those of the deployment.
 */
import { CfnOutput, Lazy, NestedStack, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CONFIG_VARIABLES } from '../lib/config.ts';
import { JOBS, ROUTES, TRIGGERS, type Uses } from '../lib/http/routes.ts';
import { RosterApi } from './constructs/api.ts';
import { RosterAuth } from './constructs/auth.ts';
import { RosterConsole } from './constructs/console.ts';
import { RosterEvents } from './constructs/events.ts';
import { validWebAclArn } from './constructs/firewall.ts';
import type { FunctionResources } from './constructs/functions.ts';
import { RosterJobs } from './constructs/jobs.ts';
import { RosterMail } from './constructs/mail.ts';
import { RosterTable } from './constructs/table.ts';
import type { TenantHost } from './constructs/tenant.ts';
import { TenantProvider } from './constructs/tenant-provider.ts';
import { RosterTriggers } from './constructs/triggers.ts';

export interface RosterStackProps extends StackProps {
  /** Sender address of invitation and welcome emails. */
  readonly mailFrom: string;
  /** Verify this whole domain in SES instead of the single sender address. */
  readonly mailDomain?: string;
  /**
   * Base URL of the web app: links in emails, and the API's CORS origin.
   * @default the Console distribution's URL (same origin as the API: no CORS)
   */
  readonly appUrl?: string;
  /** Serve the console and hosted pages (web/dist) through CloudFront, the API under /v1. @default true */
  readonly console?: boolean;
  /** @default 604800 (7 days) */
  readonly invitationTtlSeconds?: number;
  /** Least seconds between two sends of one invitation (default 60). */
  readonly invitationResendIntervalSeconds?: number;
  /** @default 365 */
  readonly auditRetentionDays?: number;
  /**
   * The per-client limits' WAF web ACL for the console's distribution: the `WebAclArn` output of
   * `RosterEdgeStack` (us-east-1). @default none (the console is deployed without per-client limits)
   */
  readonly webAclArn?: string;
}

type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export class RosterStack extends Stack implements TenantHost {
  private readonly resources: FunctionResources;
  private tenantProvider?: TenantProvider;

  constructor(scope: Construct, id: string, props: RosterStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'roster');

    const operations: readonly { uses: Uses }[] = [...ROUTES, ...JOBS, ...TRIGGERS];
    const { table } = new RosterTable(this, 'Data');
    const auth = new RosterAuth(this, 'Auth', {
      adminAuthFlow: operations.some((op) => op.uses.identity?.includes('AdminInitiateAuth')),
    });
    const mail = new RosterMail(this, 'Mail', { from: props.mailFrom, domain: props.mailDomain });

    let consoleSite: RosterConsole | undefined;
    const appUrl =
      props.appUrl ??
      Lazy.string({
        produce: () => {
          if (!consoleSite) throw new Error('RosterStack: give appUrl when console is false');
          return consoleSite.url;
        },
      });

    // A Record over the config type: adding a variable to lib/config.ts fails
    // the typecheck here until the stack provides it.
    const environment: Record<ConfigVariable, string> = {
      TABLE_NAME: table.tableName,
      USER_POOL_ID: auth.userPool.userPoolId,
      USER_POOL_CLIENT_ID: auth.client.userPoolClientId,
      USER_POOL_ISSUER: auth.issuer,
      MAIL_FROM: mail.from,
      APP_URL: appUrl,
      SENDER_KEY_ARN: auth.senderKey.keyArn,
      INVITATION_TTL_SECONDS: String(props.invitationTtlSeconds ?? 604_800),
      INVITATION_RESEND_INTERVAL_SECONDS: String(props.invitationResendIntervalSeconds ?? 60),
      AUDIT_RETENTION_DAYS: String(props.auditRetentionDays ?? 365),
    };
    const resources = { table, userPool: auth.userPool, mail: mail.identity, senderKey: auth.senderKey, environment };
    this.resources = resources;

    const api = new RosterApi(this, 'Api', {
      routes: ROUTES,
      resources,
      jwt: { issuer: auth.issuer, audience: auth.client.userPoolClientId },
      // Served from the Console's own origin, the API needs no CORS.
      corsOrigins: props.appUrl ? [new URL(props.appUrl).origin] : [],
    });
    if (props.webAclArn && !(props.console ?? true)) {
      throw new Error('RosterStack: webAclArn goes on the console’s distribution; it needs the console');
    }
    if (props.console ?? true) {
      // A nested stack of its own, like each area of the API: the parent keeps what is shared.
      const site = new NestedStack(this, 'Console', { description: 'Roster console: S3 assets behind CloudFront' });
      consoleSite = new RosterConsole(site, 'Site', {
        httpApi: api.httpApi,
        webAclArn: props.webAclArn && validWebAclArn(props.webAclArn),
      });
    }
    const jobs = new RosterJobs(this, 'Jobs', { jobs: JOBS, resources });
    new RosterTriggers(this, 'Triggers', { triggers: TRIGGERS, userPool: auth.userPool, resources });
    const events = new RosterEvents(this, 'Events', {
      table,
      resources,
      webhookSweep: jobs.functions.get('deliverWebhooks'),
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    if (consoleSite) new CfnOutput(this, 'ConsoleUrl', { value: consoleSite.url });
    new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: auth.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
  }

  /** The custom resource provider of `Tenant` constructs (infra/constructs/tenant.ts), made with the first one. */
  tenantServiceToken(): string {
    this.tenantProvider ??= new TenantProvider(this, 'TenantProvider', { resources: this.resources });
    return this.tenantProvider.serviceToken;
  }
}
