/**
 * Escalation rules (the product rules; the catalogue in lib/domain/permissions.ts): nobody confers a permission they don't
 * hold; only admins make or unmake admins; the owner stays an active admin.
 */
import { DomainError, forbidden } from './errors.ts';
import { type Grant, longerHold, permissionOf, termOf } from './grants.ts';
import { BUILT_IN_ROLE_PERMISSIONS, isPermission, type Permission, type Role } from './permissions.ts';

export interface Grantor {
  role: Role;
  /** Effective at the request's instant (expired grants already out). */
  permissions: readonly Permission[];
  /** Those of `permissions` the grantor holds only until a moment (a timed grant): permission → its end. */
  heldUntil?: Readonly<Partial<Record<Permission, string>>>;
}

export interface RoleChoice {
  role: Role;
  roleId?: string;
  /** Live grants only (an expired one confers nothing, so it is not conferred either). */
  grants: readonly Grant[];
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
 * role and grants must be one the grantor holds — for at least as long: a
 * permission the grantor holds until a moment is conferred only by a grant
 * ending no later (never by a role or a permanent grant).
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
  assertKnownGrants(next.grants.map(permissionOf));
  // Each permission conferred, and until when (null = without end: a role's, or a permanent grant).
  const wanted = new Map<string, string | null>(rolePermissions(next, customRoles).map((p) => [p, null]));
  for (const grant of next.grants) {
    const { permission, expiresAt } = termOf(grant);
    wanted.set(permission, longerHold(wanted.get(permission), expiresAt));
  }
  const missing = [...wanted.keys()].filter((p) => !grantor.permissions.includes(p as Permission));
  if (missing.length) {
    throw forbidden(`You cannot confer permissions you do not hold: ${missing.join(', ')}.`);
  }
  const outlasting = [...wanted].filter(([p, until]) => {
    const mine = grantor.heldUntil?.[p as Permission];
    return mine !== undefined && (until === null || until > mine);
  });
  if (outlasting.length) {
    const ends = outlasting.map(([p]) => `${p} only until ${grantor.heldUntil?.[p as Permission]}`).join(', ');
    throw forbidden(`You hold ${ends}: you can give it only as a grant that ends no later.`);
  }
}

export function ownerProtected(what: string): DomainError {
  return new DomainError(
    'owner-protected',
    `The tenant owner cannot be ${what}; transfer ownership to another admin first.`,
  );
}
