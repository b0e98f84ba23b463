/** The permission catalogue, built-in roles and effective permissions against the product’s catalogue. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLE_PERMISSIONS,
  BUILT_IN_ROLES,
  CATALOGUE,
  effectivePermissions,
  hasPermission,
  isPermission,
  type Permission,
  type PermissionSubject,
  ROLES,
  type Role,
} from '../../lib/domain/permissions.ts';

/** The product’s catalogue, transcribed. */
const DESIGN_CATALOGUE: Record<string, readonly string[]> = {
  conversations: ['view_assigned', 'view', 'reply', 'assign', 'delete'],
  contacts: ['view', 'create', 'edit', 'delete'],
  campaigns: ['view', 'create', 'edit', 'delete'],
  templates: ['view', 'create', 'edit', 'delete'],
  analytics: ['view', 'export'],
  channels: ['view', 'manage'],
  integrations: ['view', 'manage'],
  experiments: ['view', 'manage'],
  settings: ['view', 'manage'],
  billing: ['view', 'manage'],
  users: ['view', 'create', 'edit', 'delete'],
  roles: ['view', 'create', 'edit', 'delete'],
  teams: ['view', 'manage'],
  audit: ['view'],
};
const DESIGN_PERMISSIONS = Object.entries(DESIGN_CATALOGUE).flatMap(([r, actions]) => actions.map((a) => `${r}:${a}`));

const MANAGER = [
  'conversations:view_assigned',
  'conversations:view',
  'conversations:reply',
  'conversations:assign',
  'conversations:delete',
  'contacts:view',
  'contacts:create',
  'contacts:edit',
  'contacts:delete',
  'campaigns:view',
  'campaigns:create',
  'campaigns:edit',
  'campaigns:delete',
  'templates:view',
  'templates:create',
  'templates:edit',
  'templates:delete',
  'analytics:view',
  'analytics:export',
  'channels:view',
  'channels:manage',
  'teams:view',
  'teams:manage',
  'users:view',
  'roles:view',
  'audit:view',
  'settings:view',
  'integrations:view',
];

const AGENT = [
  'conversations:view_assigned',
  'conversations:reply',
  'contacts:view',
  'contacts:edit',
  'templates:view',
  'teams:view',
  'users:view',
];

const CONTACTS = ['contacts:view', 'contacts:create', 'contacts:edit', 'contacts:delete'];

/** The instant every call is judged at (no grant here is timed unless a test says so). */
const NOW = new Date('2026-06-01T12:00:00Z');
const sorted = (list: readonly string[]) => [...list].sort();
const without = (list: readonly string[], drop: readonly string[]) => list.filter((p) => !drop.includes(p));

const permission = fc.constantFrom(...(DESIGN_PERMISSIONS as Permission[]));
const junk = fc.oneof(
  fc.string(),
  fc.constantFrom('contacts:*', '*', 'users:admin', 'Users:view', ' users:view', 'users:view ', 'audit:edit', ''),
);
const role = fc.constantFrom<Role>('admin', 'manager', 'agent', 'custom');
const subject = fc.record({
  role,
  grants: fc.array(fc.oneof(permission, junk), { maxLength: 12 }),
  crmAccess: fc.boolean(),
}) satisfies fc.Arbitrary<PermissionSubject>;

describe('catalogue', () => {
  it('has exactly the resources of the product’s catalogue', () => {
    expect(sorted(Object.keys(CATALOGUE))).toEqual(sorted(Object.keys(DESIGN_CATALOGUE)));
  });

  it.each(Object.entries(DESIGN_CATALOGUE))('%s has exactly the designed actions', (resource, actions) => {
    const entry = CATALOGUE[resource as keyof typeof CATALOGUE];
    expect(sorted(Object.keys(entry))).toEqual(sorted(actions));
  });

  it('descriptions are unique (the console labels each extra-permission checkbox with its own)', () => {
    const texts = Object.values(CATALOGUE).flatMap((actions) => Object.values(actions) as string[]);
    expect(new Set(texts.map((t) => t.toLowerCase())).size).toBe(texts.length);
  });

  it('every permission has a non-empty description', () => {
    for (const actions of Object.values(CATALOGUE)) {
      for (const text of Object.values(actions) as string[]) expect(text.trim().length).toBeGreaterThan(0);
    }
  });

  it('ALL_PERMISSIONS is the 40 designed resource:action strings, without duplicates', () => {
    expect(DESIGN_PERMISSIONS).toHaveLength(40);
    expect(ALL_PERMISSIONS).toHaveLength(40);
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
    expect(sorted(ALL_PERMISSIONS)).toEqual(sorted(DESIGN_PERMISSIONS));
  });

  it('every permission reads resource:action in lower case', () => {
    for (const p of ALL_PERMISSIONS) expect(p).toMatch(/^[a-z]+:[a-z_]+$/);
  });
});

describe('isPermission', () => {
  it.each(DESIGN_PERMISSIONS)('accepts %s', (p) => {
    expect(isPermission(p)).toBe(true);
  });

  it.each([
    '',
    'users',
    'users:',
    ':view',
    'users:VIEW',
    'Users:view',
    ' users:view',
    'users:view ',
    'users:manage',
    'audit:edit',
    'contacts:*',
    '*',
    'users:view:extra',
    'conversations:view-assigned',
    'toString',
    '__proto__',
    'constructor',
  ])('rejects %j', (value) => {
    expect(isPermission(value)).toBe(false);
  });

  it('property: isPermission ⇔ membership of the designed catalogue', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), permission), (value) => {
        expect(isPermission(value)).toBe(DESIGN_PERMISSIONS.includes(value));
      }),
    );
  });
});

describe('built-in roles', () => {
  it('are admin, manager and agent; the member roles add custom', () => {
    expect(sorted(BUILT_IN_ROLES)).toEqual(['admin', 'agent', 'manager']);
    expect(sorted(ROLES)).toEqual(['admin', 'agent', 'custom', 'manager']);
  });

  it('admin has everything', () => {
    expect(sorted(BUILT_IN_ROLE_PERMISSIONS.admin)).toEqual(sorted(DESIGN_PERMISSIONS));
  });

  it('manager has exactly the designed 28 permissions', () => {
    expect(MANAGER).toHaveLength(28);
    expect(sorted(BUILT_IN_ROLE_PERMISSIONS.manager)).toEqual(sorted(MANAGER));
  });

  it('manager has no billing, experiments, users/roles writes, settings:manage, integrations:manage', () => {
    for (const p of [
      'billing:view',
      'billing:manage',
      'experiments:view',
      'experiments:manage',
      'users:create',
      'users:edit',
      'users:delete',
      'roles:create',
      'roles:edit',
      'roles:delete',
      'settings:manage',
      'integrations:manage',
    ]) {
      expect(BUILT_IN_ROLE_PERMISSIONS.manager).not.toContain(p);
    }
  });

  it('agent has exactly the designed 7 permissions', () => {
    expect(sorted(BUILT_IN_ROLE_PERMISSIONS.agent)).toEqual(sorted(AGENT));
  });

  it('roles nest: agent ⊂ manager ⊂ admin', () => {
    for (const p of BUILT_IN_ROLE_PERMISSIONS.agent) expect(BUILT_IN_ROLE_PERMISSIONS.manager).toContain(p);
    for (const p of BUILT_IN_ROLE_PERMISSIONS.manager) expect(BUILT_IN_ROLE_PERMISSIONS.admin).toContain(p);
  });

  it('no built-in role lists a permission twice or outside the catalogue', () => {
    for (const name of BUILT_IN_ROLES) {
      const list = BUILT_IN_ROLE_PERMISSIONS[name];
      expect(new Set(list).size, name).toBe(list.length);
      for (const p of list) expect(DESIGN_PERMISSIONS, name).toContain(p);
    }
  });
});

describe('effectivePermissions', () => {
  it('admin: everything, with or without crmAccess', () => {
    expect(sorted(effectivePermissions({ role: 'admin', grants: [], crmAccess: true }, undefined, NOW))).toEqual(
      sorted(DESIGN_PERMISSIONS),
    );
    expect(sorted(effectivePermissions({ role: 'admin', grants: [], crmAccess: false }, undefined, NOW))).toEqual(
      sorted(DESIGN_PERMISSIONS),
    );
  });

  it('manager with CRM access: the manager list', () => {
    expect(sorted(effectivePermissions({ role: 'manager', grants: [], crmAccess: true }, undefined, NOW))).toEqual(
      sorted(MANAGER),
    );
  });

  it('manager without CRM access: the manager list minus exactly contacts:*', () => {
    expect(sorted(effectivePermissions({ role: 'manager', grants: [], crmAccess: false }, undefined, NOW))).toEqual(
      sorted(without(MANAGER, CONTACTS)),
    );
  });

  it('agent with CRM access: the agent list', () => {
    expect(sorted(effectivePermissions({ role: 'agent', grants: [], crmAccess: true }, undefined, NOW))).toEqual(
      sorted(AGENT),
    );
  });

  it('agent without CRM access loses contacts:view and contacts:edit only', () => {
    expect(sorted(effectivePermissions({ role: 'agent', grants: [], crmAccess: false }, undefined, NOW))).toEqual(
      sorted(without(AGENT, CONTACTS)),
    );
  });

  it('grants are added to the role', () => {
    const result = effectivePermissions(
      { role: 'agent', grants: ['analytics:view', 'billing:view'], crmAccess: true },
      undefined,
      NOW,
    );
    expect(sorted(result)).toEqual(sorted([...AGENT, 'analytics:view', 'billing:view']));
  });

  it('a contacts grant without CRM access is still removed', () => {
    const result = effectivePermissions(
      { role: 'agent', grants: ['contacts:delete'], crmAccess: false },
      undefined,
      NOW,
    );
    expect(result.filter((p) => p.startsWith('contacts:'))).toEqual([]);
  });

  it('a contacts grant with CRM access is added', () => {
    const result = effectivePermissions(
      { role: 'agent', grants: ['contacts:delete'], crmAccess: true },
      undefined,
      NOW,
    );
    expect(result).toContain('contacts:delete');
  });

  it('unknown grants are ignored', () => {
    const result = effectivePermissions(
      {
        role: 'agent',
        grants: ['users:admin', 'contacts:*', '*', 'Users:delete', '', 'audit:view'],
        crmAccess: true,
      },
      undefined,
      NOW,
    );
    expect(sorted(result)).toEqual(sorted([...AGENT, 'audit:view']));
  });

  it('a grant already in the role is not duplicated', () => {
    const result = effectivePermissions(
      {
        role: 'agent',
        grants: ['users:view', 'users:view', 'teams:view'],
        crmAccess: true,
      },
      undefined,
      NOW,
    );
    expect(sorted(result)).toEqual(sorted(AGENT));
  });

  it('custom role: exactly the given permissions (plus grants)', () => {
    const custom = ['campaigns:view', 'campaigns:edit', 'users:view'];
    expect(sorted(effectivePermissions({ role: 'custom', grants: [], crmAccess: true }, custom, NOW))).toEqual(
      sorted(custom),
    );
    expect(
      sorted(effectivePermissions({ role: 'custom', grants: ['audit:view'], crmAccess: true }, custom, NOW)),
    ).toEqual(sorted([...custom, 'audit:view']));
  });

  it('custom role without CRM access loses its contacts permissions', () => {
    const custom = ['contacts:view', 'contacts:create', 'templates:view'];
    expect(effectivePermissions({ role: 'custom', grants: [], crmAccess: false }, custom, NOW)).toEqual([
      'templates:view',
    ]);
  });

  it('custom role with unknown permissions in its definition ignores them', () => {
    const custom = ['templates:view', 'nonsense', 'templates:publish'];
    expect(effectivePermissions({ role: 'custom', grants: [], crmAccess: true }, custom, NOW)).toEqual([
      'templates:view',
    ]);
  });

  it('custom role whose definition is missing grants nothing but its grants', () => {
    expect(effectivePermissions({ role: 'custom', grants: [], crmAccess: true }, undefined, NOW)).toEqual([]);
    expect(effectivePermissions({ role: 'custom', grants: ['users:view'], crmAccess: true }, undefined, NOW)).toEqual([
      'users:view',
    ]);
  });

  it('a custom role list is ignored for built-in roles', () => {
    const result = effectivePermissions({ role: 'agent', grants: [], crmAccess: true }, ['billing:manage'], NOW);
    expect(result).not.toContain('billing:manage');
  });

  it('property: result = (role ∪ known grants) minus contacts:* unless admin or crmAccess', () => {
    fc.assert(
      fc.property(subject, fc.array(fc.oneof(permission, junk), { maxLength: 12 }), (s, custom) => {
        const base =
          s.role === 'custom' ? custom : { admin: DESIGN_PERMISSIONS, manager: MANAGER, agent: AGENT }[s.role];
        const crm = s.role === 'admin' || s.crmAccess;
        const want = new Set(
          [...base, ...s.grants].filter((p) => DESIGN_PERMISSIONS.includes(p) && (crm || !p.startsWith('contacts:'))),
        );
        const got = effectivePermissions(s, custom, NOW);
        expect(new Set(got).size).toBe(got.length);
        expect(sorted(got)).toEqual(sorted([...want]));
      }),
      { numRuns: 500 },
    );
  });

  it('property: never a duplicate, never outside the catalogue', () => {
    fc.assert(
      fc.property(subject, fc.array(fc.oneof(permission, junk)), (s, custom) => {
        const got = effectivePermissions(s, custom, NOW);
        expect(new Set(got).size).toBe(got.length);
        for (const p of got) expect(isPermission(p)).toBe(true);
      }),
    );
  });

  it('property: turning CRM access off removes only contacts:* and never changes admin', () => {
    fc.assert(
      fc.property(subject, fc.array(permission), (s, custom) => {
        const on = effectivePermissions({ ...s, crmAccess: true }, custom, NOW);
        const off = effectivePermissions({ ...s, crmAccess: false }, custom, NOW);
        if (s.role === 'admin') {
          expect(sorted(off)).toEqual(sorted(on));
        } else {
          expect(sorted(off)).toEqual(sorted(on.filter((p) => !p.startsWith('contacts:'))));
        }
      }),
    );
  });

  it('property: adding a grant never removes a permission', () => {
    fc.assert(
      fc.property(subject, permission, (s, extra) => {
        const before = effectivePermissions(s, undefined, NOW);
        const after = effectivePermissions({ ...s, grants: [...s.grants, extra] }, undefined, NOW);
        for (const p of before) expect(after).toContain(p);
      }),
    );
  });

  it('does not mutate its inputs', () => {
    const grants = Object.freeze(['audit:view', 'junk']);
    const custom = Object.freeze(['users:view']);
    const s = Object.freeze({ role: 'custom' as const, grants, crmAccess: false });
    expect(() => effectivePermissions(s, custom, NOW)).not.toThrow();
    expect(grants).toEqual(['audit:view', 'junk']);
    expect(custom).toEqual(['users:view']);
  });
});

describe('hasPermission', () => {
  it('is true exactly for permissions in the effective list', () => {
    const agent = effectivePermissions({ role: 'agent', grants: [], crmAccess: true }, undefined, NOW);
    expect(hasPermission(agent, 'conversations:reply')).toBe(true);
    expect(hasPermission(agent, 'conversations:assign')).toBe(false);
    expect(hasPermission(agent, 'users:create')).toBe(false);
    expect(hasPermission([], 'users:view')).toBe(false);
  });

  it('property: agrees with membership', () => {
    fc.assert(
      fc.property(fc.uniqueArray(permission), permission, (list, needed) => {
        expect(hasPermission(list, needed)).toBe(list.includes(needed));
      }),
    );
  });
});
