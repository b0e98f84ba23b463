/**
 * The permission catalogue and the built-in roles (the product’s catalogue), as plain data,
 * and the algebra that turns a membership into its effective permissions.
 */
import { type Grant, liveGrants, longerHold, termOf } from './grants.ts';

export const CATALOGUE = {
  conversations: {
    view_assigned: 'See conversations assigned to you',
    view: 'See every conversation of the tenant',
    reply: 'Reply to conversations and claim unassigned ones',
    assign: 'Assign and reassign conversations to anyone',
    delete: 'Delete conversations',
  },
  contacts: {
    view: 'See CRM contacts',
    create: 'Create CRM contacts',
    edit: 'Edit CRM contacts',
    delete: 'Delete CRM contacts',
  },
  campaigns: {
    view: 'See campaigns',
    create: 'Create campaigns',
    edit: 'Edit campaigns',
    delete: 'Delete campaigns',
  },
  templates: {
    view: 'See message templates',
    create: 'Create message templates',
    edit: 'Edit message templates',
    delete: 'Delete message templates',
  },
  analytics: { view: 'See analytics', export: 'Export analytics' },
  channels: { view: 'See channels', manage: 'Connect and configure channels' },
  integrations: { view: 'See integrations', manage: 'Configure integrations' },
  experiments: { view: 'See experiments', manage: 'Run experiments' },
  settings: { view: 'See tenant settings', manage: 'Change tenant settings' },
  billing: { view: 'See billing', manage: 'Change plan and billing' },
  users: {
    view: 'See the tenant’s people',
    create: 'Invite and create people',
    edit: 'Edit, suspend, deactivate and reactivate people',
    delete: 'Delete people and revoke invitations',
  },
  roles: {
    view: 'See custom roles',
    create: 'Create custom roles',
    edit: 'Edit custom roles',
    delete: 'Delete custom roles',
  },
  teams: { view: 'See teams', manage: 'Create and edit teams, set others’ availability' },
  audit: { view: 'Read the audit trail' },
} as const;

type Catalogue = typeof CATALOGUE;
export type Resource = keyof Catalogue;
export type Permission = {
  [R in Resource]: `${R}:${Extract<keyof Catalogue[R], string>}`;
}[Resource];

export const ALL_PERMISSIONS: readonly Permission[] = Object.entries(CATALOGUE).flatMap(([resource, actions]) =>
  Object.keys(actions).map((action) => `${resource}:${action}` as Permission),
);

const PERMISSION_SET: ReadonlySet<string> = new Set(ALL_PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return PERMISSION_SET.has(value);
}

function allOf(...resources: Resource[]): Permission[] {
  return ALL_PERMISSIONS.filter((p) => resources.includes(p.split(':')[0] as Resource));
}

export const BUILT_IN_ROLES = ['admin', 'manager', 'agent'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];
export type Role = BuiltInRole | 'custom';
export const ROLES: readonly Role[] = [...BUILT_IN_ROLES, 'custom'];

export const BUILT_IN_ROLE_PERMISSIONS: Readonly<Record<BuiltInRole, readonly Permission[]>> = {
  admin: ALL_PERMISSIONS,
  manager: [
    ...allOf('conversations', 'contacts', 'campaigns', 'templates', 'analytics', 'channels', 'teams'),
    'users:view',
    'roles:view',
    'audit:view',
    'settings:view',
    'integrations:view',
  ],
  agent: [
    'conversations:view_assigned',
    'conversations:reply',
    'contacts:view',
    'contacts:edit',
    'templates:view',
    'teams:view',
    'users:view',
  ],
};

export interface PermissionSubject {
  role: Role;
  /** Extra grants, permanent or timed (lib/domain/grants.ts); an expired one confers nothing. */
  grants: readonly Grant[];
  crmAccess: boolean;
}

/**
 * Each effective permission and until when it is held (null = without end):
 * role ∪ live grants, minus `contacts:*` when CRM access is off (never for
 * admins). A permission held both permanently and by a timed grant is
 * permanent; `customRolePermissions` is the member's custom role's list when
 * `role` is `custom` (an unknown custom role grants nothing).
 */
export function permissionTerms(
  subject: PermissionSubject,
  customRolePermissions: readonly string[] | undefined,
  now: Date,
): Map<Permission, string | null> {
  const base = subject.role === 'custom' ? (customRolePermissions ?? []) : BUILT_IN_ROLE_PERMISSIONS[subject.role];
  const held = new Map<string, string | null>(base.map((p) => [p, null]));
  for (const grant of liveGrants(subject.grants, now)) {
    const { permission, expiresAt } = termOf(grant);
    held.set(permission, longerHold(held.get(permission), expiresAt));
  }
  const crm = subject.role === 'admin' || subject.crmAccess;
  const terms = new Map<Permission, string | null>();
  for (const p of ALL_PERMISSIONS) {
    if (held.has(p) && (crm || !p.startsWith('contacts:'))) terms.set(p, held.get(p) ?? null);
  }
  return terms;
}

/**
 * Effective permissions at `now`, in catalogue order: what authorisation,
 * dominance (lib/domain/identity.ts) and escalation (lib/domain/escalation.ts)
 * all compare — an expired grant is out of every one of them at once.
 */
export function effectivePermissions(
  subject: PermissionSubject,
  customRolePermissions: readonly string[] | undefined,
  now: Date,
): Permission[] {
  return [...permissionTerms(subject, customRolePermissions, now).keys()];
}

/** The effective permissions held only until a moment (by a timed grant): permission → its end. */
export function timeLimited(terms: ReadonlyMap<Permission, string | null>): Partial<Record<Permission, string>> {
  const limited: Partial<Record<Permission, string>> = {};
  for (const [permission, until] of terms) if (until !== null) limited[permission] = until;
  return limited;
}

export function hasPermission(effective: readonly Permission[], needed: Permission): boolean {
  return effective.includes(needed);
}
