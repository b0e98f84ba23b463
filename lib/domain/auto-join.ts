/**
 * Auto-join (DESIGN §1 "Enterprise sign-in"): a tenant with a verified domain
 * may let people whose proven address is in it join on their own —
 * `request` (an admin, or anyone with users:create, approves) or `automatic`
 * (they join at once, seat permitting) — with a default role.
 *
 * The default role is never admin: whoever gets a mailbox at the domain
 * (a contractor, a shared or forwarded mailbox) would hold the tenant's
 * security settings. An admin makes admins one by one, by hand.
 */
import { DomainError } from './errors.ts';

export const AUTO_JOIN_MODES = ['off', 'request', 'automatic'] as const;
export type AutoJoinMode = (typeof AUTO_JOIN_MODES)[number];
export const AUTO_JOIN_ROLES = ['manager', 'agent', 'custom'] as const;
export type AutoJoinRole = (typeof AUTO_JOIN_ROLES)[number];

export interface AutoJoinSettings {
  mode: AutoJoinMode;
  defaultRole: AutoJoinRole;
  /** The custom role, when `defaultRole` is `custom`. */
  roleId?: string;
}

export const AUTO_JOIN_OFF: AutoJoinSettings = { mode: 'off', defaultRole: 'agent' };

export type AutoJoinPatch = Partial<AutoJoinSettings>;

/**
 * The settings after `patch` (fields sent alone keep the others): a custom
 * default role must name one of the tenant's custom roles (400 otherwise).
 */
export function mergeAutoJoin(
  current: AutoJoinSettings | undefined,
  patch: AutoJoinPatch,
  customRoles: Readonly<Record<string, unknown>>,
): AutoJoinSettings {
  const base = current ?? AUTO_JOIN_OFF;
  const defaultRole = patch.defaultRole ?? base.defaultRole;
  const mode = patch.mode ?? base.mode;
  if (defaultRole !== 'custom') return { mode, defaultRole };
  const roleId =
    patch.roleId ??
    (patch.defaultRole === undefined || patch.defaultRole === base.defaultRole ? base.roleId : undefined);
  if (!roleId || !(roleId in customRoles)) {
    throw new DomainError('validation-failed', 'Choose one of this organisation’s custom roles as the default role.', {
      errors: [{ path: 'body.autoJoin.roleId', message: roleId ? 'Unknown role' : 'Required for a custom role' }],
    });
  }
  return { mode, defaultRole, roleId };
}

export const sameAutoJoin = (a: AutoJoinSettings | undefined, b: AutoJoinSettings | undefined) =>
  JSON.stringify(a ?? AUTO_JOIN_OFF) === JSON.stringify(b ?? AUTO_JOIN_OFF);
