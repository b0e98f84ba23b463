/** Members, memberships and a permission catalogue shaped like the API's, and a console to render screens in. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { ConsoleContext, consoleState } from '../../web/src/console/context';
import type { Catalogue, MyMembership, Permission } from '../../web/src/data/tenant';
import type { Member } from '../../web/src/data/users';

export const ALL: Permission[] = [
  'users:view',
  'users:create',
  'users:edit',
  'users:delete',
  'roles:view',
  'roles:create',
  'roles:edit',
  'roles:delete',
  'teams:view',
  'teams:manage',
  'audit:view',
  'contacts:view',
  'contacts:edit',
  'settings:manage',
];

export function member(overrides: Partial<Member> = {}): Member {
  const lastLoginAt = overrides.lastLoginAt === undefined ? '2026-03-01T09:30:00.000Z' : overrides.lastLoginAt;
  return {
    id: 'u-ann',
    tenantId: 't1',
    email: 'ann@acme.test',
    name: 'Ann Agent',
    role: 'agent',
    grants: [],
    crmAccess: true,
    status: 'active',
    availability: 'online',
    effectiveAvailability: overrides.availability ?? 'online',
    workingHours: null,
    teamIds: [],
    lastLoginAt,
    inactiveSince: lastLoginAt ?? '2026-02-01T09:30:00.000Z',
    invitedAt: null,
    invitationExpiresAt: null,
    managedBy: null,
    createdAt: '2026-02-01T09:30:00.000Z',
    ...overrides,
  } as Member;
}

export function membership(permissions: Permission[], overrides: Partial<MyMembership> = {}): MyMembership {
  return {
    ...member({ id: 'u-me', email: 'me@acme.test', name: 'Me Admin', role: 'admin' }),
    owner: false,
    permissions,
    tenant: {
      id: 't1',
      name: 'Acme',
      plan: 'starter',
      ownerId: 'u-owner',
      status: 'active',
      seats: { used: 2, limit: 3, available: 1 },
      seatLimitOverride: null,
      mfa: { required: false, graceDays: 7, includeSso: false, requiredAt: null, enforcedFrom: null },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
    ...overrides,
  } as MyMembership;
}

export const catalogue: Catalogue = {
  resources: [
    {
      resource: 'users',
      actions: [
        { action: 'view', permission: 'users:view', description: 'See users' },
        { action: 'create', permission: 'users:create', description: 'Invite and create users' },
        { action: 'edit', permission: 'users:edit', description: 'Edit users' },
        { action: 'delete', permission: 'users:delete', description: 'Delete users' },
      ],
    },
    {
      resource: 'contacts',
      requiresCrmAccess: true,
      actions: [
        { action: 'view', permission: 'contacts:view', description: 'See contacts' },
        { action: 'edit', permission: 'contacts:edit', description: 'Edit contacts' },
      ],
    },
    {
      resource: 'billing',
      actions: [{ action: 'manage', permission: 'billing:manage', description: 'Change the plan' }],
    },
  ],
  roles: [
    {
      id: 'admin',
      name: 'Administrator',
      description: 'Everything',
      builtIn: true,
      permissions: [...ALL, 'billing:manage'],
    },
    { id: 'manager', name: 'Manager', description: 'Teams', builtIn: true, permissions: ['users:view', 'teams:view'] },
    { id: 'agent', name: 'Agent', description: 'Answers', builtIn: true, permissions: ['users:view'] },
  ],
};

/** JSON answers by `METHOD path` (query ignored); anything else is a 404 problem. Returns the calls made. */
export function stubApi(routes: Record<string, unknown>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetchStub = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    calls.push({ method: request.method, path: url.pathname, body: text ? JSON.parse(text) : undefined });
    const key = `${request.method} ${url.pathname}`;
    if (key in routes) {
      return new Response(JSON.stringify(routes[key]), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    return new Response(
      JSON.stringify({
        type: 'urn:roster:problem:not-found',
        title: 'Not found',
        status: 404,
        code: 'not-found',
        detail: `No ${key}`,
      }),
      { status: 404, headers: { 'content-type': 'application/problem+json' } },
    );
  });
  vi.stubGlobal('fetch', fetchStub);
  return calls;
}

/** Renders `ui` inside the console context of `me`, with a fresh query cache. */
export function inConsole(ui: ReactNode, me: MyMembership) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ConsoleContext.Provider value={consoleState(me)}>{ui}</ConsoleContext.Provider>
    </QueryClientProvider>,
  );
}
