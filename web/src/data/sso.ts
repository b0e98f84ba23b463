/** Single sign-on connections (Organisation settings, admins only). The tenant's SSO policy is a field of the tenant settings (data/settings.ts). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';

export type SsoConnection = components['schemas']['SsoConnection'];

export type NewSsoConnection =
  | { type: 'oidc'; name: string; issuer: string; clientId: string; clientSecret: string; domains: string[] }
  | { type: 'saml'; name: string; metadataXml: string; domains: string[] };

export interface SsoConnectionChange {
  name?: string;
  domains?: string[];
  clientSecret?: string;
  metadataXml?: string;
}

const connectionsKey = (t: string) => ['tenant', t, 'sso-connections'] as const;

/** The callback Roster answers at: what an IdP registers before any connection exists (the console and the API share the app's origin). */
export const SSO_CALLBACK_PATH = '/v1/auth/sso/callback';

/** The connection's protocol in words. */
export const SSO_TYPE_LABELS: Record<SsoConnection['type'], string> = {
  oidc: 'OpenID Connect',
  saml: 'SAML 2.0',
};

export function useSsoConnections(tenantId: string) {
  return useQuery({
    queryKey: connectionsKey(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/sso-connections', { params: { path: { tenantId } } })),
  });
}

export function useCreateSsoConnection(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewSsoConnection) =>
      ok(api.POST('/v1/tenants/{tenantId}/sso-connections', { params: { path: { tenantId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: connectionsKey(tenantId) }),
  });
}

export function useUpdateSsoConnection(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ connectionId, change }: { connectionId: string; change: SsoConnectionChange }) =>
      ok(
        api.PATCH('/v1/tenants/{tenantId}/sso-connections/{connectionId}', {
          params: { path: { tenantId, connectionId } },
          body: change,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: connectionsKey(tenantId) }),
  });
}

export function useDeleteSsoConnection(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (connectionId: string) =>
      ok(
        api.DELETE('/v1/tenants/{tenantId}/sso-connections/{connectionId}', {
          params: { path: { tenantId, connectionId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: connectionsKey(tenantId) }),
  });
}
