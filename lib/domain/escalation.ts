/**
 * Escalation rules (the product rules; the catalogue in lib/domain/permissions.ts): nobody confers a permission they don't
 * hold; only admins make or unmake admins; the owner stays an active admin.
 */
import { DomainError, forbidden } from './errors.ts';
import { BUILT_IN_ROLE_PERMISSIONS, isPermission, type Permission, type Role } from './permissions.ts';

export interface Grantor {
  role: Role;
  permissions: readonly Permission[];
}

export interface RoleChoice {
  role: Role;
  roleId?: string;
  grants: readonly string[];
}

/** The permissions a role choice stands for; a custom role must exist in the tenant. */
export function rolePermissions(
  choice: RoleChoice,
  customRoles: Readonly<Record<string, readonly string[]>>,
): string[] {
  if (choice.role !== 'custom') return [...BUILT_IN_ROLE_PERMISSIONS[choice.role]];
  const custom = choice.roleId ? customRoles[choice.roleId] : undefined;
  if (!custom) {
    throw new DomainError('validation-failed', 'The custom role does not exist in this tenant.', {
      errors: [{ path: 'body.roleId', message: choice.roleId ? 'Unknown role' : 'Required when role is custom' }],
    });
  }
  return [...custom];
}

export function assertKnownGrants(grants: readonly string[]): void {
  const unknown = grants.filter((g) => !isPermission(g));
  if (unknown.length) {
    throw new DomainError('validation-failed', `Unknown permission ${unknown.join(', ')}.`, {
      errors: unknown.map((g) => ({ path: 'body.grants', message: `Unknown permission ${g}` })),
    });
  }
}

/**
 * Throws 403 unless `grantor` may give `next` (and, for a change, take away
 * `current`): admins only around the admin role, and every permission of the
 * role and grants must be one the grantor holds.
 */
export function assertCanConfer(
  grantor: Grantor,
  next: RoleChoice,
  customRoles: Readonly<Record<string, readonly string[]>>,
  current?: RoleChoice,
): void {
  if ((next.role === 'admin' || current?.role === 'admin') && grantor.role !== 'admin') {
    throw forbidden('Only admins can make or unmake admins.');
  }
  assertKnownGrants(next.grants);
  const wanted = new Set([...rolePermissions(next, customRoles), ...next.grants]);
  const missing = [...wanted].filter((p) => !grantor.permissions.includes(p as Permission));
  if (missing.length) {
    throw forbidden(`You cannot confer permissions you do not hold: ${missing.join(', ')}.`);
  }
}

export function ownerProtected(what: string): DomainError {
  return new DomainError(
    'owner-protected',
    `The tenant owner cannot be ${what}; transfer ownership to another admin first.`,
  );
}
