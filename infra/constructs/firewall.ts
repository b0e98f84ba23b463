/**
 * Per-client limits in AWS: a WAF v2 web ACL (scope CLOUDFRONT) with
 * rate-based rules keyed on the client's IP address — one on the credential
 * paths, stricter, and one on every path — answering a limited client 429
 * with Roster's problem document and `Retry-After`. API Gateway's HTTP APIs
 * take no WAF and throttle per route for all clients together; the web ACL
 * goes on the CloudFront distribution that fronts the API and the console.
 *
 * A CLOUDFRONT-scope web ACL can only be created in us-east-1, so it lives in
 * a stack of its own there (`RosterEdgeStack`, `npm run deploy:edge`); the
 * main stack takes its ARN as the `webAclArn` setting (infra/app.ts).
 */
import { CfnOutput, Stack, type StackProps, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  type ClientLimits,
  CREDENTIAL_PATH_PREFIXES,
  DEFAULT_CLIENT_LIMITS,
  TOO_MANY_REQUESTS_PROBLEM,
  validClientLimits,
  WAF_WINDOWS,
} from '../client-limits.ts';

/** WAF's least limit of a rate-based rule. */
const WAF_MIN_LIMIT = 10;
const BODY_KEY = 'too-many-requests';

export interface FirewallProps {
  /** @default DEFAULT_CLIENT_LIMITS */
  readonly limits?: ClientLimits;
}

export class RosterFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps = {}) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`A CloudFront web ACL must be created in us-east-1, not ${region}`);
    }
    const limits = validClientLimits(props.limits ?? DEFAULT_CLIENT_LIMITS, 'RosterFirewall');
    if (!WAF_WINDOWS.includes(limits.windowSeconds)) {
      throw new Error(`RosterFirewall: WAF evaluates windows of ${WAF_WINDOWS.join(', ')} seconds only`);
    }
    if (limits.credentialRequests < WAF_MIN_LIMIT) {
      throw new Error(`RosterFirewall: WAF's rate-based rules take limits of ${WAF_MIN_LIMIT} or more`);
    }

    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const tooMany: CfnWebACL.RuleActionProperty = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: BODY_KEY,
          // WAF counts over a sliding window: a full window is when the client is surely below the limit again.
          responseHeaders: [{ name: 'Retry-After', value: String(limits.windowSeconds) }],
        },
      },
    };
    const perIp = (limit: number, scopeDownStatement?: CfnWebACL.StatementProperty): CfnWebACL.StatementProperty => ({
      rateBasedStatement: {
        limit,
        evaluationWindowSec: limits.windowSeconds,
        aggregateKeyType: 'IP',
        scopeDownStatement,
      },
    });
    const startsWith = (prefix: string): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: prefix,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const credentialPaths =
      CREDENTIAL_PATH_PREFIXES.length === 1
        ? startsWith(CREDENTIAL_PATH_PREFIXES[0] as string)
        : { orStatement: { statements: CREDENTIAL_PATH_PREFIXES.map(startsWith) } };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: 'Roster per-client request limits by IP, stricter on sign-in, tokens and invitations',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('roster-web-acl'),
      customResponseBodies: {
        [BODY_KEY]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(TOO_MANY_REQUESTS_PROBLEM) },
      },
      rules: [
        {
          name: 'credential-paths-per-client',
          priority: 0,
          action: tooMany,
          statement: perIp(limits.credentialRequests, credentialPaths),
          visibilityConfig: visibility('roster-credential-paths-per-client'),
        },
        {
          name: 'all-paths-per-client',
          priority: 1,
          action: tooMany,
          statement: perIp(limits.requests),
          visibilityConfig: visibility('roster-all-paths-per-client'),
        },
      ],
    });
  }

  get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}

export interface RosterEdgeStackProps extends StackProps {
  readonly limits?: ClientLimits;
}

/** The web ACL's own stack, in us-east-1 (CloudFront's WAF region); its output is the main stack's `webAclArn`. */
export class RosterEdgeStack extends Stack {
  readonly firewall: RosterFirewall;

  constructor(scope: Construct, id: string, props: RosterEdgeStackProps = {}) {
    super(scope, id, props);
    this.firewall = new RosterFirewall(this, 'Firewall', { limits: props.limits });
    new CfnOutput(this, 'WebAclArn', {
      value: this.firewall.webAclArn,
      description: 'Give it to the main stack: cdk deploy -c webAclArn=<this>',
    });
  }
}

/** A CloudFront-scope WAF v2 web ACL ARN (`arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`). */
export function validWebAclArn(arn: string): string {
  if (!/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(arn)) {
    throw new Error(`webAclArn must be the ARN of a CloudFront (global, us-east-1) WAF v2 web ACL, got ${arn}`);
  }
  return arn;
}
