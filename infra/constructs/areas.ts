/**
 * The API's areas: each is a nested stack holding the functions, routes,
 * integrations and invoke permissions of the routes whose handler lives in
 * one of its folders (`functions/<folder>/…` in the route table). All areas
 * share the one HTTP API, its stage and its JWT authorizer, which stay in the
 * parent stack. CloudFormation holds at most 500 resources a template; an
 * infra test (test/infra/areas.test.ts) holds every template under 400 and
 * names the largest area: the one to split next.
 *
 * Adding an area: add a row here (a construct id, the handler folders it
 * takes, a description); a new handler folder with no area fails synthesis.
 * Moving a folder to another area moves its functions between stacks (a
 * replacement: their names are fixed, so deploy that change on its own).
 */
import type { RouteDef } from '../../lib/http/routes.ts';

export interface ApiArea {
  /** The nested stack's construct id (also its logical id's stem). */
  readonly id: string;
  /** Handler folders under functions/ whose routes live in this area. */
  readonly folders: readonly string[];
  readonly description: string;
}

export const API_AREAS: readonly ApiArea[] = [
  { id: 'Members', folders: ['users', 'invitations'], description: 'members and invitations' },
  { id: 'RolesTeams', folders: ['roles', 'teams'], description: 'roles and teams' },
  { id: 'Assignment', folders: ['assignments'], description: 'conversation assignment' },
  { id: 'Auth', folders: ['auth'], description: 'sign-in, tokens, passwords and the caller' },
  { id: 'Tenant', folders: ['tenants', 'audit'], description: 'the tenant, its ownership and its audit trail' },
  { id: 'Platform', folders: ['platform'], description: 'platform operations on tenants' },
  { id: 'Integrations', folders: ['api-keys'], description: 'a tenant’s API keys' },
  { id: 'Webhooks', folders: ['webhooks'], description: 'webhook endpoints, their deliveries and the events feed' },
  { id: 'Meta', folders: ['meta'], description: 'liveness, the API document and its reference page' },
  {
    id: 'Mfa',
    folders: ['mfa'],
    description: 'two-factor authentication: enrolment, the sign-in challenge, admin reset',
  },
  { id: 'Enterprise', folders: ['domains', 'auto-join'], description: 'verified domains and auto-join' },
  { id: 'Directory', folders: ['scim'], description: 'directory provisioning (SCIM) and its tokens' },
  { id: 'Sso', folders: ['sso'], description: 'single sign-on: connections, discovery, start and callback' },
];

/** `functions/<folder>/…` → `<folder>`. */
export function handlerFolder(route: Pick<RouteDef, 'id' | 'entry'>): string {
  const match = /^functions\/([\w-]+)\//.exec(route.entry);
  if (!match?.[1]) throw new Error(`Route ${route.id}: entry ${route.entry} is not under functions/<folder>/`);
  return match[1];
}

/** The area a route's function, route, integration and permission live in. */
export function areaOf(route: Pick<RouteDef, 'id' | 'entry'>, areas: readonly ApiArea[] = API_AREAS): ApiArea {
  const folder = handlerFolder(route);
  const found = areas.filter((area) => area.folders.includes(folder));
  if (found.length !== 1) {
    throw new Error(
      found.length === 0
        ? `Route ${route.id}: no API area takes functions/${folder}/ — add it to an area in infra/constructs/areas.ts`
        : `Route ${route.id}: functions/${folder}/ is in ${found.length} areas`,
    );
  }
  return found[0] as ApiArea;
}
