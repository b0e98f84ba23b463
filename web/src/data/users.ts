/** The users of a tenant: the filtered, cursor-paged list and every change to a member. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components, operations } from '../api/schema';
import { keys } from './keys';

export type Member = components['schemas']['Member'];
export type MemberStatus = Member['status'];
export type Role = Member['role'];
type ListQuery = NonNullable<operations['listMembers']['parameters']['query']>;
export type UserFilters = {
  status?: MemberStatus;
  role?: Role;
  team?: string;
  q?: string;
  inactiveDays?: number;
  sort?: ListQuery['sort'];
  cursor?: string;
};
export type InviteBody = operations['inviteMember']['requestBody']['content']['application/json'];
export type CreateBody = operations['createMember']['requestBody']['content']['application/json'];
export type UpdateBody = operations['updateMember']['requestBody']['content']['application/json'];

export const STATUSES: readonly MemberStatus[] = ['invited', 'active', 'suspended', 'deactivated', 'expired'];
export const ROLES: readonly Role[] = ['admin', 'manager', 'agent', 'custom'];

export function useUsers(
  tenantId: string,
  filters: UserFilters,
  /** `fresh`: read again whenever the screen opens (people provisioned or changed elsewhere show at once). */
  options: { enabled?: boolean; limit?: number; fresh?: boolean } = {},
) {
  return useQuery({
    queryKey: keys.userList(tenantId, {
      ...filters,
      inactiveDays: filters.inactiveDays?.toString(),
      limit: String(options.limit ?? 25),
    }),
    queryFn: () =>
      ok(
        api.GET('/v1/tenants/{tenantId}/users', {
          params: { path: { tenantId }, query: { ...filters, limit: options.limit ?? 25 } },
        }),
      ),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
    ...(options.fresh ? { refetchOnMount: 'always' as const } : {}),
  });
}

export function useUser(tenantId: string, userId: string, enabled = true) {
  return useQuery({
    queryKey: keys.user(tenantId, userId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/users/{userId}', { params: { path: { tenantId, userId } } })),
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}

/** After any change to members: the lists, the seat count (tenant and my membership) and team rosters. */
export function useInvalidateMembers(tenantId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['tenant', tenantId] });
}

/** The member of this tenant with exactly this address (the search finds it by its words), if any. */
export async function memberByEmail(tenantId: string, email: string): Promise<Member | undefined> {
  const page = await ok(
    api.GET('/v1/tenants/{tenantId}/users', { params: { path: { tenantId }, query: { q: email, limit: 100 } } }),
  );
  return page.items.find((m) => m.email.toLowerCase() === email.trim().toLowerCase());
}

export function useInvite(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: (body: InviteBody) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/invitations', {
          params: { path: { tenantId }, header: { 'idempotency-key': crypto.randomUUID() } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useCreateUser(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: (body: CreateBody) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/users', {
          params: { path: { tenantId }, header: { 'idempotency-key': crypto.randomUUID() } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useUpdateUser(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: UpdateBody }) =>
      ok(api.PATCH('/v1/tenants/{tenantId}/users/{userId}', { params: { path: { tenantId, userId } }, body })),
    onSuccess: invalidate,
  });
}

export type LifecycleAction = 'suspend' | 'deactivate' | 'reactivate' | 'resend-invitation';

export function useLifecycle(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: ({ userId, action }: { userId: string; action: LifecycleAction }) => {
      const params = { params: { path: { tenantId, userId } } };
      switch (action) {
        case 'suspend':
          return ok(api.POST('/v1/tenants/{tenantId}/users/{userId}/suspend', params));
        case 'deactivate':
          return ok(api.POST('/v1/tenants/{tenantId}/users/{userId}/deactivate', params));
        case 'reactivate':
          return ok(api.POST('/v1/tenants/{tenantId}/users/{userId}/reactivate', params));
        case 'resend-invitation':
          return ok(api.POST('/v1/tenants/{tenantId}/users/{userId}/resend-invitation', params));
      }
    },
    onSuccess: invalidate,
  });
}

export function useResetPassword(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: ({ userId, password, temporary }: { userId: string; password: string; temporary: boolean }) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/users/{userId}/reset-password', {
          params: { path: { tenantId, userId } },
          body: { password, temporary },
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useDeleteUser(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: (userId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/users/{userId}', { params: { path: { tenantId, userId } } })),
    onSuccess: invalidate,
  });
}

export function useSetAvailability(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: ({ userId, availability }: { userId: string; availability: 'online' | 'away' }) =>
      ok(
        api.PUT('/v1/tenants/{tenantId}/users/{userId}/availability', {
          params: { path: { tenantId, userId } },
          body: { availability },
        }),
      ),
    onSuccess: invalidate,
  });
}
