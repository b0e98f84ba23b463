/** Directory provisioning (SCIM): the tenant's tokens and group → role mappings (admins only). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';

export type ScimToken = components['schemas']['ScimToken'];
export type ScimTokenCreated = components['schemas']['ScimTokenCreated'];
export type RoleMapping = components['schemas']['ScimRoleMappings'][number];

const tokensKey = (t: string) => ['tenant', t, 'scim', 'tokens'] as const;
const mappingsKey = (t: string) => ['tenant', t, 'scim', 'role-mappings'] as const;

export function useScimTokens(tenantId: string) {
  return useQuery({
    queryKey: tokensKey(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/scim/tokens', { params: { path: { tenantId } } })),
  });
}

export function useCreateScimToken(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/scim/tokens', {
          params: { path: { tenantId } },
          body: name ? { name } : {},
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey(tenantId) }),
  });
}

export function useRevokeScimToken(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/scim/tokens/{tokenId}', { params: { path: { tenantId, tokenId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey(tenantId) }),
  });
}

export function useRoleMappings(tenantId: string) {
  return useQuery({
    queryKey: mappingsKey(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/scim/role-mappings', { params: { path: { tenantId } } })),
  });
}

export function useSaveRoleMappings(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mappings: RoleMapping[]) =>
      ok(api.PUT('/v1/tenants/{tenantId}/scim/role-mappings', { params: { path: { tenantId } }, body: mappings })),
    onSuccess: () => client.invalidateQueries({ queryKey: mappingsKey(tenantId) }),
  });
}
