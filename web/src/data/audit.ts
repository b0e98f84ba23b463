/** The audit trail, filtered and cursor-paged. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { keys } from './keys';

export type AuditEvent = components['schemas']['AuditEvent'];
export type AuditFilters = {
  action?: string;
  actorId?: string;
  targetId?: string;
  since?: string;
  until?: string;
  cursor?: string;
};

export function useAudit(tenantId: string, filters: AuditFilters) {
  return useQuery({
    queryKey: keys.audit(tenantId, filters),
    queryFn: () =>
      ok(
        api.GET('/v1/tenants/{tenantId}/audit-events', {
          params: { path: { tenantId }, query: { ...filters, limit: 25 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}
