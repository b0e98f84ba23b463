/**
 * The HTTP API, generated from the route table: one function per route (a
 * platform twin shares its row's function), the route's auth kind mapped to
 * an authorizer, a throttled `$default` stage with JSON access logs, and a
 * stricter throttle of its own on every public route that takes a credential
 * or a token.
 *
 * The API itself (HttpApi, stage, access logs, the user routes' Lambda
 * authorizer and its function) lives in the
 * parent stack; each route's function, route, integration and invoke
 * permission live in its area's nested stack (infra/constructs/areas.ts), so
 * the parent template does not grow with the operations.
 */
import { Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SCIM_AUTHORIZER_TTL_SECONDS } from '../../lib/domain/scim/tokens.ts';
import type { AuthKind, RouteDef } from '../../lib/http/routes.ts';
import { API_AREAS, type ApiArea, areaOf } from './areas.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

export interface ApiProps {
  readonly routes: readonly RouteDef[];
  readonly resources: FunctionResources;
  /** Cognito issuer URL and the app client id tokens must be issued to. */
  readonly jwt: { readonly issuer: string; readonly audience: string };
  /** Browser origins allowed to call the API (the web app). */
  readonly corsOrigins: readonly string[];
  /** @default 50 requests/s steady, bursts of 100 */
  readonly throttle?: ThrottleSettings;
  /**
   * Each credential route's own limit (see `takesCredentials`). Both values
   * are required, so no route depends on how API Gateway fills a partial
   * route setting.
   * @default 10 requests/s steady, bursts of 20
   */
  readonly credentialThrottle?: Required<ThrottleSettings>;
  /** The nested stacks routes are split into. @default API_AREAS */
  readonly areas?: readonly ApiArea[];
  /** How long API Gateway keeps the user authorizer's answer per Authorization header. @default 5 minutes */
  readonly authorizerCacheTtl?: Duration;
}

/**
 * A public route that takes a credential or a token — a password, a refresh
 * token, a reset code, an invitation token: one that reaches Cognito or the
 * table with no caller identity, so one where a guess can be tried. The
 * liveness and API-document routes reach neither and keep the stage default.
 */
export function takesCredentials(route: RouteDef): boolean {
  const { table, authFlows, identity } = route.uses;
  return route.auth === 'public' && Boolean(table || authFlows || identity?.length);
}

/** What API Gateway logs per request ($context variables of HTTP APIs). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  userAgent: '$context.identity.userAgent',
};

export class RosterApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly functions: ReadonlyMap<string, RosterFunction>;
  /** The user routes' Lambda authorizer (a person's JWT or an API key). */
  readonly authorizerFunction: RosterFunction;
  /** The nested stack of each area that has routes, by area id. */
  readonly areas: ReadonlyMap<string, NestedStack>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Roster: tenants, members, roles, teams, assignment, audit',
      createDefaultStage: false,
      // No origins: same-origin callers only (the Console serves the API under /v1), no CORS at all.
      corsPreflight:
        props.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-correlation-id'],
              exposeHeaders: ['etag', 'location'],
              maxAge: Duration.hours(1),
            },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // The user routes' authorizer (docs/architecture.md, "API keys"): a person's Cognito JWT, checked as the
    // HTTP API JWT authorizer did (issuer, audience = the app client, expiry, signature), or a live API key.
    // Its answer is cached per Authorization header; a route re-reads the key (revocation is immediate) and
    // refuses a JWT that expired since the answer was cached.
    this.authorizerFunction = new RosterFunction(this, 'authorizeRequest', {
      entry: 'functions/authorizer/authorize.ts',
      uses: { table: 'read' },
      resources: props.resources,
      description: `Authorizer of the user routes: a Cognito JWT of ${props.jwt.audience} from ${props.jwt.issuer}, or a live API key`,
      timeout: Duration.seconds(5),
    });
    const authorizers: Partial<Record<AuthKind, IHttpRouteAuthorizer>> = {
      public: new HttpNoneAuthorizer(),
      // One authorizer for every area: a route binds it in the HttpApi's scope, so it is the parent's.
      user: new HttpLambdaAuthorizer('UserOrApiKey', this.authorizerFunction.fn, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
      }),
      platform: new HttpIamAuthorizer(),
    };
    // The /scim/v2 routes: a Lambda REQUEST authorizer of its own (created with the first such route), which
    // refuses anything but a live SCIM token before a route's function runs; its answer is cached per
    // Authorization header, and the route's function re-reads the token item (revocation: the next request).
    const authorizerFor = (kind: AuthKind): IHttpRouteAuthorizer => {
      if (kind === 'scim' && !authorizers.scim) {
        const check = new RosterFunction(this, 'scimAuthorizer', {
          entry: 'functions/authorizers/scim.ts',
          uses: { table: 'read' },
          resources: props.resources,
          description: 'The SCIM token authorizer of the /scim/v2 routes',
        });
        authorizers.scim = new HttpLambdaAuthorizer('ScimToken', check.fn, {
          responseTypes: [HttpLambdaResponseType.SIMPLE],
          identitySource: ['$request.header.Authorization'],
          resultsCacheTtl: Duration.seconds(SCIM_AUTHORIZER_TTL_SECONDS),
        });
      }
      return authorizers[kind] as IHttpRouteAuthorizer;
    };

    const credentialThrottle = props.credentialThrottle ?? { rateLimit: 10, burstLimit: 20 };
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const stage = this.stage.node.defaultChild as CfnStage;

    const areas = new Map<string, NestedStack>();
    const areaStack = (route: RouteDef): NestedStack => {
      const area = areaOf(route, props.areas ?? API_AREAS);
      let nested = areas.get(area.id);
      if (!nested) {
        nested = new NestedStack(this, area.id, { description: `Roster API: ${area.description}` });
        areas.set(area.id, nested);
      }
      return nested;
    };

    const functions = new Map<string, RosterFunction>();
    for (const route of props.routes) {
      const scope = areaStack(route);
      // A platform twin is served by its row's function (same handler), behind the IAM authorizer.
      const twinned = route.twinOf ? functions.get(route.twinOf) : undefined;
      if (twinned && Stack.of(twinned) !== scope) {
        throw new Error(`Route ${route.id} is a twin of ${route.twinOf} but would live in another area`);
      }
      const fn =
        twinned ??
        new RosterFunction(scope, route.id, {
          entry: route.entry,
          uses: route.uses,
          resources: props.resources,
          description: `${route.method} ${route.path}: ${route.summary}`,
          packageFiles: route.packageFiles,
        });
      functions.set(route.id, fn);
      const routeKey = HttpRouteKey.with(route.path, HttpMethod[route.method]);
      // The route, its integration and the function's invoke permission (source ARN: this API, this path)
      // live beside the function, in the area's stack; the API and the authorizer are the parent's.
      const httpRoute = new HttpRoute(scope, `${route.id}Route`, {
        httpApi: this.httpApi,
        routeKey,
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.fn),
        authorizer: authorizerFor(route.auth),
      });
      if (route.auth === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (liveness, API document and reference page, sign-in, invitation by token): it authenticates by its body where it must, and the stage throttles it (credential routes more strictly).`,
        });
      }
      if (takesCredentials(route)) {
        routeSettings[routeKey.key] = {
          ThrottlingRateLimit: credentialThrottle.rateLimit,
          ThrottlingBurstLimit: credentialThrottle.burstLimit,
        };
        // A stage's route settings may only name routes that already exist (across stacks: the stage
        // waits for the area's nested stack).
        stage.addResourceDependency(httpRoute.node.defaultChild as CfnRoute);
      }
    }
    // The limits hold per route for all clients together (API Gateway has no per-client throttle).
    if (Object.keys(routeSettings).length) stage.routeSettings = routeSettings;
    this.functions = functions;
    this.areas = areas;
  }

  get url(): string {
    // A `$default` stage always has a URL.
    return this.stage.url;
  }
}
