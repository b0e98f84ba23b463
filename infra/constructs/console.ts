/**
 * The console and hosted pages in AWS: the built web/ in a private S3 bucket
 * behind CloudFront (origin access control), `/v1/*` and the docs routed to
 * the HTTP API on the same origin — so the pages call the API without CORS —
 * and every page served with the strict Content-Security-Policy the local
 * gateway sends (web/src/pages.ts). Page paths (/sign-in, /users, …) are
 * rewritten to index.html at the edge; anything else is an asset or a 404.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CfnResource,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_CSP, PAGE_PATHS } from '../../web/src/pages.ts';

export const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

export interface ConsoleProps {
  /** The HTTP API the `/v1/*` behaviour forwards to (its `$default` stage). */
  readonly httpApi: IHttpApi;
  /** The built console (`npm run build`). @default web/dist */
  readonly assets?: string;
  /**
   * The WAF v2 web ACL (CLOUDFRONT scope, from the us-east-1 `RosterEdgeStack`) holding the per-client
   * limits (infra/constructs/firewall.ts). @default none: only the stage's shared throttles apply
   */
  readonly webAclArn?: string;
}

/** CloudFront Function (viewer request): page paths → /index.html, generated from PAGE_PATHS. */
export function pagesRewriteCode(): string {
  return `var PAGES = ${JSON.stringify(PAGE_PATHS)};
function handler(event) {
  var request = event.request;
  var path = request.uri.length > 1 ? request.uri.replace(/\\/$/, '') : request.uri;
  if (PAGES.indexOf(path) !== -1) request.uri = '/index.html';
  return request;
}`;
}

export class RosterConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const assets = props.assets ?? WEB_DIST;
    if (!existsSync(join(assets, 'index.html'))) {
      throw new Error(`The console is not built (${assets} has no index.html): run \`npm run build\` first.`);
    }
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The build is re-deployed from the repository at every deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const headers = new ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Roster pages: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true }],
      },
    });

    const pages = new EdgeFunction(this, 'PagePaths', {
      comment: 'Roster: page paths answer with index.html',
      code: FunctionCode.fromInline(pagesRewriteCode()),
      runtime: FunctionRuntime.JS_2_0,
    });

    const api = new HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    const toApi = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header (Authorization, Idempotency-Key, If-Match) but Host, which must be the API's own.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Roster console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: pages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: { '/v1/*': toApi, '/scim/*': toApi, '/docs': toApi, '/docs/*': toApi },
      webAclId: props.webAclArn,
    });

    // The upload runs as a role of its own with inline grants only (no managed policies).
    const role = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Roster: uploads the console build and invalidates CloudFront',
    });
    const logs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logs.grantWrite(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [
          stack.formatArn({
            service: 'cloudfront',
            region: '',
            resource: 'distribution',
            resourceName: this.distribution.distributionId,
          }),
        ],
      }),
    );
    new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(assets)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      role,
      logGroup: logs,
      memoryLimit: 256,
    });

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of the console and is read by CloudFront alone (origin access control); every request reaches it through the distribution, so S3 access logs would repeat what CloudFront sees.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Roster serves its customers wherever they are; no country is to be blocked.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'API requests are logged by API Gateway (JSON access logs with retention); the rest is static assets. Standard logging needs an ACL-enabled bucket, which is not worth it for public files.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the TLS policy; with a custom domain set minimumProtocolVersion TLSv1.2_2021.',
      },
    );
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'Deployed without webAclArn: no per-client limits, only the stage throttles shared by all clients. Deploy RosterEdgeStack (npm run deploy:edge, us-east-1) and pass its WebAclArn output as -c webAclArn=… to attach them.',
      });
    }
    // CDK's upload helper is one function per stack, beside (not inside) this construct.
    for (const helper of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(helper).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The upload helper is CDK’s BucketDeployment function; aws-cdk-lib picks its runtime and updates it.',
      });
    }
    const bucketId = stack.resolve((this.bucket.node.defaultChild as CfnResource).logicalId);
    const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
    const qualifier =
      (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const stagingBucket = `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${pseudo(stack.account, 'AccountId')}-${pseudo(stack.region, 'Region')}/*`;
    const grants =
      'BucketDeployment grants its role what an upload needs: read of the CDK asset staging bucket, read/write/delete of objects in this console bucket (wildcarded S3 actions and `/*` object ARNs, as CDK grants them), and CloudFront invalidations; nothing outside those two buckets and this distribution.';
    Validations.of(role).acknowledge(
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        `Resource::<${bucketId}.Arn>/*`,
        `Resource::${stagingBucket}`,
        'Resource::*',
      ].map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: grants })),
    );
  }

  /** The console's URL: the default APP_URL (links in emails). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
