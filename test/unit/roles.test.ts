/** Custom roles: the public catalogue, name claims, permission validation and the no-escalation rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../lib/domain/errors.ts';
import { ALL_PERMISSIONS, BUILT_IN_ROLE_PERMISSIONS, type Permission } from '../../lib/domain/permissions.ts';
import { assertCanDefine, catalogueView, normaliseRoleName, rolePermissionSet } from '../../lib/domain/roles.ts';
import { keys } from '../../lib/store/keys.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('catalogueView (GET /v1/permissions)', () => {
  const view = catalogueView();

  it('lists every catalogue permission once, with a description', () => {
    const listed = view.resources.flatMap((r) => r.actions.map((a) => a.permission));
    expect(listed).toEqual([...ALL_PERMISSIONS]);
    for (const resource of view.resources) {
      for (const action of resource.actions) {
        expect(action.permission).toBe(`${resource.resource}:${action.action}`);
        expect(action.description.length).toBeGreaterThan(5);
      }
    }
  });

  it('marks contacts, and only contacts, as gated by CRM access', () => {
    expect(view.resources.filter((r) => r.requiresCrmAccess).map((r) => r.resource)).toEqual(['contacts']);
  });

  it('shows the built-in roles with their display names and exact permissions', () => {
    expect(view.roles.map((r) => [r.id, r.name])).toEqual([
      ['admin', 'Administrator'],
      ['manager', 'Manager'],
      ['agent', 'Agent'],
    ]);
    for (const role of view.roles) expect(role.permissions).toEqual(BUILT_IN_ROLE_PERMISSIONS[role.id]);
  });
});

describe('role names', () => {
  it('ignore case, surrounding and repeated spaces', () => {
    expect(normaliseRoleName('  Sales   Agent ')).toBe('sales agent');
    expect(normaliseRoleName('SALES AGENT')).toBe(normaliseRoleName('sales agent'));
  });

  it('claim one key per name per tenant: ROLE_NAME#normalised', () => {
    expect(keys.roleName('t1', 'Support  Lead')).toEqual({ pk: 'TENANT#t1', sk: 'ROLE_NAME#support lead' });
    expect(keys.roleName('t1', 'support lead')).toEqual(keys.roleName('t1', ' SUPPORT LEAD'));
    expect(keys.roleName('t1', 'x')).not.toEqual(keys.roleName('t2', 'x'));
  });

  it('never make a claim that a role listing (begins_with ROLE#) would pick up', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (name) => {
        expect(keys.roleName('t', name).sk.startsWith(keys.rolePrefix)).toBe(false);
      }),
    );
    expect(keys.role('t', '01j0').sk.startsWith(keys.rolePrefix)).toBe(true);
  });
});

describe('rolePermissionSet', () => {
  it('keeps catalogue order and drops duplicates', () => {
    expect(rolePermissionSet(['contacts:edit', 'contacts:view', 'contacts:edit'])).toEqual([
      'contacts:view',
      'contacts:edit',
    ]);
    expect(rolePermissionSet([])).toEqual([]);
  });

  it('refuses unknown permissions with a 400 naming each', () => {
    try {
      rolePermissionSet(['contacts:view', 'contacts:fly', 'nope']);
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error) && error.code).toBe('validation-failed');
      expect((error as Error).message).toContain('contacts:fly, nope');
      expect((error as { extensions: { errors: unknown[] } }).extensions.errors).toEqual([
        { path: 'body.permissions', message: 'Unknown permission contacts:fly' },
        { path: 'body.permissions', message: 'Unknown permission nope' },
      ]);
    }
  });
});

describe('assertCanDefine (no escalation through roles)', () => {
  const manager = BUILT_IN_ROLE_PERMISSIONS.manager;

  it('lets an editor put in only permissions they hold', () => {
    expect(codeOf(() => assertCanDefine(manager, { after: ['contacts:view', 'teams:manage'] }))).toBeUndefined();
    expect(codeOf(() => assertCanDefine(manager, { after: ['contacts:view', 'billing:manage'] }))).toBe('forbidden');
  });

  it('names what the editor lacks', () => {
    expect(() => assertCanDefine(['contacts:view'], { after: ['contacts:view', 'users:delete'] })).toThrow(
      /users:delete/,
    );
  });

  it('refuses changing or deleting a role more powerful than the editor', () => {
    expect(codeOf(() => assertCanDefine(manager, { before: ['billing:view'], after: [] }))).toBe('forbidden');
    expect(codeOf(() => assertCanDefine(manager, { before: ['billing:view'] }))).toBe('forbidden');
  });

  it('property: allowed exactly when before ∪ after ⊆ held', () => {
    const perms = fc.subarray([...ALL_PERMISSIONS] as Permission[]);
    fc.assert(
      fc.property(perms, perms, perms, (held, before, after) => {
        const allowed = [...before, ...after].every((p) => held.includes(p));
        expect(codeOf(() => assertCanDefine(held, { before, after })) === undefined).toBe(allowed);
      }),
    );
  });
});
