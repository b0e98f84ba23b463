/** Custom roles (the seeds' "role templates"). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { keys } from './keys';
import type { Permission } from './tenant';

export type CustomRole = components['schemas']['Role'];
export interface RoleInput {
  name: string;
  description: string;
  permissions: Permission[];
}

export function useRoles(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: keys.roles(tenantId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId }, query: { limit: 100 } } })),
    enabled,
  });
}

export function useSaveRole(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ roleId, input }: { roleId?: string; input: RoleInput }) =>
      roleId
        ? ok(
            api.PATCH('/v1/tenants/{tenantId}/roles/{roleId}', { params: { path: { tenantId, roleId } }, body: input }),
          )
        : ok(
            api.POST('/v1/tenants/{tenantId}/roles', {
              params: { path: { tenantId }, header: { 'idempotency-key': crypto.randomUUID() } },
              body: input,
            }),
          ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}

export function useDeleteRole(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (roleId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/roles/{roleId}', { params: { path: { tenantId, roleId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.roles(tenantId) }),
  });
}
