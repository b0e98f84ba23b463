/**
 * The handler factory of the `/scim/v2` rows: the shared pipeline (pipeline.ts)
 * with the SCIM token's authorisation — ONE consistent read of the tenant and
 * the token item (a revoked token is gone, whatever the authorizer cached) —
 * and SCIM's own wire format: `application/scim+json` bodies and errors in
 * the SCIM error schema (`schemas`, `status` as a string, `scimType`, `detail`).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { directoryAccess, ScimError } from '../app/scim.ts';
import type { TenantAccess } from '../app/tenant-access.ts';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { secretMatches } from '../domain/scim/tokens.ts';
import { ERROR_SCHEMA } from '../domain/scim/users.ts';
import { loadScimAccess } from '../store/scim.ts';
import { type AnySchema, type Authorise, pipeline, type RouteSpec } from './pipeline.ts';
import { isTransient, PROBLEM_STATUS } from './problems.ts';
import type { Reply } from './reply.ts';
import { type RouteId, type RouteRows, routeById } from './routes.ts';

export const SCIM_MEDIA = 'application/scim+json';

const authoriseScim: Authorise = async ({ caller, now }) => {
  if (caller.kind !== 'scim') throw new DomainError('unauthenticated', 'A valid SCIM token is required.');
  const { tenant, token } = await loadScimAccess(caller.tenantId, caller.tokenId);
  if (!token || !secretMatches(caller.secret, token.hash)) {
    throw new DomainError('unauthenticated', 'This SCIM token is not valid (revoked, or never issued).');
  }
  if (!tenant || tenant.status !== 'active') throw new DomainError('unauthenticated', 'This tenant is closed.');
  return { access: directoryAccess(tenant, token, now) };
};

/** A SCIM success: the resource as `application/scim+json`. */
export function scim(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(body), contentType: SCIM_MEDIA, headers };
}

export function scimErrorBody(status: number, detail: string, scimType?: string) {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** Roster's refusals in SCIM's words. */
const SCIM_TYPES: Partial<Record<ErrorCode, string>> = {
  'validation-failed': 'invalidValue',
  'email-taken': 'uniqueness',
  'owner-protected': 'mutability',
  'invalid-transition': 'mutability',
};

function scimErrorReply(error: unknown): Reply | undefined {
  if (error instanceof ScimError) return scim(error.status, scimErrorBody(error.status, error.message, error.scimType));
  if (error instanceof DomainError && !isTransient(error)) {
    const { status } = PROBLEM_STATUS[error.code];
    const scimType = (error.extensions.scimType as string | undefined) ?? SCIM_TYPES[error.code];
    return scim(status, scimErrorBody(status, error.message, scimType));
  }
  return undefined;
}

/** A problem document the pipeline answered before `run` (token refused, bad path, body too large…) as a SCIM error. */
function asScimError(result: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 {
  const type = String(result.headers?.['content-type'] ?? '');
  if (!type.startsWith('application/problem+json') || typeof result.body !== 'string') return result;
  const problem = JSON.parse(result.body) as { status: number; detail?: string; code?: string };
  const scimType = problem.code ? SCIM_TYPES[problem.code as ErrorCode] : undefined;
  return {
    ...result,
    headers: { ...result.headers, 'content-type': SCIM_MEDIA },
    body: JSON.stringify(scimErrorBody(problem.status, problem.detail ?? '', scimType)),
  };
}

type ScimRouteId = Extract<RouteRows[number], { auth: 'scim' }>['id'];

export function scimRoute<P extends AnySchema, Q extends AnySchema, B extends AnySchema>(
  id: ScimRouteId & RouteId,
  spec: RouteSpec<P, Q, B, TenantAccess>,
) {
  const row = routeById(id);
  const inner = pipeline(
    row,
    undefined,
    {
      ...spec,
      run: async (input) => {
        try {
          return await spec.run(input as Parameters<typeof spec.run>[0]);
        } catch (error) {
          const reply = scimErrorReply(error);
          if (reply) return reply;
          throw error;
        }
      },
    },
    authoriseScim,
  );
  const handler = async (event: APIGatewayProxyEventV2, context: Context) =>
    asScimError((await inner(event, context)) as APIGatewayProxyStructuredResultV2);
  return Object.assign(handler, { schemas: inner.schemas });
}
