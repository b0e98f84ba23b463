/**
 * Route-table rows of one area (see ../routes.ts): spread into the one table,
 * which drives the CDK API, the local gateway and the OpenAPI document.
 *
 * Verified domains and auto-join (DESIGN §1 "Enterprise sign-in", §2a rules
 * 13–14). The domain routes need settings:manage *and* the admin role (the
 * use case refuses any custom role short of admin).
 */
import type { RouteDef } from '../routes.ts';

export const ENTERPRISE_ROWS = [
  {
    id: 'listDomains',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/domains',
    entry: 'functions/domains/list.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'The organisation’s domains, each with its status and the TXT record that proves it (admins only)',
    uses: { table: 'read' },
  },
  {
    id: 'addDomain',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/domains',
    entry: 'functions/domains/add.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary:
      'Add a domain (pending) and get the TXT record to publish; free-mail domains, public suffixes and IP literals are refused (admins only)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'verifyDomain',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/domains/{domain}/verify',
    entry: 'functions/domains/verify.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary:
      'Look the TXT record up now: verified, or failed; 409 when another organisation verified the domain (admins only)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'removeDomain',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/domains/{domain}',
    entry: 'functions/domains/remove.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Remove a domain: it no longer enables single sign-on provisioning or auto-join (admins only)',
    uses: { table: 'readWrite' },
  },
  // ── auto-join ───────────────────────────────────────────────────────
  {
    id: 'listJoinableTenants',
    method: 'GET',
    path: '/v1/me/joinable-tenants',
    entry: 'functions/auto-join/joinable.ts',
    auth: 'user',
    summary:
      'The organisation the caller may join on their own: their proven address is in its verified domain and it offers auto-join (nothing else is listed)',
    uses: { table: 'read' },
  },
  {
    id: 'joinTenant',
    method: 'POST',
    path: '/v1/me/joinable-tenants/{tenantId}/join',
    entry: 'functions/auto-join/join.ts',
    auth: 'user',
    summary:
      'Join an organisation through auto-join: at once (automatic, seat permitting) or by a request an admin approves',
    uses: { table: 'readWrite' },
  },
  {
    id: 'listJoinRequests',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/join-requests',
    entry: 'functions/auto-join/list-requests.ts',
    auth: 'user',
    permission: 'users:create',
    summary: 'People who asked to join through auto-join, waiting for an answer',
    uses: { table: 'read' },
  },
  {
    id: 'approveJoinRequest',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/join-requests/{requestId}/approve',
    entry: 'functions/auto-join/approve.ts',
    auth: 'user',
    permission: 'users:create',
    summary: 'Let the person in with the default role (seat permitting; the domain must still be verified)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'denyJoinRequest',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/join-requests/{requestId}/deny',
    entry: 'functions/auto-join/deny.ts',
    auth: 'user',
    permission: 'users:create',
    summary: 'Turn the request down (the person may ask again)',
    uses: { table: 'readWrite' },
  },
] as const satisfies readonly RouteDef[];
