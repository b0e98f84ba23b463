/**
 * The handler factory of every row with a caller: `route(id, { schemas, run })`
 * runs the shared pipeline (pipeline.ts) with authorisation from the table —
 * a tenant route's one consistent read of membership, tenant and login, a
 * platform twin's tenant read, another user route's login read. Public rows
 * use `publicRoute()` (public-route.ts), which loads none of this.
 */
import * as z from 'zod';
import type { Access } from '../app/access.ts';
import { notFound } from '../domain/errors.ts';
import type { Permission } from '../domain/permissions.ts';
import {
  apiKeysCannot,
  authorizeApiKey,
  authorizeSession,
  authorizeTenant,
  type TenantAccess,
} from './middleware/authorize.ts';
import { authorizePlatformTenant } from './middleware/platform-access.ts';
import {
  type AnySchema,
  type Authorise,
  isTenantRoute,
  type NoBody,
  type NoParams,
  type NoQuery,
  pipeline,
  type RouteSpec,
} from './pipeline.ts';
import { type RouteId, type RouteRows, routeById, twinRouteOf } from './routes.ts';

export {
  isTenantRoute,
  type RouteInput,
  type RouteSchemas,
  type RouteSpec,
  signedIn,
  TIMEOUT_EARLY_MS,
} from './pipeline.ts';

const TenantPath = z.object({ tenantId: z.string(), userId: z.string().optional() }).passthrough();

/** Authorisation from the table, by the row the request came through. */
const authoriseFromTable: Authorise = async ({ def, caller, params, now }, spec) => {
  if (caller.kind === 'apiKey') {
    // A key acts only inside its tenant, on routes a member with its permissions could call.
    if (!isTenantRoute(def) || def.twinOf) throw apiKeysCannot();
    const { tenantId } = TenantPath.parse(params);
    // Another tenant's path is 404 for a key as for a person who is no member, whatever the route.
    if (tenantId !== caller.tenantId) throw notFound('The tenant');
    if (def.personOnly) throw apiKeysCannot();
    return { access: await authorizeApiKey(caller, tenantId, def.permission ?? null, now) };
  }
  if (isTenantRoute(def) && caller.kind === 'user') {
    const { tenantId, userId } = TenantPath.parse(params);
    // A `self` route: the member the path names acts on themselves without the permission.
    const needed = def.self && userId === caller.id ? null : (def.permission ?? null);
    return { access: await authorizeTenant(caller, tenantId, needed, now, def.id) };
  }
  if (def.twinOf && caller.kind === 'platform') {
    return { access: await authorizePlatformTenant(caller.principal, TenantPath.parse(params).tenantId, def, now) };
  }
  if (caller.kind === 'user' && !spec.checksSession) return { identity: await authorizeSession(caller) };
  return {};
};

type RouteOf<I extends RouteId> = Extract<RouteRows[number], { id: I }>;
/** Rows with a caller (user or platform credentials); public rows are `publicRoute()`'s. */
export type AuthorisedRouteId = Exclude<RouteId, Extract<RouteRows[number], { auth: 'public' }>['id']>;
/**
 * Tenant routes get `access: TenantAccess` — or `Access` (a member or the
 * platform) when the row has a platform twin; others `undefined`. Decided by the route table's row.
 */
type AccessOf<I extends RouteId> =
  RouteOf<I> extends { auth: 'user'; path: `/v1/tenants/{tenantId}${string}` }
    ? RouteOf<I> extends { platform: readonly Permission[] }
      ? Access
      : TenantAccess
    : undefined;

export function route<
  I extends AuthorisedRouteId,
  P extends AnySchema = typeof NoParams,
  Q extends AnySchema = typeof NoQuery,
  B extends AnySchema = typeof NoBody,
>(id: I, spec: RouteSpec<P, Q, B, AccessOf<I>>) {
  const row = routeById(id);
  if (row.auth === 'public') throw new Error(`${id} is a public route: build it with publicRoute()`);
  return pipeline(row, twinRouteOf(id), spec, authoriseFromTable);
}
