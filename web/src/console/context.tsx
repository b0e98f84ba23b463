/**
 * What every console screen knows: the tenant, the signed-in person's
 * membership in it and `can(permission)` from their effective permissions
 * (GET /v1/tenants/{t}/me) — the only source of what the console shows.
 */
import { createContext, useContext } from 'react';
import type { MyMembership, Permission } from '../data/tenant';

export interface ConsoleState {
  tenantId: string;
  me: MyMembership;
  can: (permission: Permission) => boolean;
}

export const ConsoleContext = createContext<ConsoleState | undefined>(undefined);

export function useConsole(): ConsoleState {
  const state = useContext(ConsoleContext);
  if (!state) throw new Error('useConsole outside the console');
  return state;
}

export function consoleState(me: MyMembership): ConsoleState {
  const held = new Set<string>(me.permissions);
  return { tenantId: me.tenantId, me, can: (permission) => held.has(permission) };
}

/**
 * The console's screens, each shown only to those holding its permission (or one of `orWith`, or, `owner`,
 * to the owner).
 */
export const SCREENS: readonly {
  path: string;
  label: string;
  permission?: Permission;
  orWith?: readonly Permission[];
  orOwner?: boolean;
}[] = [
  { path: '/users', label: 'Users', permission: 'users:view' },
  { path: '/roles', label: 'Roles', permission: 'roles:view' },
  { path: '/teams', label: 'Teams', permission: 'teams:view' },
  { path: '/audit', label: 'Audit', permission: 'audit:view' },
  { path: '/access-review', label: 'Access review', permission: 'audit:view' },
  // Organisation settings hold the API keys and webhooks panels too: integrations:manage alone reaches them.
  {
    path: '/settings',
    label: 'Settings',
    permission: 'settings:manage',
    orWith: ['integrations:manage'],
    orOwner: true,
  },
  { path: '/profile', label: 'My profile' },
];

export const visibleScreens = (state: Pick<ConsoleState, 'can'> & { me?: { owner?: boolean } }) =>
  SCREENS.filter(
    (s) =>
      !s.permission ||
      state.can(s.permission) ||
      (s.orWith ?? []).some((p) => state.can(p)) ||
      (s.orOwner && state.me?.owner === true),
  );
