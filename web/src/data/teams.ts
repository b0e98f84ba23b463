/** Teams, their members and their queue. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components, operations } from '../api/schema';
import { keys } from './keys';

export type Team = components['schemas']['Team'];
export type Strategy = Team['assignmentStrategy'];
export type TeamInput = operations['createTeam']['requestBody']['content']['application/json'];
export type TeamMember = components['schemas']['TeamMember'];
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

/** The team's members with their status, availability and open load (first 100). */
export function useTeamMembers(tenantId: string, teamId: string) {
  return useQuery({
    queryKey: keys.teamMembers(tenantId, teamId),
    queryFn: () =>
      ok(
        api.GET('/v1/tenants/{tenantId}/teams/{teamId}/members', {
          params: { path: { tenantId, teamId }, query: { limit: 100 } },
        }),
      ),
  });
}

/** The team's waiting conversations, oldest first (asked only by those the API shows it to). */
export function useTeamQueue(tenantId: string, teamId: string, enabled = true) {
  return useQuery({
    queryKey: keys.teamQueue(tenantId, teamId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/teams/{teamId}/queue', { params: { path: { tenantId, teamId } } })),
    retry: false,
    enabled,
  });
}

/** A waiting conversation given by hand to one person (conversations:assign). */
export function useAssignByHand(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ conversationId, assigneeId }: { conversationId: string; assigneeId: string }) =>
      ok(
        api.PUT('/v1/tenants/{tenantId}/conversations/{conversationId}/assignment', {
          params: { path: { tenantId, conversationId } },
          body: { assigneeId },
        }),
      ),
    // The queue, the members' loads and the team's counts.
    onSuccess: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
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

/**
 * Delete a team; with `removeMembers`, its members are taken out of it first
 * (they stay in the organisation), as the confirmation says. The API refuses
 * a team that still has members or holds conversations (409).
 */
export function useDeleteTeam(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ teamId, removeMembers }: { teamId: string; removeMembers?: boolean }) => {
      const path = { tenantId, teamId };
      for (let guard = 0; removeMembers && guard < 100; guard += 1) {
        const page = await ok(
          api.GET('/v1/tenants/{tenantId}/teams/{teamId}/members', { params: { path, query: { limit: 100 } } }),
        );
        if (page.items.length === 0) break;
        // In a stable order (by email), so the audit trail of one delete reads the same way every time.
        for (const m of [...page.items].sort((a, b) => a.email.localeCompare(b.email))) {
          await ok(
            api.DELETE('/v1/tenants/{tenantId}/teams/{teamId}/members/{userId}', {
              params: { path: { ...path, userId: m.userId } },
            }),
          );
        }
      }
      return ok(api.DELETE('/v1/tenants/{tenantId}/teams/{teamId}', { params: { path } }));
    },
    // Refused or not, the counts the confirmation reads are refreshed.
    onSettled: () => client.invalidateQueries({ queryKey: ['tenant', tenantId] }),
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
