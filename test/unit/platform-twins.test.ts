/**
 * The platform twins (the inbox backend's routes) are generated from a flag on
 * the route-table row: same handler, the path under /v1/platform/tenants,
 * platform auth, and exactly the permissions the row grants — never more.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteDef, twinOf } from '../../lib/http/routes.ts';

const rows = ROUTES.filter((r) => !r.twinOf);
const twins = ROUTES.filter((r) => r.twinOf);

describe('platform twins', () => {
  it('one twin per flagged row: same handler and method, platform auth, its path under /v1/platform/tenants', () => {
    const flagged = rows.filter((r) => r.platform);
    expect(twins.map((t) => t.twinOf)).toEqual(flagged.map((r) => r.id));
    for (const twin of twins) {
      const row = rows.find((r) => r.id === twin.twinOf) as RouteDef;
      expect(twin).toMatchObject({ entry: row.entry, method: row.method, auth: 'platform', uses: row.uses });
      expect(twin.path).toBe(row.path.replace('/v1/tenants/{tenantId}', '/v1/platform/tenants/{tenantId}'));
      expect(twin.self).toBeUndefined();
    }
  });

  it('the platform holds the row’s own permission and only what the row lists', () => {
    for (const twin of twins) {
      expect(twin.platform, twin.id).toContain(twin.permission);
      expect(twin.platform).toEqual(rows.find((r) => r.id === twin.twinOf)?.platform);
    }
  });

  it('covers what the inbox backend needs: conversations, the queue, team and member reads, availability', () => {
    expect(twins.map((t) => `${t.method} ${t.path}`).sort()).toEqual(
      [
        'GET /v1/platform/tenants/{tenantId}/conversations/{conversationId}/assignment',
        'PUT /v1/platform/tenants/{tenantId}/conversations/{conversationId}/assignment',
        'DELETE /v1/platform/tenants/{tenantId}/conversations/{conversationId}/assignment',
        'POST /v1/platform/tenants/{tenantId}/conversations/{conversationId}/resolve',
        'GET /v1/platform/tenants/{tenantId}/teams/{teamId}/queue',
        'GET /v1/platform/tenants/{tenantId}/teams',
        'GET /v1/platform/tenants/{tenantId}/teams/{teamId}',
        'GET /v1/platform/tenants/{tenantId}/teams/{teamId}/members',
        'GET /v1/platform/tenants/{tenantId}/users',
        'GET /v1/platform/tenants/{tenantId}/users/{userId}',
        'GET /v1/platform/tenants/{tenantId}/users/{userId}/assignments',
        'PUT /v1/platform/tenants/{tenantId}/users/{userId}/availability',
      ].sort(),
    );
    // Nothing that changes people, roles, teams or the tenant itself.
    for (const twin of twins)
      expect(twin.permission ?? '').not.toMatch(/^(users|roles|settings):(create|edit|delete|manage)/);
  });

  it('refuses to twin a row that is not a member route under /v1/tenants/{tenantId}', () => {
    const health = ROUTES.find((r) => r.id === 'health') as RouteDef;
    expect(() => twinOf({ ...health, platform: [] })).toThrow(/no platform twin/);
  });
});
