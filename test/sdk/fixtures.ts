/** Table items as the store writes them, for SDK-level tests; override what a test is about. */
export const TABLE = 'roster-test';

export function tenantItem(overrides: Record<string, unknown> = {}) {
  return {
    entity: 'tenant',
    pk: 'TENANT#acme',
    sk: '#TENANT',
    id: 'acme',
    name: 'Acme',
    plan: 'growth',
    seatLimitOverride: null,
    seatLimit: 5,
    seatsUsed: 2,
    activeAdmins: 1,
    ownerId: 'u-owner',
    status: 'active',
    rolePermissions: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 3,
    ...overrides,
  };
}

/** A member of tenant `acme`; its key follows `id`. */
export function memberItem(overrides: Record<string, unknown> = {}) {
  const id = (overrides.id as string | undefined) ?? 'u-1';
  return {
    entity: 'member',
    pk: 'TENANT#acme',
    sk: `MEMBER#${id}`,
    tenantId: 'acme',
    id,
    email: 'ann@acme.test',
    name: 'Ann',
    status: 'active',
    role: 'agent',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** The `IDENTITY#<id>` item of a login (DESIGN §2a): joined `acme`, managed by it, no session revoked. */
export function identityItem(overrides: Record<string, unknown> = {}) {
  const id = (overrides.id as string | undefined) ?? 'u-1';
  return {
    entity: 'identity',
    pk: `IDENTITY#${id}`,
    sk: '#IDENTITY',
    id,
    email: 'ann@acme.test',
    managedBy: 'acme',
    acceptedTenants: new Set(['acme']),
    membershipCount: 1,
    hasPassword: true,
    mustChangePassword: false,
    tokensValidAfter: 0,
    version: 1,
    ...overrides,
  };
}
