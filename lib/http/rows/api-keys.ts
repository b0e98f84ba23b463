/**
 * Route-table rows of one area (see ../routes.ts): spread into the one table,
 * which drives the CDK API, the local gateway and the OpenAPI document.
 * API keys (DESIGN §1 "A tenant's own machines"; docs/architecture.md, "API keys").
 */
import type { RouteDef } from '../routes.ts';

export const API_KEY_ROWS = [
  {
    id: 'listApiKeys',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/api-keys',
    entry: 'functions/api-keys/list.ts',
    auth: 'user',
    permission: 'integrations:manage',
    summary: 'List the tenant’s API keys (never their secrets)',
    uses: { table: 'read' },
  },
  {
    id: 'createApiKey',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/api-keys',
    entry: 'functions/api-keys/create.ts',
    auth: 'user',
    permission: 'integrations:manage',
    personOnly: true,
    summary: 'Create an API key with some of the caller’s permissions; its secret is in this response only',
    uses: { table: 'readWrite' },
  },
  {
    id: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/api-keys/{keyId}',
    entry: 'functions/api-keys/revoke.ts',
    auth: 'user',
    permission: 'integrations:manage',
    summary: 'Revoke an API key: the next request with it is refused (401)',
    uses: { table: 'readWrite' },
  },
] as const satisfies readonly RouteDef[];
