/** Query-key factories: one place names every cached resource, so invalidation hits exactly what changed. */
export const keys = {
  me: () => ['me'] as const,
  permissions: () => ['permissions'] as const,
  tenant: (t: string) => ['tenant', t] as const,
  myMembership: (t: string) => ['tenant', t, 'me'] as const,
  users: (t: string) => ['tenant', t, 'users'] as const,
  userList: (t: string, filters: Record<string, string | undefined>) =>
    ['tenant', t, 'users', 'list', filters] as const,
  user: (t: string, id: string) => ['tenant', t, 'users', 'one', id] as const,
  roles: (t: string) => ['tenant', t, 'roles'] as const,
  teams: (t: string) => ['tenant', t, 'teams'] as const,
  teamMembers: (t: string, teamId: string) => ['tenant', t, 'teams', teamId, 'members'] as const,
  teamQueue: (t: string, teamId: string) => ['tenant', t, 'teams', teamId, 'queue'] as const,
  review: (t: string, cursor: string | undefined) => ['tenant', t, 'review', cursor ?? ''] as const,
  audit: (t: string, filters: Record<string, string | undefined>) => ['tenant', t, 'audit', filters] as const,
};
