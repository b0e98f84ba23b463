/**
 * Custom roles (the product rules; the catalogue in lib/domain/permissions.ts): named sets of catalogue permissions, defined
 * per tenant. Pure rules — the public catalogue, name normalisation,
 * permission validation, and who may define what: nobody puts into a role a
 * permission they don't hold, nor changes a role more powerful than they are.
 */
import { DomainError, forbidden } from './errors.ts';
import { normaliseName } from './names.ts';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLE_PERMISSIONS,
  BUILT_IN_ROLES,
  type BuiltInRole,
  CATALOGUE,
  isPermission,
  type Permission,
  type Resource,
} from './permissions.ts';

/** Custom roles per tenant: their permissions live on the tenant item, which must stay far below 400 KB. */
export const MAX_CUSTOM_ROLES = 50;

const BUILT_IN_ROLE_INFO: Readonly<Record<BuiltInRole, { name: string; description: string }>> = {
  admin: { name: 'Administrator', description: 'Everything, including people, roles, settings and billing.' },
  manager: {
    name: 'Manager',
    description:
      'Supervises conversations, contacts, campaigns, templates, analytics, channels and teams; reads people, roles, settings, integrations and the audit trail.',
  },
  agent: {
    name: 'Agent',
    description:
      'Answers the conversations assigned to them; reads and edits contacts, reads templates, teams and people.',
  },
};

/** The display name of a built-in role (`admin` → Administrator). */
export const builtInRoleName = (role: BuiltInRole): string => BUILT_IN_ROLE_INFO[role].name;

/** Resources whose permissions a member holds only with `crmAccess` on (admins always have it). */
const CRM_GATED: ReadonlySet<Resource> = new Set<Resource>(['contacts']);

/** `GET /v1/permissions`: the catalogue and the built-in roles, for role editors and pickers. */
export function catalogueView() {
  return {
    resources: (Object.entries(CATALOGUE) as [Resource, Record<string, string>][]).map(([resource, actions]) => ({
      resource,
      ...(CRM_GATED.has(resource) ? { requiresCrmAccess: true } : {}),
      actions: Object.entries(actions).map(([action, description]) => ({
        action,
        permission: `${resource}:${action}`,
        description,
      })),
    })),
    roles: BUILT_IN_ROLES.map((id) => ({
      id,
      ...BUILT_IN_ROLE_INFO[id],
      builtIn: true,
      permissions: BUILT_IN_ROLE_PERMISSIONS[id],
    })),
  };
}

/** What makes two role names the same: lib/domain/names.ts (NFKC, case-folded, invisible characters and spacing ignored). */
export const normaliseRoleName = (name: string): string => normaliseName(name);

/** Known permissions in catalogue order, duplicates dropped; any unknown one is a 400 naming it. */
export function rolePermissionSet(permissions: readonly string[], path = 'body.permissions'): Permission[] {
  const unknown = [...new Set(permissions.filter((p) => !isPermission(p)))];
  if (unknown.length) {
    throw new DomainError('validation-failed', `Unknown permission ${unknown.join(', ')}.`, {
      errors: unknown.map((p) => ({ path, message: `Unknown permission ${p}` })),
    });
  }
  const wanted = new Set(permissions);
  return ALL_PERMISSIONS.filter((p) => wanted.has(p));
}

/**
 * 403 unless the editor holds every permission the role carries before and
 * after the change: nothing is conferred beyond the editor's own rights, and a
 * role more powerful than the editor can't be edited or deleted by them.
 */
export function assertCanDefine(
  editor: readonly Permission[],
  change: { before?: readonly Permission[]; after?: readonly Permission[] },
  /** Permissions the editor holds only until a date (a time-limited grant): a role has no end date. */
  heldUntil: Readonly<Partial<Record<Permission, string>>> = {},
): void {
  const held = new Set(editor);
  const conferred = (change.after ?? []).filter((p) => !held.has(p));
  if (conferred.length) {
    throw forbidden(`You cannot put into a role permissions you do not hold: ${conferred.join(', ')}.`);
  }
  const before = new Set(change.before ?? []);
  const temporary = (change.after ?? []).filter((p) => heldUntil[p] !== undefined && !before.has(p));
  if (temporary.length) {
    throw forbidden(
      `You hold ${temporary.map((p) => `${p} only until ${heldUntil[p]}`).join(', ')}; a role has no end date, so it cannot carry that.`,
    );
  }
  const above = (change.before ?? []).filter((p) => !held.has(p));
  if (above.length) {
    throw forbidden(`This role carries permissions you do not hold (${above.join(', ')}), so you cannot change it.`);
  }
}
