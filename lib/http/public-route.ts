/**
 * The handler factory of public rows (no credentials: health, the API
 * document, sign-in, invitation links): `publicRoute(id, { schemas, run })`
 * runs the same pipeline as `route()` with no authorise step, so these
 * functions load neither the store nor — unless their use case needs it —
 * the DynamoDB client.
 */
import {
  type AnySchema,
  type Authorise,
  type NoBody,
  type NoParams,
  type NoQuery,
  pipeline,
  type RouteSpec,
} from './pipeline.ts';
import { type RouteRows, routeById } from './routes.ts';

export type PublicRouteId = Extract<RouteRows[number], { auth: 'public' }>['id'];

const nobody: Authorise = async () => ({});

export function publicRoute<
  I extends PublicRouteId,
  P extends AnySchema = typeof NoParams,
  Q extends AnySchema = typeof NoQuery,
  B extends AnySchema = typeof NoBody,
>(id: I, spec: RouteSpec<P, Q, B, undefined>) {
  const row = routeById(id);
  if (row.auth !== 'public') throw new Error(`${id} has callers to authorise: build it with route()`);
  return pipeline(row, undefined, spec, nobody);
}
