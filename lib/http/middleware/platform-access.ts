/**
 * Authorisation of the platform twins (`/v1/platform/tenants/{tenantId}/…`):
 * the inbox backend calls with platform credentials (IAM in AWS, the platform
 * key locally), verified by API Gateway. Here the tenant is read in one
 * consistent round trip; the platform holds exactly the permissions the twin's
 * route-table row grants, so it can do there what the row says and nothing more.
 */
import type { PlatformAccess } from '../../app/access.ts';
import { forbidden, notFound } from '../../domain/errors.ts';
import type { Permission } from '../../domain/permissions.ts';
import { getTenant } from '../../store/tenants.ts';
import type { RouteDef } from '../routes.ts';

export async function authorizePlatformTenant(
  principal: string,
  tenantId: string,
  route: RouteDef,
  now: Date = new Date(),
): Promise<PlatformAccess> {
  const tenant = await getTenant(tenantId);
  // A closed tenant has no one to assign conversations to: it does not exist for its inbox either.
  if (tenant?.status !== 'active') throw notFound('The tenant');
  const permissions: Permission[] = [...(route.platform ?? [])];
  if (route.permission && !permissions.includes(route.permission)) {
    throw forbidden(`This route grants the platform no ${route.permission}.`);
  }
  return { tenant, permissions, principal, now };
}
