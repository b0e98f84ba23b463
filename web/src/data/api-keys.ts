/** The tenant's API keys (integrations:manage): list, create (the secret comes back once), revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import type { Permission } from './tenant';

export type ApiKey = components['schemas']['ApiKey'];
export type CreatedApiKey = components['schemas']['CreatedApiKey'];
export interface ApiKeyInput {
  name: string;
  permissions: Permission[];
  expiresAt?: string;
}

const apiKeysKey = (tenantId: string) => ['tenant', tenantId, 'api-keys'] as const;

export function useApiKeys(tenantId: string) {
  return useQuery({
    queryKey: apiKeysKey(tenantId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/api-keys', { params: { path: { tenantId }, query: { limit: 100 } } })),
  });
}

export function useCreateApiKey(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyInput) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/api-keys', {
          params: { path: { tenantId }, header: { 'idempotency-key': crypto.randomUUID() } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey(tenantId) }),
  });
}

export function useRevokeApiKey(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/api-keys/{keyId}', { params: { path: { tenantId, keyId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey(tenantId) }),
  });
}
