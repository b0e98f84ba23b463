/** A member's weekly working hours: set (PUT) or removed (DELETE); self, or someone with teams:manage. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';

export type WorkingHours = components['schemas']['WorkingHours'];
export type Interval = WorkingHours['weekly'][number];
export type Weekday = Interval['day'];

export function useSetWorkingHours(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, hours }: { userId: string; hours: WorkingHours }) =>
      ok(
        api.PUT('/v1/tenants/{tenantId}/users/{userId}/working-hours', {
          params: { path: { tenantId, userId } },
          body: hours,
        }),
      ),
    // My membership (effective availability), the lists and team rosters.
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}

export function useClearWorkingHours(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/users/{userId}/working-hours', { params: { path: { tenantId, userId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}
