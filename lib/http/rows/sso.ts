/**
 * Route-table rows of one area (see ../routes.ts): spread into the one table,
 * which drives the CDK API, the local gateway and the OpenAPI document.
 *
 * Single sign-on (docs/architecture.md, "Single sign-on"): connections are
 * admins' alone (DESIGN §2a rule 14: `settings:manage` AND the admin role,
 * checked in lib/app/sso.ts); discovery, start and callback are public.
 */
import type { RouteDef } from '../routes.ts';

const CONNECTIONS = '/v1/tenants/{tenantId}/sso-connections';
/** The callback: finds or provisions the login, then Cognito's custom challenge (no IAM for that: public flows). */
const CALLBACK_USES = {
  table: 'readWrite',
  identity: ['AdminGetUser', 'AdminCreateUser', 'AdminSetUserPassword'],
  authFlows: true,
} as const;

export const SSO_ROWS = [
  {
    id: 'listSsoConnections',
    method: 'GET',
    path: CONNECTIONS,
    entry: 'functions/sso/list.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'The tenant’s SSO connections with the values their IdP needs (admins only)',
    uses: { table: 'read' },
  },
  {
    id: 'createSsoConnection',
    method: 'POST',
    path: CONNECTIONS,
    entry: 'functions/sso/create.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Connect an OIDC or SAML 2.0 identity provider for verified domains (admins only)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'getSsoConnection',
    method: 'GET',
    path: `${CONNECTIONS}/{connectionId}`,
    entry: 'functions/sso/get.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'One SSO connection (admins only; the client secret is never returned)',
    uses: { table: 'read' },
  },
  {
    id: 'updateSsoConnection',
    method: 'PATCH',
    path: `${CONNECTIONS}/{connectionId}`,
    entry: 'functions/sso/update.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Rename an SSO connection, change its domains, secret or metadata (admins only)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'deleteSsoConnection',
    method: 'DELETE',
    path: `${CONNECTIONS}/{connectionId}`,
    entry: 'functions/sso/delete.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Remove an SSO connection (admins only)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'ssoDiscover',
    method: 'POST',
    path: '/v1/auth/sso/discover',
    entry: 'functions/sso/discover.ts',
    auth: 'public',
    summary: 'Home-realm discovery: the SSO connections of an email’s verified domain',
    uses: { table: 'read' },
  },
  {
    id: 'ssoStart',
    method: 'GET',
    path: '/v1/auth/sso/{connectionId}/start',
    entry: 'functions/sso/start.ts',
    auth: 'public',
    summary: 'Start an SSO sign-in: a redirect to the identity provider',
    uses: { table: 'readWrite' },
  },
  {
    id: 'ssoCallback',
    method: 'GET',
    path: '/v1/auth/sso/callback',
    entry: 'functions/sso/callback.ts',
    auth: 'public',
    summary: 'The OIDC redirect back: signed in (session cookie) and sent to the console',
    uses: CALLBACK_USES,
  },
  {
    id: 'ssoCallbackPost',
    method: 'POST',
    path: '/v1/auth/sso/callback',
    entry: 'functions/sso/callback-post.ts',
    auth: 'public',
    summary: 'The SAML HTTP-POST binding back: signed in (session cookie) and sent to the console',
    uses: CALLBACK_USES,
    formBody: true,
  },
  {
    id: 'ssoLink',
    method: 'POST',
    path: '/v1/auth/sso/link',
    entry: 'functions/sso/link.ts',
    auth: 'public',
    summary: 'Confirm an SSO sign-in that met an existing login: its password (and code) link it, then signed in',
    uses: CALLBACK_USES,
  },
] as const satisfies readonly RouteDef[];
