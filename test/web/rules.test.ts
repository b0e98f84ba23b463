/** The pages validate as the API does: their password rules are the ones openapi.json states. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertDominates } from '../../lib/domain/identity';
import { ALL_PERMISSIONS, effectivePermissions, type PermissionSubject, type Role } from '../../lib/domain/permissions';
import { catalogueView } from '../../lib/domain/roles';
import type { Catalogue } from '../../web/src/data/tenant';
import { CONSOLE_CSP, isPagePath, PAGE_PATHS } from '../../web/src/pages';
import { effectiveOf, mayActOn } from '../../web/src/ui/dominance';
import { MAX_INTERVALS, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_PATTERNS, passwordProblem } from '../../web/src/ui/rules';

// vitest runs from the repository root (import.meta.url is not a file: URL under happy-dom).
const document = JSON.parse(readFileSync(join(process.cwd(), 'openapi.json'), 'utf8'));

describe('password rules', () => {
  it('match the API’s password policy wherever a password is set', () => {
    const field = (path: string, name: string) =>
      document.paths[path].post.requestBody.content['application/json'].schema.properties[name];
    for (const schema of [
      field('/v1/auth/change-password', 'newPassword'),
      field('/v1/auth/new-password', 'newPassword'),
      field('/v1/auth/confirm-forgot-password', 'newPassword'),
      field('/v1/tenants/{tenantId}/users/{userId}/reset-password', 'password'),
    ]) {
      expect(schema.minLength).toBe(PASSWORD_MIN);
      expect(schema.maxLength).toBe(PASSWORD_MAX);
      expect(schema.allOf.map((p: { pattern: string }) => p.pattern)).toEqual([...PASSWORD_PATTERNS]);
    }
  });

  it('say what is missing, and pass a password the API accepts', () => {
    expect(passwordProblem('Short1A')).toMatch(/at least 12/);
    expect(passwordProblem('NOLOWERCASE123')).toBe('Add a lowercase letter.');
    expect(passwordProblem('nouppercase123')).toBe('Add an uppercase letter.');
    expect(passwordProblem('NoDigitsAtAllHere')).toBe('Add a digit.');
    expect(passwordProblem('Correct-Horse-42')).toBeUndefined();
  });
});

describe('working hours', () => {
  it('hold at most as many stretches a week as the API takes', () => {
    const body =
      document.paths['/v1/tenants/{tenantId}/users/{userId}/working-hours'].put.requestBody.content['application/json'];
    expect(body.schema.properties.weekly.maxItems).toBe(MAX_INTERVALS);
  });
});

describe('page paths', () => {
  it('are the hosted pages and the console screens, never the API', () => {
    for (const path of [
      '/',
      '/sign-in',
      '/accept-invitation',
      '/forgot-password',
      '/users',
      '/audit/',
      '/access-review',
    ]) {
      expect(isPagePath(path), path).toBe(true);
    }
    for (const path of ['/v1/health', '/docs', '/assets/index.js', '/favicon.svg', '/nope']) {
      expect(isPagePath(path), path).toBe(false);
    }
    expect(PAGE_PATHS.every((p) => p.startsWith('/'))).toBe(true);
  });

  it('carry a CSP with no inline script, no other origin and no framing', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});

describe('who the console lets one act on (availability, working hours)', () => {
  const NOW = Date.parse('2026-06-01T12:00:00.000Z');
  const builtIn = catalogueView().roles as unknown as Catalogue['roles'];
  const custom = [{ id: 'sales', permissions: ['contacts:view', 'campaigns:view', 'users:view'] }];
  const grant = fc.oneof(
    fc.constantFrom(...ALL_PERMISSIONS),
    fc.record({
      permission: fc.constantFrom(...ALL_PERMISSIONS),
      expiresAt: fc.constantFrom('2026-05-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'),
    }),
  );
  const person = fc.record({
    id: fc.constantFrom('a', 'b'),
    role: fc.constantFrom('admin', 'manager', 'agent', 'custom') as fc.Arbitrary<Role>,
    grants: fc.array(grant, { maxLength: 4 }),
    crmAccess: fc.boolean(),
  });

  it('agrees with the API’s dominance rule (lib/domain/identity.ts) on every pair', () => {
    fc.assert(
      fc.property(person, person, (actor, target) => {
        const rolePerms = (r: Role) => (r === 'custom' ? custom[0]?.permissions : undefined);
        const principal = (p: typeof actor) => ({
          id: p.id,
          role: p.role,
          isOwner: false,
          permissions: effectivePermissions(p as PermissionSubject, rolePerms(p.role), new Date(NOW)),
        });
        let api = true;
        try {
          assertDominates(principal(actor), principal(target), 'edit');
        } catch {
          api = false;
        }
        const t = { ...target, roleId: target.role === 'custom' ? 'sales' : undefined };
        const seen = mayActOn(principal(actor), t, effectiveOf(t, { builtIn, custom }, NOW));
        expect(seen).toBe(api);
      }),
      { numRuns: 500 },
    );
  });

  it('a manager may not act on the owner (an admin); a custom role nobody may read is not assumed harmless', () => {
    const manager = { id: 'm', role: 'manager', permissions: builtIn[1]?.permissions ?? [] };
    const owner = { id: 'o', role: 'admin', grants: [], crmAccess: true };
    expect(mayActOn(manager, owner, effectiveOf(owner, { builtIn, custom: undefined }, NOW))).toBe(false);
    const templated = { id: 'x', role: 'custom', roleId: 'sales', grants: [], crmAccess: true };
    expect(effectiveOf(templated, { builtIn, custom: undefined }, NOW)).toBeUndefined();
    expect(mayActOn(manager, templated, undefined)).toBe(false);
    expect(mayActOn(manager, { ...templated, id: 'm' }, undefined)).toBe(true);
  });
});
