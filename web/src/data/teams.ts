/** Teams, their members and their queue. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components, operations } from '../api/schema';
import { keys } from './keys';

export type Team = components['schemas']['Team'];
export type Strategy = Team['assignmentStrategy'];
export type TeamInput = operations['createTeam']['requestBody']['content']['application/json'];
export const STRATEGIES: readonly { value: Strategy; label: string }[] = [
  { value: 'round_robin', label: 'Round robin' },
  { value: 'load_balanced', label: 'Load balanced' },
  { value: 'manual', label: 'Manual' },
];

export function useTeams(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: keys.teams(tenantId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/teams', { params: { path: { tenantId }, query: { limit: 100 } } })),
    enabled,
  });
}

/** The team's waiting conversations, oldest first. */
export function useTeamQueue(tenantId: string, teamId: string) {
  return useQuery({
    queryKey: keys.teamQueue(tenantId, teamId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/teams/{teamId}/queue', { params: { path: { tenantId, teamId } } })),
    retry: false,
  });
}

export function useSaveTeam(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ teamId, input }: { teamId?: string; input: TeamInput }) =>
      teamId
        ? ok(
            api.PATCH('/v1/tenants/{tenantId}/teams/{teamId}', { params: { path: { tenantId, teamId } }, body: input }),
          )
        : ok(
            api.POST('/v1/tenants/{tenantId}/teams', {
              params: { path: { tenantId }, header: { 'idempotency-key': crypto.randomUUID() } },
              body: input,
            }),
          ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}

export function useDeleteTeam(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (teamId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/teams/{teamId}', { params: { path: { tenantId, teamId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}

export function useTeamMembership(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ teamId, userId, add }: { teamId: string; userId: string; add: boolean }) => {
      const params = { params: { path: { tenantId, teamId, userId } } };
      return add
        ? ok(api.PUT('/v1/tenants/{tenantId}/teams/{teamId}/members/{userId}', { ...params, body: {} }))
        : ok(api.DELETE('/v1/tenants/{tenantId}/teams/{teamId}/members/{userId}', params));
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
  });
}
