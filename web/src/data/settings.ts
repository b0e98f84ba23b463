/** The organisation's own settings: its name, auto-suspension, and its owner. */
import { useMutation } from '@tanstack/react-query';
import { api, ok } from '../api/client';

export interface TenantSettings {
  name?: string;
  autoSuspendInactiveDays?: number | null;
  /** The MFA policy (admins only; requiring it needs the admin to have set it up). */
  mfa?: { required: boolean; graceDays?: number; includeSso?: boolean };
  /** The SSO policy (admins only): password sign-in refused to the connections' domains' members (not the owner); JIT provisioning. */
  sso?: { required?: boolean; jitProvisioning?: boolean };
  autoJoin?: { mode?: 'off' | 'request' | 'automatic'; defaultRole?: 'manager' | 'agent' | 'custom'; roleId?: string };
}

/** Every mutation refreshes the membership (and so the tenant shown everywhere): see query-client.ts. */
export function useUpdateTenant(tenantId: string) {
  return useMutation({
    mutationFn: (body: TenantSettings) =>
      ok(api.PATCH('/v1/tenants/{tenantId}', { params: { path: { tenantId } }, body })),
  });
}

export function useTransferOwnership(tenantId: string) {
  return useMutation({
    mutationFn: (memberId: string) =>
      ok(api.POST('/v1/tenants/{tenantId}/transfer-ownership', { params: { path: { tenantId } }, body: { memberId } })),
  });
}
