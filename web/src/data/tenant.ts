/** Who is signed in, their memberships, the current tenant and its permission catalogue. */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { keys } from './keys';
import { MEMBERSHIP_REFRESH_MS } from './query-client';

export type Permission = components['schemas']['Permission'];
export type MyMembership = components['schemas']['MyMembership'];
export type Catalogue = components['schemas']['PermissionCatalogue'];

export const meQuery = () =>
  queryOptions({
    queryKey: keys.me(),
    queryFn: () => ok(api.GET('/v1/me')),
    staleTime: 10_000,
    refetchOnWindowFocus: true,
    refetchInterval: MEMBERSHIP_REFRESH_MS,
  });

export const myMembershipQuery = (tenantId: string) =>
  queryOptions({
    queryKey: keys.myMembership(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/me', { params: { path: { tenantId } } })),
    // Rights and seats change under the person's feet (DESIGN: "in real time"): see query-client.ts.
    refetchOnWindowFocus: true,
    refetchInterval: MEMBERSHIP_REFRESH_MS,
    staleTime: 0,
  });

export const permissionsQuery = () =>
  queryOptions({
    queryKey: keys.permissions(),
    queryFn: () => ok(api.GET('/v1/permissions')),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useMe = () => useQuery(meQuery());
export const useMyMembership = (tenantId: string) => useQuery(myMembershipQuery(tenantId));
export const usePermissionCatalogue = () => useQuery(permissionsQuery());

/** Tenants the person can open: accepted, active memberships. */
export function activeTenants(me: components['schemas']['Me']): { id: string; name: string }[] {
  return me.memberships
    .filter((m) => m.status === 'active')
    .map((m) => ({ id: m.tenant.id, name: m.tenant.name ?? m.tenant.id }));
}
