/**
 * The route table: plain data driving the CDK API, the local gateway and the
 * OpenAPI document. Adding an operation = one handler file + one row here.
 */
import type { Permission } from '../domain/permissions.ts';
import { API_KEY_ROWS } from './rows/api-keys.ts';
import { ENTERPRISE_ROWS } from './rows/enterprise.ts';
import { MFA_ROWS } from './rows/mfa.ts';
import { SCIM_ROWS } from './rows/scim.ts';
import { SSO_ROWS } from './rows/sso.ts';
import { WEBHOOK_ROWS } from './rows/webhooks.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/**
 * public: no auth · user: Cognito JWT · platform: IAM in AWS, `x-platform-key` locally · scim: a tenant's SCIM
 * token (a Lambda REQUEST authorizer in AWS, the same code in the local gateway).
 */
export type AuthKind = 'public' | 'user' | 'platform' | 'scim';

/** Cognito admin actions a function may call; the stack grants exactly these. */
export type IdentityAction =
  | 'AdminGetUser'
  | 'AdminCreateUser'
  | 'AdminSetUserPassword'
  | 'AdminUpdateUserAttributes'
  | 'AdminDeleteUser'
  | 'AdminUserGlobalSignOut'
  | 'AdminInitiateAuth'
  | 'AdminSetUserMFAPreference';

export interface Uses {
  /** DynamoDB access: read-only or read-write. */
  table?: 'read' | 'readWrite';
  /** Cognito admin API calls (the public auth flows need no IAM). */
  identity?: readonly IdentityAction[];
  /** Calls the public Cognito auth API (login, refresh, forgot password): needs the client id. */
  authFlows?: true;
  /** Sends email through SES. */
  mail?: true;
  /** Decrypts the codes Cognito hands a custom sender trigger (the pool's sender KMS key). */
  senderKey?: true;
}

export interface RouteDef {
  /** Stable operation id: function name, OpenAPI operationId, log field. */
  id: string;
  method: HttpMethod;
  /** API Gateway path with `{param}` placeholders. */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  auth: AuthKind;
  /**
   * For user routes under `/v1/tenants/{tenantId}`: the permission the caller's
   * membership must hold. `null` = any active member of the tenant.
   */
  permission?: Permission | null;
  /**
   * On routes with `{userId}`: the member the path names may call it for
   * themselves without `permission` (e.g. setting their own availability).
   */
  self?: true;
  /**
   * Also served to the inbox backend, a machine: a twin row under
   * `/v1/platform/tenants/{tenantId}/…` with platform credentials is generated
   * from this one (same handler, audited with the platform principal as
   * actor). The platform holds exactly these permissions there — the row's
   * own `permission` among them — and nothing else.
   */
  platform?: readonly Permission[];
  /**
   * Only a person may call it (e.g. their own membership, claiming a conversation for themselves): an API
   * key is refused with 403. Every user route outside `/v1/tenants/{tenantId}` is such a route anyway.
   */
  personOnly?: true;
  /** Also takes an `application/x-www-form-urlencoded` body (a browser's form post: the SAML callback). */
  formBody?: true;
  /** On a generated twin: the row it was generated from (whose handler serves it). */
  twinOf?: string;
  summary: string;
  uses: Uses;
  /**
   * Files of npm packages the handler reads at run time (resolved from
   * node_modules, e.g. `swagger-ui-dist/swagger-ui.css`): the stack ships
   * them in the function bundle's own node_modules.
   */
  packageFiles?: readonly string[];
}

const ROWS = [
  {
    id: 'health',
    method: 'GET',
    path: '/v1/health',
    entry: 'functions/meta/health.ts',
    auth: 'public',
    summary: 'Liveness',
    uses: {},
  },
  {
    id: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    entry: 'functions/meta/openapi.ts',
    auth: 'public',
    summary: 'This API’s OpenAPI 3.1 document',
    uses: {},
  },
  {
    id: 'docs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/meta/docs.ts',
    auth: 'public',
    summary: 'The API reference page (Swagger UI over the OpenAPI document)',
    uses: {},
  },
  {
    id: 'docsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    entry: 'functions/meta/docs-asset.ts',
    auth: 'public',
    summary: 'A script or stylesheet of the reference page',
    uses: {},
    packageFiles: ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui.css'],
  },
  // ── platform (operator) ──────────────────────────────────────────────
  {
    id: 'platformCreateTenant',
    method: 'POST',
    path: '/v1/platform/tenants',
    entry: 'functions/platform/create-tenant.ts',
    auth: 'platform',
    summary: 'Create a tenant and invite its owner',
    uses: { table: 'readWrite', identity: ['AdminGetUser', 'AdminCreateUser', 'AdminSetUserPassword'], mail: true },
  },
  {
    id: 'platformListTenants',
    method: 'GET',
    path: '/v1/platform/tenants',
    entry: 'functions/platform/list-tenants.ts',
    auth: 'platform',
    summary: 'List tenants, newest first',
    uses: { table: 'read' },
  },
  {
    id: 'platformGetTenant',
    method: 'GET',
    path: '/v1/platform/tenants/{tenantId}',
    entry: 'functions/platform/get-tenant.ts',
    auth: 'platform',
    summary: 'Read a tenant',
    uses: { table: 'read' },
  },
  {
    id: 'platformUpdateTenant',
    method: 'PATCH',
    path: '/v1/platform/tenants/{tenantId}',
    entry: 'functions/platform/update-tenant.ts',
    auth: 'platform',
    summary: 'Rename or re-plan a tenant',
    uses: { table: 'readWrite' },
  },
  {
    id: 'platformCloseTenant',
    method: 'DELETE',
    path: '/v1/platform/tenants/{tenantId}',
    entry: 'functions/platform/close-tenant.ts',
    auth: 'platform',
    summary: 'Close a tenant: members lose access, every record is kept',
    uses: { table: 'readWrite' },
  },
  {
    id: 'platformOwnerInvitation',
    method: 'POST',
    path: '/v1/platform/tenants/{tenantId}/owner-invitation',
    entry: 'functions/platform/owner-invitation.ts',
    auth: 'platform',
    summary: 'Re-send the owner’s invitation, or invite a new owner address while none has accepted',
    uses: {
      table: 'readWrite',
      identity: ['AdminGetUser', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminDeleteUser'],
      mail: true,
    },
  },

  // ── invitations (public, by token) ──────────────────────────────────
  {
    id: 'previewInvitation',
    method: 'POST',
    path: '/v1/invitations/preview',
    entry: 'functions/invitations/preview.ts',
    auth: 'public',
    summary: 'Show the tenant, role and expiry of an invitation',
    uses: { table: 'read' },
  },
  {
    id: 'acceptInvitation',
    method: 'POST',
    path: '/v1/invitations/accept',
    entry: 'functions/invitations/accept.ts',
    auth: 'public',
    summary: 'Accept an invitation: set name and password, become active',
    uses: { table: 'readWrite', identity: ['AdminSetUserPassword', 'AdminUpdateUserAttributes'], authFlows: true },
  },
  // ── auth (public) ───────────────────────────────────────────────────
  {
    id: 'login',
    method: 'POST',
    path: '/v1/auth/login',
    entry: 'functions/auth/login.ts',
    auth: 'public',
    summary: 'Sign in with email and password (also sets the session cookie `roster_refresh` on /v1/auth)',
    // readWrite: a login with TOTP gets a challenge Roster records (lib/store/mfa-challenges.ts).
    uses: { table: 'readWrite', authFlows: true },
  },
  {
    id: 'refresh',
    method: 'POST',
    path: '/v1/auth/refresh',
    entry: 'functions/auth/refresh.ts',
    auth: 'public',
    summary: 'Exchange a refresh token (or the session cookie, with `X-Roster-Session: cookie`) for new tokens',
    // readWrite: a tenant that ended the session records the refreshed tokens as refused (DESIGN §2a rule 11).
    uses: { table: 'readWrite', authFlows: true },
  },
  {
    id: 'newPassword',
    method: 'POST',
    path: '/v1/auth/new-password',
    entry: 'functions/auth/new-password.ts',
    auth: 'public',
    summary: 'Answer the first-sign-in new-password challenge',
    uses: { table: 'readWrite', identity: ['AdminGetUser', 'AdminSetUserPassword'], authFlows: true },
  },
  {
    id: 'forgotPassword',
    method: 'POST',
    path: '/v1/auth/forgot-password',
    entry: 'functions/auth/forgot-password.ts',
    auth: 'public',
    summary: 'Send a password reset code (always 202)',
    uses: { authFlows: true },
  },
  {
    id: 'confirmForgotPassword',
    method: 'POST',
    path: '/v1/auth/confirm-forgot-password',
    entry: 'functions/auth/confirm-forgot-password.ts',
    auth: 'public',
    summary: 'Set a new password with the emailed code',
    uses: { table: 'readWrite', identity: ['AdminGetUser', 'AdminUserGlobalSignOut'], authFlows: true },
  },
  // ── the caller ──────────────────────────────────────────────────────
  {
    id: 'changePassword',
    method: 'POST',
    path: '/v1/auth/change-password',
    entry: 'functions/auth/change-password.ts',
    auth: 'user',
    summary: 'Change my own password; my other sessions end',
    uses: { table: 'readWrite', authFlows: true },
  },
  {
    id: 'signOut',
    method: 'POST',
    path: '/v1/auth/sign-out',
    entry: 'functions/auth/sign-out.ts',
    auth: 'user',
    summary: 'End this session, or every session of my login',
    uses: { table: 'readWrite', identity: ['AdminUserGlobalSignOut'], authFlows: true },
  },
  {
    id: 'getMe',
    method: 'GET',
    path: '/v1/me',
    entry: 'functions/auth/me.ts',
    auth: 'user',
    summary: 'The caller’s identity and memberships',
    uses: { table: 'read' },
  },
  // ── tenant (member view) ────────────────────────────────────────────
  {
    id: 'getTenant',
    method: 'GET',
    path: '/v1/tenants/{tenantId}',
    entry: 'functions/tenants/get.ts',
    auth: 'user',
    permission: null,
    summary: 'The tenant with its seat usage',
    uses: { table: 'read' },
  },
  {
    id: 'updateTenant',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}',
    entry: 'functions/tenants/update.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Rename the tenant or change its settings (auto-suspension of inactive members)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'getMyMembership',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/me',
    entry: 'functions/tenants/my-membership.ts',
    auth: 'user',
    permission: null,
    summary: 'The caller’s membership and effective permissions',
    personOnly: true,
    uses: { table: 'read' },
  },
  // ── members & invitations ───────────────────────────────────────────
  {
    id: 'inviteMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/invitations',
    entry: 'functions/invitations/invite.ts',
    auth: 'user',
    permission: 'users:create',
    summary: 'Invite a person by email (takes a seat)',
    uses: {
      table: 'readWrite',
      identity: ['AdminGetUser', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminDeleteUser'],
      mail: true,
    },
  },
  {
    id: 'createMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users',
    entry: 'functions/users/create.ts',
    auth: 'user',
    permission: 'users:create',
    summary: 'Create an active member with an initial password',
    uses: {
      table: 'readWrite',
      identity: [
        'AdminGetUser',
        'AdminCreateUser',
        'AdminSetUserPassword',
        'AdminUpdateUserAttributes',
        'AdminDeleteUser',
      ],
      mail: true,
    },
  },
  {
    id: 'listMembers',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/users',
    entry: 'functions/users/list.ts',
    auth: 'user',
    permission: 'users:view',
    summary:
      'List members, filtered by status, role, team, name/email prefix or days without a sign-in, optionally by last sign-in',
    platform: ['users:view'],
    uses: { table: 'read' },
  },
  {
    id: 'getMember',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/users/{userId}',
    entry: 'functions/users/get.ts',
    auth: 'user',
    permission: 'users:view',
    summary: 'Read a member',
    platform: ['users:view'],
    uses: { table: 'read' },
  },
  {
    id: 'updateMember',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}/users/{userId}',
    entry: 'functions/users/update.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Edit name, email, role, grants or CRM access',
    uses: {
      table: 'readWrite',
      identity: ['AdminGetUser', 'AdminUpdateUserAttributes', 'AdminUserGlobalSignOut'],
      mail: true,
    },
  },
  {
    id: 'deleteMember',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/users/{userId}',
    entry: 'functions/users/delete.ts',
    auth: 'user',
    permission: 'users:delete',
    summary: 'Delete a member or revoke an invitation (frees the seat)',
    uses: { table: 'readWrite', identity: ['AdminDeleteUser', 'AdminUserGlobalSignOut'] },
  },
  {
    id: 'suspendMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/suspend',
    entry: 'functions/users/suspend.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Block access temporarily (keeps the seat)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'deactivateMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/deactivate',
    entry: 'functions/users/deactivate.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Remove access, keep history (frees the seat)',
    uses: { table: 'readWrite', identity: ['AdminUserGlobalSignOut'] },
  },
  {
    id: 'reactivateMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/reactivate',
    entry: 'functions/users/reactivate.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Restore a suspended or deactivated member (a deactivated one needs a free seat)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'resendInvitation',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/resend-invitation',
    entry: 'functions/users/resend-invitation.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'New invitation link (the old one dies), new expiry',
    uses: { table: 'readWrite', mail: true },
  },
  {
    id: 'resetMemberPassword',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/reset-password',
    entry: 'functions/users/reset-password.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Set a password; by default it must be changed at next sign-in',
    uses: { table: 'readWrite', identity: ['AdminSetUserPassword', 'AdminUserGlobalSignOut'] },
  },
  // ── audit ───────────────────────────────────────────────────────────
  {
    id: 'listAuditEvents',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/audit-events',
    entry: 'functions/audit/list.ts',
    auth: 'user',
    permission: 'audit:view',
    summary: 'The audit trail, newest first, filtered by actor, target, action and time',
    uses: { table: 'read' },
  },
  {
    id: 'getAccessReview',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/access-review',
    entry: 'functions/audit/access-review.ts',
    auth: 'user',
    permission: 'audit:view',
    summary:
      'The access review: every member’s role, role template, effective permissions, grants, CRM access, teams, status and last sign-in (JSON, or CSV with Accept: text/csv)',
    uses: { table: 'read' },
  },
  // ── roles & permissions ─────────────────────────────────────────────
  {
    id: 'listPermissions',
    method: 'GET',
    path: '/v1/permissions',
    entry: 'functions/roles/permissions.ts',
    auth: 'user',
    summary: 'The permission catalogue and the built-in roles',
    uses: { table: 'read' },
  },
  {
    id: 'listRoles',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/roles',
    entry: 'functions/roles/list.ts',
    auth: 'user',
    permission: 'roles:view',
    summary: 'List the tenant’s custom roles',
    uses: { table: 'read' },
  },
  {
    id: 'createRole',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/roles',
    entry: 'functions/roles/create.ts',
    auth: 'user',
    permission: 'roles:create',
    summary: 'Create a custom role (only with permissions the caller holds)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'getRole',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    entry: 'functions/roles/get.ts',
    auth: 'user',
    permission: 'roles:view',
    summary: 'Read a custom role',
    uses: { table: 'read' },
  },
  {
    id: 'updateRole',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    entry: 'functions/roles/update.ts',
    auth: 'user',
    permission: 'roles:edit',
    summary: 'Rename a custom role or change its permissions (live for every holder)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'deleteRole',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    entry: 'functions/roles/delete.ts',
    auth: 'user',
    permission: 'roles:delete',
    summary: 'Delete a custom role nobody holds',
    uses: { table: 'readWrite' },
  },
  {
    id: 'transferOwnership',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/transfer-ownership',
    entry: 'functions/tenants/transfer-ownership.ts',
    auth: 'user',
    permission: 'settings:manage',
    summary: 'Make another active admin the owner (owner only)',
    personOnly: true,
    uses: { table: 'readWrite' },
  },
  // ── teams & availability ────────────────────────────────────────────
  {
    id: 'listTeams',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/teams',
    entry: 'functions/teams/list.ts',
    auth: 'user',
    permission: 'teams:view',
    summary: 'List the tenant’s teams by name',
    platform: ['teams:view'],
    uses: { table: 'read' },
  },
  {
    id: 'createTeam',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/teams',
    entry: 'functions/teams/create.ts',
    auth: 'user',
    permission: 'teams:manage',
    summary: 'Create a team (unique name, assignment strategy, capacity)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'getTeam',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/teams/{teamId}',
    entry: 'functions/teams/get.ts',
    auth: 'user',
    permission: 'teams:view',
    summary: 'Read a team',
    platform: ['teams:view'],
    uses: { table: 'read' },
  },
  {
    id: 'updateTeam',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}/teams/{teamId}',
    entry: 'functions/teams/update.ts',
    auth: 'user',
    permission: 'teams:manage',
    summary: 'Rename a team or change its strategy or capacity',
    uses: { table: 'readWrite' },
  },
  {
    id: 'deleteTeam',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/teams/{teamId}',
    entry: 'functions/teams/delete.ts',
    auth: 'user',
    permission: 'teams:manage',
    summary: 'Delete a team without members or conversations (409 with the counts otherwise)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'listTeamMembers',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/teams/{teamId}/members',
    entry: 'functions/teams/list-members.ts',
    auth: 'user',
    permission: 'teams:view',
    summary: 'List a team’s members: name, email, status, availability and open load',
    platform: ['teams:view'],
    uses: { table: 'read' },
  },
  {
    id: 'addTeamMember',
    method: 'PUT',
    path: '/v1/tenants/{tenantId}/teams/{teamId}/members/{userId}',
    entry: 'functions/teams/add-member.ts',
    auth: 'user',
    permission: 'teams:manage',
    summary: 'Add a member to a team (its queue drains to them if they have room)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'removeTeamMember',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/teams/{teamId}/members/{userId}',
    entry: 'functions/teams/remove-member.ts',
    auth: 'user',
    permission: 'teams:manage',
    summary: 'Remove a member from a team',
    uses: { table: 'readWrite' },
  },
  {
    id: 'setAvailability',
    method: 'PUT',
    path: '/v1/tenants/{tenantId}/users/{userId}/availability',
    entry: 'functions/users/availability.ts',
    auth: 'user',
    permission: 'teams:manage',
    self: true,
    summary: 'Set online/away: the person themselves, or someone with teams:manage who dominates them',
    platform: ['teams:manage'],
    uses: { table: 'readWrite' },
  },
  {
    id: 'setWorkingHours',
    method: 'PUT',
    path: '/v1/tenants/{tenantId}/users/{userId}/working-hours',
    entry: 'functions/users/working-hours.ts',
    auth: 'user',
    permission: 'teams:manage',
    self: true,
    summary:
      'Set weekly working hours in a time zone (outside them the person is effectively away): self, or teams:manage over someone the caller dominates',
    uses: { table: 'readWrite' },
  },
  {
    id: 'clearWorkingHours',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/users/{userId}/working-hours',
    entry: 'functions/users/clear-working-hours.ts',
    auth: 'user',
    permission: 'teams:manage',
    self: true,
    summary:
      'Remove the working hours (available whenever online again): self, or teams:manage over someone the caller dominates',
    uses: { table: 'readWrite' },
  },
  // ── conversation assignment ─────────────────────────────────────────
  {
    id: 'getAssignment',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/conversations/{conversationId}/assignment',
    entry: 'functions/assignments/get.ts',
    auth: 'user',
    permission: 'conversations:view_assigned',
    summary: 'Who is responsible for a conversation (one’s own, or any with conversations:view)',
    platform: ['conversations:view_assigned'],
    uses: { table: 'read' },
  },
  {
    id: 'assignConversation',
    method: 'PUT',
    path: '/v1/tenants/{tenantId}/conversations/{conversationId}/assignment',
    entry: 'functions/assignments/assign.ts',
    auth: 'user',
    permission: 'conversations:assign',
    summary: 'Assign (or reassign) a conversation to a person or a team',
    platform: ['conversations:assign'],
    uses: { table: 'readWrite' },
  },
  {
    id: 'unassignConversation',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/conversations/{conversationId}/assignment',
    entry: 'functions/assignments/unassign.ts',
    auth: 'user',
    permission: 'conversations:reply',
    summary: 'Unassign: one’s own conversation, or anyone’s with conversations:assign',
    platform: ['conversations:reply', 'conversations:assign'],
    uses: { table: 'readWrite' },
  },
  {
    id: 'resolveConversation',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/conversations/{conversationId}/resolve',
    entry: 'functions/assignments/resolve.ts',
    auth: 'user',
    permission: 'conversations:reply',
    summary:
      'The inbox closed it: the assignment ends, capacity frees, the queue drains (one’s own, or any with conversations:assign)',
    platform: ['conversations:reply', 'conversations:assign'],
    uses: { table: 'readWrite' },
  },
  {
    id: 'listTeamQueue',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/teams/{teamId}/queue',
    entry: 'functions/teams/queue.ts',
    auth: 'user',
    permission: 'teams:view',
    summary:
      'The team’s waiting conversations, oldest first, with when and why each queued (its members, or conversations:view or teams:manage)',
    platform: ['teams:view'],
    uses: { table: 'read' },
  },
  {
    id: 'claimConversation',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/conversations/{conversationId}/claim',
    entry: 'functions/assignments/claim.ts',
    auth: 'user',
    permission: 'conversations:reply',
    summary:
      'Take an unassigned conversation (409 when someone has it); a team-queued one needs membership of the team (or conversations:assign) and room under its capacity',
    personOnly: true,
    uses: { table: 'readWrite' },
  },
  {
    id: 'listMemberAssignments',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/users/{userId}/assignments',
    entry: 'functions/assignments/list-for-member.ts',
    auth: 'user',
    permission: 'conversations:view',
    self: true,
    summary: 'A person’s open conversations (their own, or anyone’s with conversations:view)',
    platform: ['conversations:view'],
    uses: { table: 'read' },
  },
  // The areas that keep their rows in lib/http/rows/ (one file an area).
  ...API_KEY_ROWS,
  ...SCIM_ROWS,
  ...WEBHOOK_ROWS,
  ...ENTERPRISE_ROWS,
  ...SSO_ROWS,
  ...MFA_ROWS,
] as const satisfies readonly RouteDef[];

/** The rows as written (their literal types drive each handler's `access` type). */
export type RouteRows = typeof ROWS;
export type RouteId = (typeof ROWS)[number]['id'];

const TENANT_PREFIX = '/v1/tenants/{tenantId}';
export const PLATFORM_TENANT_PREFIX = '/v1/platform/tenants/{tenantId}';

/** The platform twin of a row flagged `platform`: same handler, platform auth, its path under /v1/platform. */
export function twinOf(row: RouteDef): RouteDef {
  if (!row.platform || !row.path.startsWith(TENANT_PREFIX) || row.auth !== 'user') {
    throw new Error(`Route ${row.id} has no platform twin`);
  }
  const { self: _self, platform, ...rest } = row;
  return {
    ...rest,
    id: `platform${row.id.charAt(0).toUpperCase()}${row.id.slice(1)}`,
    path: `${PLATFORM_TENANT_PREFIX}${row.path.slice(TENANT_PREFIX.length)}`,
    auth: 'platform',
    permission: row.permission,
    platform,
    twinOf: row.id,
    summary: `${row.summary} — the inbox backend’s twin (platform credentials)`,
  };
}

/** Every route: the rows, then the platform twins generated from the flagged ones. */
export const ROUTES: readonly RouteDef[] = [
  ...(ROWS as readonly RouteDef[]),
  ...(ROWS as readonly RouteDef[]).filter((r) => r.platform).map(twinOf),
];

export function routeById(id: string): RouteDef {
  const found = ROUTES.find((r) => r.id === id);
  if (!found) throw new Error(`Unknown route ${id}`);
  return found;
}

/** The platform twin generated from the row `id`, if it is flagged. */
export const twinRouteOf = (id: string): RouteDef | undefined => ROUTES.find((r) => r.twinOf === id);

/** Scheduled functions (not HTTP routes); the stack and the local stack run these too. */
export interface JobDef {
  id: string;
  entry: string;
  /** EventBridge schedule expression in AWS; locally every job runs every minute. */
  schedule: string;
  uses: Uses;
  /** A role of its own (further grants that must not reach the jobs and routes with the same `uses`). */
  ownRole?: true;
}

export const JOBS: readonly JobDef[] = [
  {
    id: 'expireInvitations',
    entry: 'functions/jobs/expire-invitations.ts',
    schedule: 'rate(1 hour)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'releaseAssignments',
    entry: 'functions/jobs/release-assignments.ts',
    schedule: 'rate(5 minutes)',
    uses: { table: 'readWrite' },
  },
  {
    id: 'accessUpkeep',
    entry: 'functions/jobs/access-upkeep.ts',
    schedule: 'rate(1 hour)',
    uses: { table: 'readWrite', mail: true },
  },
  {
    // Each verified domain is looked up a day after its last check; hourly runs retry failed lookups sooner.
    id: 'checkDomains',
    entry: 'functions/jobs/check-domains.ts',
    schedule: 'rate(1 hour)',
    uses: { table: 'readWrite' },
  },
  {
    // Webhook retries that are due (issue 21); the first attempt is the fan-out function's, retries within 15 min
    // the retry queue's. Its own role: it may also send to the retry queue.
    id: 'deliverWebhooks',
    entry: 'functions/jobs/deliver-webhooks.ts',
    schedule: 'rate(1 minute)',
    uses: { table: 'readWrite', mail: true },
    ownRole: true,
  },
];

/** Cognito user pool triggers (lower camel case, as in the pool's LambdaConfig). */
export type CognitoTrigger =
  | 'postAuthentication'
  | 'customEmailSender'
  | 'defineAuthChallenge'
  | 'createAuthChallenge'
  | 'verifyAuthChallengeResponse';

/**
 * Functions the user pool invokes. The stack attaches each to the pool; the
 * local stack has cognito-local call the same handler through a local Lambda
 * endpoint. A trigger gets no pool variables (the pool depends on it).
 */
export interface TriggerDef {
  id: string;
  entry: string;
  trigger: CognitoTrigger;
  uses: Uses;
}

export const TRIGGERS: readonly TriggerDef[] = [
  {
    id: 'postAuthentication',
    entry: 'functions/triggers/post-authentication.ts',
    trigger: 'postAuthentication',
    uses: { table: 'readWrite' },
  },
  {
    id: 'customEmailSender',
    entry: 'functions/triggers/custom-email-sender.ts',
    trigger: 'customEmailSender',
    uses: { mail: true, senderKey: true },
  },
  // Cognito's custom authentication: how an SSO sign-in gets the pool's own tokens (docs/architecture.md).
  {
    id: 'defineAuthChallenge',
    entry: 'functions/triggers/define-auth-challenge.ts',
    trigger: 'defineAuthChallenge',
    uses: {},
  },
  {
    id: 'createAuthChallenge',
    entry: 'functions/triggers/create-auth-challenge.ts',
    trigger: 'createAuthChallenge',
    uses: {},
  },
  {
    id: 'verifyAuthChallenge',
    entry: 'functions/triggers/verify-auth-challenge.ts',
    trigger: 'verifyAuthChallengeResponse',
    uses: { table: 'readWrite' },
  },
];
