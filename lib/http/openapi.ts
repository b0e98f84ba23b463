/**
 * The OpenAPI 3.1 document, generated (zod-openapi) from the route table, the
 * request schemas each handler carries (`handler.schemas`), the response
 * views (views.ts) and the per-operation notes (operations.ts). Run at build
 * time by `npm run openapi`; the deployed function serves the written file.
 */

import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import type { ErrorCode } from '../domain/errors.ts';
import { describeRequestFields } from './fields.ts';
import { MFA_EXEMPT_ROUTES } from './middleware/authorize.ts';
import { OPERATIONS, type OperationDoc } from './operations.ts';
import { PROBLEM_STATUS, problemType } from './problems.ts';
import { isTenantRoute, type RouteSchemas } from './route.ts';
import type { RouteDef } from './routes.ts';
import { IdempotencyKey } from './schemas.ts';
import { ScimErrorView } from './scim-views.ts';
import { GatewayMessage, Problem } from './views.ts';
import { EVENT_SCHEMAS } from './webhook-views.ts';

const TAGS: Record<string, string> = {
  meta: 'Liveness, this document and its reference page',
  auth: 'Sign-in, tokens and passwords (Cognito behind the API)',
  invitations: 'Invitations: invite by email, preview and accept by token',
  tenants: 'The tenant as its members see it',
  users: 'Members: listing, direct creation, editing and lifecycle',
  roles: 'The permission catalogue and custom roles',
  audit: 'The audit trail',
  webhooks: 'Webhook endpoints, their deliveries, and the events feed',
  platform: 'The SaaS operator: provisioning and re-planning tenants (IAM)',
  inbox:
    'The inbox backend, a machine: twins of the conversation, queue, team, member and availability routes under /v1/platform/tenants/{tenantId} (IAM), same handlers, audited with the platform principal as actor',
};

const DESCRIPTION = `Roster is the team and access backend of a customer-messaging product: tenants,
members and invitations, roles and permissions, and the audit trail.

**Auth.** *User* operations take a Cognito JWT (\`Authorization: Bearer …\` from \`POST /v1/auth/login\`);
API Gateway answers 401 \`{"message": "Unauthorized"}\` without one. Permissions are read live on every
request. A caller who is not a member of a tenant gets 404 for its resources. A tenant's *API key*
(\`Authorization: Bearer rst_…\`, made with \`POST /v1/tenants/{tenantId}/api-keys\`) works on that tenant's
routes as a member holding exactly its permissions would; routes for a person (their own account and
membership, claiming a conversation, creating keys) answer it 403, and a revoked or expired key is 401. *Platform* operations are
IAM-authorised (AWS Signature Version 4, service \`execute-api\`); the local stack takes the header
\`x-platform-key\` instead.

**Errors** are RFC 9457 \`application/problem+json\` documents with a stable \`code\`; validation problems list
each invalid field in \`errors\`. **Lists** take \`limit\` (1–100) and an opaque \`cursor\` and answer
\`{ items, nextCursor }\`. Single resources carry an \`ETag\`; \`PATCH\` honours \`If-Match\` (412 when stale).
Creating \`POST\`s accept an \`Idempotency-Key\`.

**The inbox backend** (the messaging product's own server, which receives the WhatsApp or email message)
is a machine: it assigns, resolves and reads queues through the *Inbox* twins of the tenant routes, under
\`/v1/platform/tenants/{tenantId}/…\`, with platform credentials. Each twin runs the same handler and rules
as its tenant route, holds exactly the permissions its route-table row grants the platform, and is audited
with the platform principal as actor.

**Queues drain themselves.** A team conversation nobody can take waits in the team's queue
(\`GET …/teams/{teamId}/queue\`, oldest first). Whatever makes room — a member online, added or reactivated,
a conversation resolved, handed back or reassigned away, a raised capacity or a changed strategy — hands
the oldest waiting conversations to the strategy's picks in the same request; the release job finishes
longer drains. Every automatic pick's audit item records the strategy's decision.

**Events.** Every change recorded in the audit trail is also published on the Roster EventBridge bus:
source \`roster\`, detail-type = the audit action (e.g. \`member.invited\`), detail = the audit event.
A tenant receives the same events as signed webhooks (Standard Webhooks: \`webhook-id\`, \`webhook-timestamp\`,
\`webhook-signature\`; retried for about 28 hours) on the endpoints it registers, or polls them from
\`GET /v1/tenants/{tenantId}/events?after=\`; each event type's envelope is in this document's \`webhooks\` section.`;

const SECURITY_SCHEMES = {
  cognitoJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito access or id token from POST /v1/auth/login.',
  },
  awsSigV4: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'AWS Signature Version 4 over the request (service `execute-api`) with IAM credentials allowed to invoke the API. `npm run tenant` signs with the default credential chain.',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
  scimToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A tenant’s SCIM token (`rsc_…`, from POST /v1/tenants/{tenantId}/scim/tokens): the identity provider’s credential for /scim/v2.',
  },
  platformKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-platform-key',
    description: 'The local stack only: the key `npm start` prints (ROSTER_PLATFORM_KEY).',
  },
} as const;

const SECURITY: Record<RouteDef['auth'], Record<string, string[]>[]> = {
  public: [],
  user: [{ cognitoJwt: [] }],
  platform: [{ awsSigV4: [] }, { platformKey: [] }],
  scim: [{ scimToken: [] }],
};

export interface ApiInfo {
  version: string;
}

/** The document for these handlers' routes (one operation per route, in table order). */
export function buildOpenApi(handlers: readonly RouteSchemas[], info: ApiInfo) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const schemas of handlers) {
    const { route } = schemas;
    const doc = OPERATIONS[route.twinOf ?? route.id];
    if (!doc) throw new Error(`lib/http/operations.ts has no entry for route ${route.id}`);
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operation(
      schemas,
      doc,
    );
  }
  const tags = [...new Set(handlers.map(({ route }) => areaOf(route)))].map((name) => ({
    name,
    description: TAGS[name.toLowerCase()] ?? name,
  }));
  const document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Roster API',
      version: info.version,
      description: DESCRIPTION,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The API serving this document' }],
    tags,
    paths,
    webhooks: eventWebhooks(),
    components: { securitySchemes: SECURITY_SCHEMES },
  });
  // A copy as plain JSON: the generator may share one schema object between operations.
  const plain = JSON.parse(JSON.stringify(document)) as typeof document;
  describeRequestFields(plain);
  return plain;
}

/** What Roster POSTs to a tenant's endpoint, one entry per event type (OpenAPI 3.1 `webhooks`). */
function eventWebhooks(): Record<string, { post: ZodOpenApiOperationObject }> {
  const header = (description: string) => z.string().meta({ description });
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [
      type,
      {
        post: {
          operationId: `event_${type.replace(/[^A-Za-z]+/g, '_')}`,
          summary: `The ${type} event`,
          tags: ['Webhooks'],
          // Roster calls the receiver: the receiver checks `webhook-signature`, not a credential of this API.
          security: [],
          requestParams: {
            header: z.object({
              'webhook-id': header('The event id: the same on every retry (deduplicate on it)'),
              'webhook-timestamp': header('Seconds since the epoch when this attempt was signed'),
              'webhook-signature': header(
                'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per signing secret',
              ),
            }),
          },
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: {
            '200': {
              description: 'Any 2xx within 15 s: delivered. Anything else is retried; 410 disables the endpoint.',
            },
          },
        },
      },
    ]),
  );
}

/** The tag: the handler's folder (functions/<area>/…), capitalised; the platform twins are the inbox's. */
function areaOf(route: RouteDef): string {
  const area = route.twinOf ? 'inbox' : (route.entry.split('/')[1] ?? 'meta');
  return `${area.charAt(0).toUpperCase()}${area.slice(1)}`;
}

function operation(schemas: RouteSchemas, doc: OperationDoc): ZodOpenApiOperationObject {
  const { route } = schemas;
  const header = {
    ...(doc.ifMatch
      ? {
          'if-match': z.string().optional().meta({
            description:
              'An ETag from a read of this resource, e.g. "v3" (or *): the change is made only if it is still current, else 412',
          }),
        }
      : {}),
    ...(doc.idempotencyKey
      ? {
          'idempotency-key': IdempotencyKey.optional().meta({
            description:
              'Makes a retry safe: 8–128 letters, digits or ._:-. A retry by the same caller with the same key and body replays the first response instead of creating twice; the same key with another body is a 409.',
          }),
        }
      : {}),
  };
  const permission = route.twinOf
    ? `\n\nThe platform twin of \`${route.twinOf}\`: the platform holds ${(route.platform ?? []).map((p) => `\`${p}\``).join(', ')} here.`
    : route.permission
      ? `\n\nRequires the permission \`${route.permission}\`.`
      : '';
  return {
    operationId: route.id,
    summary: route.summary,
    description: `${route.summary}.${permission}`,
    tags: [areaOf(route)],
    security: SECURITY[route.auth],
    ...(route.permission ? { 'x-permission': route.permission } : {}),
    requestParams: {
      ...(schemas.params ? { path: schemas.params as z.ZodObject } : {}),
      ...(schemas.query ? { query: schemas.query as z.ZodObject } : {}),
      ...(Object.keys(header).length ? { header: z.object(header) } : {}),
    },
    ...(schemas.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemas.body,
                ...(doc.requestExample ? { example: doc.requestExample } : {}),
              },
            },
          },
        }
      : {}),
    responses: responses(schemas, doc),
  };
}

function responses(schemas: RouteSchemas, doc: OperationDoc): ZodOpenApiResponsesObject {
  const { ok } = doc;
  const headers = {
    ...(ok.etag
      ? {
          etag: {
            description: 'The resource’s version, e.g. "v3": send it as If-Match to change the resource',
            required: true,
            schema: { type: 'string', pattern: '^"v[0-9]+"$' },
          },
        }
      : {}),
    ...(ok.location
      ? { location: { description: 'The new resource', required: true, schema: { type: 'string' } } }
      : {}),
    ...Object.fromEntries(
      Object.entries(ok.headers ?? {}).map(([name, description]) => [
        name,
        { description, required: true, schema: { type: 'string' } },
      ]),
    ),
  } as const;
  const media = typeof ok.media === 'string' ? [ok.media] : (ok.media ?? []);
  const others = Object.fromEntries(media.map((type) => [type, { schema: { type: 'string' } }]));
  const content = ok.schema
    ? { [ok.jsonMedia ?? 'application/json']: { schema: ok.schema }, ...others }
    : media.length
      ? others
      : undefined;
  const out: Record<string, unknown> = {
    [ok.status]: {
      description: ok.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(content ? { content } : {}),
    },
  };
  const { route } = schemas;
  if (route.auth === 'scim') {
    // SCIM speaks its own error schema (RFC 7644 §3.12), whatever refused the request.
    for (const status of SCIM_ERROR_STATUSES) {
      out[status] = {
        description: 'A SCIM error (RFC 7644 §3.12)',
        content: { 'application/scim+json': { schema: ScimErrorView } },
      };
    }
  } else for (const [status, codes] of problemsByStatus(schemas, doc)) out[status] = problemResponse(codes);
  if (route.auth === 'user') addGateway(out, '401', 'no valid bearer token or API key', 'Unauthorized');
  if (route.auth === 'platform') addGateway(out, '403', 'not IAM-authorised', 'Forbidden');
  if (route.auth === 'scim') {
    addGateway(out, '401', 'no Authorization header', 'Unauthorized');
    addGateway(out, '403', 'not a live SCIM token (the authorizer refused it)', 'Forbidden');
  }
  // API Gateway's own answers, before or instead of the function's: a body over its 10 MB limit, the function
  // failing outright, or not answering within the integration time-out.
  addGateway(out, '413', 'the body exceeds API Gateway’s limit', 'Request Entity Too Large');
  addGateway(out, '500', 'the function failed', 'Internal Server Error');
  addGateway(out, '503', 'the function did not answer in time', 'Service Unavailable');
  return out as ZodOpenApiResponsesObject;
}

/** The codes this operation can answer, grouped by status. */
function problemsByStatus(schemas: RouteSchemas, doc: OperationDoc): Map<string, (ErrorCode | 'internal-error')[]> {
  const { route } = schemas;
  const codes = new Set<ErrorCode | 'internal-error'>(doc.problems ?? []);
  // Even a route without parameters refuses unknown query parameters and a body it does not take.
  codes.add('validation-failed');
  const add = (...more: ErrorCode[]) => {
    for (const code of more) codes.add(code);
  };
  // Every request body is read (and refused when too large or not JSON) before the operation decides it takes none.
  add('payload-too-large', 'unsupported-media-type');
  if (isTenantRoute(route)) add('forbidden', 'not-found');
  // A tenant's MFA policy refuses members without it on its routes (lib/http/middleware/authorize.ts).
  if (isTenantRoute(route) && route.auth === 'user' && !MFA_EXEMPT_ROUTES.has(route.id)) add('mfa-enrollment-required');
  if (route.auth === 'user') add('session-revoked', 'password-change-required');
  // A user route refuses an API key it does not serve (403); a tenant route refuses a key revoked since the
  // authorizer's cached answer (401).
  if (route.auth === 'user') add('forbidden');
  if (route.auth === 'user' && isTenantRoute(route)) add('unauthenticated');
  if (doc.ifMatch) codes.add('precondition-failed');
  if (route.uses.table || route.uses.identity || route.uses.authFlows) codes.add('service-unavailable');
  if (Object.keys(route.uses).length) codes.add('internal-error');
  const grouped = new Map<string, (ErrorCode | 'internal-error')[]>();
  for (const code of [...codes].sort((a, b) => statusOf(a) - statusOf(b))) {
    const status = String(statusOf(code));
    grouped.set(status, [...(grouped.get(status) ?? []), code]);
  }
  return grouped;
}

const statusOf = (code: ErrorCode | 'internal-error') =>
  code === 'internal-error' ? 500 : PROBLEM_STATUS[code].status;
const titleOf = (code: ErrorCode | 'internal-error') =>
  code === 'internal-error' ? 'Internal error' : PROBLEM_STATUS[code].title;

const SCIM_ERROR_STATUSES = ['400', '401', '403', '404', '409', '412', '413', '415', '429', '500', '503'];

function problemResponse(codes: (ErrorCode | 'internal-error')[]) {
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        summary: titleOf(code),
        value: {
          type: problemType(code),
          title: titleOf(code),
          status: statusOf(code),
          detail: EXAMPLE_DETAIL[code] ?? `${titleOf(code)}.`,
          code,
          correlationId: '6f1c2b1e-8f7a-4c1e-9d55-2f0b8e0f2a11',
          ...(code === 'validation-failed'
            ? { errors: [{ path: 'body.email', message: 'Must be an email address' }] }
            : {}),
          ...(code === 'seat-limit-reached' ? { seats: { used: 5, limit: 5, available: 0 } } : {}),
        },
      },
    ]),
  );
  // The problem document, its `code` one of those this operation answers with this status.
  const schema = z.intersection(Problem, z.looseObject({ code: z.enum(codes as [string, ...string[]]) }));
  return {
    description: codes.map((code) => `\`${code}\``).join(', '),
    content: { 'application/problem+json': { schema, examples } },
  };
}

/** API Gateway's own `{"message": …}` (application/json) beside the function's problems (application/problem+json). */
function addGateway(out: Record<string, unknown>, status: string, when: string, message: string): void {
  const existing = out[status] as { description: string; content: Record<string, unknown> } | undefined;
  const gateway = { 'application/json': { schema: GatewayMessage, example: { message } } };
  out[status] = existing
    ? { description: `${existing.description}; API Gateway: ${when}`, content: { ...existing.content, ...gateway } }
    : { description: `API Gateway: ${when}`, content: gateway };
}

const EXAMPLE_DETAIL: Partial<Record<ErrorCode | 'internal-error', string>> = {
  'validation-failed': 'Invalid request: body.email.',
  forbidden: 'This action needs the permission users:create.',
  'not-found': 'The tenant was not found.',
  'seat-limit-reached': 'All 5 seats of the growth plan are in use (5 of 5). Free a seat or upgrade the plan.',
  'precondition-failed': 'The member changed since you read it (ETag mismatch).',
  'invitation-invalid': 'This invitation link is no longer valid.',
  'internal-error': 'Something went wrong on our side. Quote 6f1c2b1e-8f7a-4c1e-9d55-2f0b8e0f2a11 when reporting it.',
};
