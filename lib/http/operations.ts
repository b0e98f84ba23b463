/**
 * What the route table does not say about each operation, for the OpenAPI
 * document: its success response, the problem codes its domain can answer
 * (those every route of its kind answers are added by lib/http/openapi.ts),
 * the request headers it honours, and an example request body.
 * Keyed by route id; a test fails when a route has no entry.
 */
import type * as z from 'zod';
import type { ErrorCode } from '../domain/errors.ts';
import * as scimView from './scim-views.ts';
import * as view from './views.ts';
import { WEBHOOK_OPERATIONS } from './webhook-operations.ts';

export interface SuccessDoc {
  status: 200 | 201 | 202 | 204 | 303;
  description: string;
  /** JSON body (omitted: no body, or `media` says what is sent). */
  schema?: z.ZodType;
  /** A non-JSON body, e.g. `text/html`, or the media types it may be (besides JSON when `schema` is set too). */
  media?: string | readonly string[];
  /** Further headers every success carries, by name, with what they say. */
  headers?: Readonly<Record<string, string>>;
  etag?: true;
  location?: true;
  /** The JSON body's media type when not `application/json` (SCIM's `application/scim+json`). */
  jsonMedia?: string;
}

export interface OperationDoc {
  ok: SuccessDoc;
  problems?: ErrorCode[];
  /** Honours `If-Match` (412 on a stale ETag). */
  ifMatch?: true;
  /** Accepts `Idempotency-Key`: a retry with the same key and body replays the first response. */
  idempotencyKey?: true;
  requestExample?: unknown;
}

const member = (description: string): OperationDoc => ({
  ok: { status: 200, description, schema: view.MemberView, etag: true },
  problems: ['invalid-transition', 'owner-protected', 'last-admin', 'seat-limit-reached', 'managed-by-directory'],
});
const tenant: SuccessDoc = { status: 200, description: 'The tenant', schema: view.TenantView, etag: true };
const role: SuccessDoc = { status: 200, description: 'The role', schema: view.RoleView, etag: true };
const team: SuccessDoc = { status: 200, description: 'The team', schema: view.TeamView, etag: true };
const assignment = (description: string): OperationDoc => ({
  ok: { status: 200, description, schema: view.AssignmentResult },
  problems: ['conflict'],
});
/** A SCIM body: RFC 7643's resources, errors in the SCIM error schema (not problem documents). */
const scimOk = (description: string): SuccessDoc => ({
  status: 200,
  description: `${description} (application/scim+json; errors are SCIM error documents with scimType)`,
  schema: scimView.ScimResource,
  jsonMedia: 'application/scim+json',
});
const invite = { email: 'ann@acme.example', name: 'Ann Agent', role: 'agent', crmAccess: true };

export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  health: { ok: { status: 200, description: 'Alive', schema: view.Health } },
  getOpenApi: { ok: { status: 200, description: 'This document', schema: view.OpenApiDocument } },
  docs: { ok: { status: 200, description: 'The API reference page', media: 'text/html' } },
  docsAsset: {
    ok: {
      status: 200,
      description: 'A script or stylesheet of the reference page',
      media: ['text/javascript', 'text/css'],
    },
    problems: ['not-found'],
  },
  platformCreateTenant: {
    ok: {
      status: 201,
      description: 'Created; the owner is invited',
      schema: view.ProvisionedTenant,
      etag: true,
      location: true,
    },
    problems: ['conflict'],
    requestExample: { name: 'Acme Support', plan: 'growth', owner: { email: 'olga@acme.example', name: 'Olga Owner' } },
  },
  platformListTenants: {
    ok: { status: 200, description: 'A page of tenants', schema: view.page(view.TenantView, 'TenantPage') },
  },
  platformGetTenant: { ok: tenant, problems: ['not-found'] },
  platformUpdateTenant: { ok: tenant, problems: ['not-found'], ifMatch: true, requestExample: { plan: 'scale' } },
  platformCloseTenant: { ok: tenant, problems: ['not-found'] },
  platformOwnerInvitation: {
    ok: { status: 200, description: 'The owner’s new invitation is on its way', schema: view.MemberView },
    problems: ['not-found', 'conflict', 'seat-limit-reached'],
    requestExample: { email: 'new-owner@acme.example', name: 'Nora Owner' },
  },
  previewInvitation: {
    ok: { status: 200, description: 'What the invitation is for', schema: view.InvitationPreview },
    problems: ['invitation-invalid'],
  },
  acceptInvitation: {
    ok: { status: 200, description: 'The membership is active', schema: view.Acceptance },
    problems: ['invitation-invalid', 'login-required', 'unauthenticated', 'conflict'],
    requestExample: { token: '…from the email link…', name: 'Ann Agent', password: 'Correct-horse-42' },
  },
  login: {
    ok: { status: 200, description: 'Tokens, or a challenge (new password; two-factor code)', schema: view.SignIn },
    problems: ['unauthenticated', 'too-many-requests', 'sso-required'],
    requestExample: { email: 'ann@acme.example', password: 'Correct-horse-42' },
  },
  refresh: {
    ok: { status: 200, description: 'New tokens', schema: view.SignIn },
    problems: ['unauthenticated', 'session-revoked'],
  },
  changePassword: {
    ok: { status: 200, description: 'Changed; fresh tokens (every other session ended)', schema: view.SignIn },
    problems: ['unauthenticated', 'too-many-requests'],
    requestExample: { currentPassword: 'Correct-horse-42', newPassword: 'Battery-staple-43' },
  },
  signOut: {
    ok: { status: 204, description: 'Signed out' },
    problems: ['unauthenticated'],
    requestExample: { everywhere: true },
  },
  newPassword: {
    ok: { status: 200, description: 'Tokens', schema: view.SignIn },
    problems: ['unauthenticated', 'too-many-requests'],
  },
  forgotPassword: {
    ok: { status: 202, description: 'A code is on its way if the email has a login', schema: view.Accepted },
    problems: ['too-many-requests'],
  },
  confirmForgotPassword: {
    ok: { status: 204, description: 'Password changed' },
    problems: ['unauthenticated', 'too-many-requests'],
  },
  getMe: { ok: { status: 200, description: 'The caller', schema: view.Me } },
  setupTotp: {
    ok: { status: 200, description: 'A TOTP secret to confirm with …/verify', schema: view.TotpSetup },
    problems: ['unauthenticated', 'conflict', 'too-many-requests'],
  },
  verifyTotp: {
    ok: { status: 200, description: 'Two-factor authentication is on', schema: view.MfaStatus },
    problems: ['unauthenticated', 'conflict', 'too-many-requests'],
    requestExample: { code: '123456' },
  },
  answerMfaChallenge: {
    ok: { status: 200, description: 'Tokens (or the new-password challenge)', schema: view.SignIn },
    problems: ['mfa-required', 'unauthenticated', 'too-many-requests'],
    requestExample: { email: 'ann@acme.example', session: 'AYABe…', code: '123456' },
  },
  resetMemberMfa: {
    ok: { status: 204, description: 'Two-factor authentication is off; the person sets it up again' },
    problems: ['identity-shared', 'conflict'],
  },
  getTenant: { ok: tenant },
  updateTenant: {
    ok: tenant,
    ifMatch: true,
    problems: ['mfa-enrollment-required'],
    requestExample: { name: 'Acme Customer Care', autoSuspendInactiveDays: 90, mfa: { required: true, graceDays: 7 } },
  },
  listSsoConnections: { ok: { status: 200, description: 'The connections', schema: view.SsoConnectionList } },
  createSsoConnection: {
    ok: {
      status: 201,
      description: 'Created: the values the IdP needs',
      schema: view.SsoConnectionView,
      location: true,
    },
    problems: ['domain-unverified'],
    requestExample: {
      type: 'oidc',
      name: 'Okta',
      issuer: 'https://acme.okta.com',
      clientId: '0oa1b2c3d4',
      clientSecret: '…',
      domains: ['acme.example'],
    },
  },
  getSsoConnection: { ok: { status: 200, description: 'The connection', schema: view.SsoConnectionView } },
  updateSsoConnection: {
    ok: { status: 200, description: 'The connection', schema: view.SsoConnectionView },
    problems: ['domain-unverified', 'precondition-failed'],
    requestExample: { name: 'Okta (EU)' },
  },
  deleteSsoConnection: { ok: { status: 204, description: 'Deleted' }, problems: ['precondition-failed'] },
  ssoDiscover: {
    ok: { status: 200, description: 'The SSO options for this email', schema: view.SsoDiscovery },
    requestExample: { email: 'ann@acme.example' },
  },
  ssoStart: {
    ok: {
      status: 303,
      description: 'To the identity provider; an HttpOnly cookie binds the sign-in to this browser',
      headers: { location: 'The IdP’s sign-in URL' },
    },
    problems: ['not-found', 'sso-failed'],
  },
  ssoCallback: {
    ok: {
      status: 303,
      description:
        'Signed in: the session cookie is set and the browser goes to the console. A browser (Accept: text/html) is sent to the sign-in page on a refusal too: `?sso=failed&reason=<code>` (domain, not-member, expired, idp, unavailable, bound, failed), or `?sso=link#link=<token>` to confirm an existing login with its password (POST /v1/auth/sso/link); other clients get the problem',
      headers: { location: 'The console, or the sign-in page with the refusal’s reason or the confirm-password step' },
    },
    problems: ['sso-failed', 'seat-limit-reached', 'unauthenticated', 'conflict'],
  },
  ssoCallbackPost: {
    ok: {
      status: 303,
      description:
        'Signed in: the session cookie is set and the browser goes to the console. A browser (Accept: text/html) is sent to the sign-in page on a refusal too: `?sso=failed&reason=<code>` (domain, not-member, expired, idp, unavailable, bound, failed), or `?sso=link#link=<token>` to confirm an existing login with its password (POST /v1/auth/sso/link); other clients get the problem',
      headers: { location: 'The console, or the sign-in page with the refusal’s reason or the confirm-password step' },
    },
    problems: ['sso-failed', 'seat-limit-reached', 'unauthenticated', 'conflict'],
  },
  ssoLink: {
    ok: {
      status: 200,
      description: 'Linked and signed in: the same tokens and session cookie as the SSO callback',
      schema: view.SignIn,
    },
    problems: ['sso-failed', 'unauthenticated', 'mfa-required', 'too-many-requests', 'conflict'],
    requestExample: { linkToken: 'Xk3vQ9mZ2pL7wR4tY8uB1nC6dF0gH5jK2sA9eW3qT7o', password: 'Correct-horse-42' },
  },
  getMyMembership: {
    ok: { status: 200, description: 'My membership', schema: view.MyMembership, etag: true },
  },
  transferOwnership: { ok: tenant, problems: ['conflict'], requestExample: { memberId: '01JNQ7X4M2A8B6C9D0E1F2G3H4' } },
  inviteMember: {
    ok: { status: 201, description: 'Invited (holds a seat)', schema: view.MemberView },
    problems: ['email-taken', 'seat-limit-reached', 'conflict', 'too-many-requests'],
    idempotencyKey: true,
    requestExample: invite,
  },
  createMember: {
    ok: {
      status: 201,
      description:
        'Created and active — or, for an address that already has a login, invited (that login is never touched)',
      schema: view.MemberView,
    },
    problems: ['email-taken', 'seat-limit-reached', 'identity-shared', 'conflict', 'too-many-requests'],
    idempotencyKey: true,
    requestExample: { ...invite, password: 'Correct-horse-42' },
  },
  listMembers: {
    ok: { status: 200, description: 'A page of members', schema: view.page(view.MemberView, 'MemberPage') },
  },
  getMember: { ok: { status: 200, description: 'The member', schema: view.MemberView, etag: true } },
  updateMember: {
    ...member('The member, changed'),
    problems: [
      'email-taken',
      'identity-shared',
      'owner-protected',
      'last-admin',
      'conflict',
      'too-many-requests',
      'managed-by-directory',
    ],
    ifMatch: true,
    requestExample: { role: 'manager' },
  },
  deleteMember: {
    ok: { status: 204, description: 'Deleted (seat freed)' },
    problems: ['owner-protected', 'last-admin', 'managed-by-directory'],
  },
  suspendMember: member('Suspended'),
  deactivateMember: member('Deactivated'),
  reactivateMember: member('Active again'),
  resendInvitation: {
    ...member('A new link is on its way'),
    problems: ['invalid-transition', 'too-many-requests'],
  },
  resetMemberPassword: {
    ok: { status: 204, description: 'Password set' },
    problems: ['identity-shared', 'invalid-transition'],
    requestExample: { password: 'Correct-horse-42', temporary: true },
  },
  listAuditEvents: {
    ok: {
      status: 200,
      description: 'A page of audit events, newest first',
      schema: view.page(view.AuditEvent, 'AuditEventPage'),
    },
  },
  getAccessReview: {
    ok: {
      status: 200,
      description:
        'One page of the access review: JSON, or with `Accept: text/csv` an RFC 4180 file (`Content-Disposition: attachment; filename="access-review-<tenant>-<date>.csv"`) whose next page is named by a `Link: <…?limit=…&cursor=…>; rel="next"` header while more follow',
      schema: view.AccessReview,
      media: 'text/csv',
      headers: { vary: '`Accept`: the same URL answers JSON or CSV' },
    },
  },
  listPermissions: { ok: { status: 200, description: 'The catalogue and built-in roles', schema: view.Catalogue } },
  listApiKeys: {
    ok: {
      status: 200,
      description: 'A page of API keys, oldest first',
      schema: view.page(view.ApiKeyView, 'ApiKeyPage'),
    },
  },
  createApiKey: {
    ok: {
      status: 201,
      description: 'Created: the one response with the key’s secret',
      schema: view.CreatedApiKey,
      location: true,
      headers: { 'cache-control': '`no-store`: the secret must not be cached' },
    },
    problems: ['conflict'],
    idempotencyKey: true,
    requestExample: { name: 'CRM sync', permissions: ['users:view', 'teams:view'], expiresAt: '2027-01-01T00:00:00Z' },
  },
  revokeApiKey: { ok: { status: 204, description: 'Revoked' }, problems: ['not-found'] },
  listRoles: {
    ok: { status: 200, description: 'A page of custom roles', schema: view.page(view.RoleView, 'RolePage') },
  },
  createRole: {
    ok: { status: 201, description: 'Created', schema: view.RoleView, etag: true, location: true },
    problems: ['conflict'],
    idempotencyKey: true,
    requestExample: { name: 'Sales lead', permissions: ['contacts:view', 'contacts:create'] },
  },
  getRole: { ok: role },
  updateRole: { ok: role, problems: ['conflict'], ifMatch: true, requestExample: { permissions: ['contacts:view'] } },
  deleteRole: { ok: { status: 204, description: 'Deleted' }, problems: ['conflict'], ifMatch: true },
  listTeams: { ok: { status: 200, description: 'A page of teams', schema: view.page(view.TeamView, 'TeamPage') } },
  createTeam: {
    ok: { status: 201, description: 'Created', schema: view.TeamView, etag: true, location: true },
    problems: ['conflict'],
    idempotencyKey: true,
    requestExample: { name: 'Support EU', assignmentStrategy: 'load_balanced', capacity: 8 },
  },
  getTeam: { ok: team },
  updateTeam: {
    ok: team,
    problems: ['conflict'],
    ifMatch: true,
    requestExample: { assignmentStrategy: 'round_robin' },
  },
  deleteTeam: { ok: { status: 204, description: 'Deleted' }, problems: ['conflict'], ifMatch: true },
  listTeamMembers: {
    ok: {
      status: 200,
      description: 'A page of the team’s members: name, email, status, availability and open load',
      schema: view.page(view.TeamMember, 'TeamMemberPage'),
    },
  },
  listTeamQueue: {
    ok: {
      status: 200,
      description: 'A page of the team’s waiting conversations, oldest first',
      schema: view.page(view.QueuedConversation, 'TeamQueuePage'),
    },
  },
  addTeamMember: {
    ok: { status: 200, description: 'The member, with their teamIds', schema: view.MemberView, etag: true },
    problems: ['conflict', 'managed-by-directory'],
    requestExample: {},
  },
  removeTeamMember: {
    ok: { status: 204, description: 'Removed from the team' },
    problems: ['conflict', 'managed-by-directory'],
  },
  setAvailability: {
    ok: { status: 200, description: 'The member', schema: view.MemberView, etag: true },
    requestExample: { availability: 'away' },
  },
  setWorkingHours: {
    ok: {
      status: 200,
      description: 'The member, with their effective availability now',
      schema: view.MemberView,
      etag: true,
    },
    requestExample: {
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 'mon', from: '09:00', to: '17:30' },
        { day: 'tue', from: '09:00', to: '17:30' },
        { day: 'sat', from: '22:00', to: '02:00' },
      ],
    },
  },
  clearWorkingHours: {
    ok: { status: 200, description: 'The member, without working hours', schema: view.MemberView, etag: true },
  },
  getAssignment: { ok: { status: 200, description: 'Who is responsible', schema: view.AssignmentView } },
  assignConversation: {
    ...assignment('Assigned, or queued in the team (with the strategy’s decision)'),
    requestExample: { teamId: 'support-eu' },
  },
  unassignConversation: {
    ok: {
      status: 204,
      description:
        'Handed back: a team conversation goes back to its queue (which drains), one without a team becomes unassigned; a queued one stays queued',
    },
    problems: ['conflict'],
  },
  resolveConversation: {
    ok: {
      status: 204,
      description:
        'Resolved: the assignment ends (the audit trail keeps it), capacity frees and the queue drains; a queued one leaves the queue; unknown or already resolved: nothing to do',
    },
    problems: ['conflict'],
  },
  listDomains: {
    ok: { status: 200, description: 'The organisation’s domains', schema: view.page(view.DomainView, 'DomainPage') },
  },
  addDomain: {
    ok: {
      status: 201,
      description: 'Added (pending): publish the TXT record, then verify',
      schema: view.DomainView,
      location: true,
    },
    problems: ['conflict'],
    requestExample: { domain: 'acme.com' },
  },
  verifyDomain: {
    ok: {
      status: 200,
      description: 'Looked up: verified, or failed (the record was not found)',
      schema: view.DomainView,
    },
    problems: ['conflict'],
  },
  removeDomain: { ok: { status: 204, description: 'Removed' } },
  listJoinableTenants: { ok: { status: 200, description: 'At most one organisation', schema: view.JoinableTenants } },
  joinTenant: {
    ok: { status: 201, description: 'Joined, or the request is waiting for an answer', schema: view.JoinResult },
    problems: ['domain-unverified', 'conflict', 'seat-limit-reached', 'email-taken'],
    requestExample: { name: 'Ann Agent' },
  },
  listJoinRequests: {
    ok: { status: 200, description: 'A page of join requests', schema: view.page(view.JoinRequest, 'JoinRequestPage') },
  },
  approveJoinRequest: {
    ok: { status: 200, description: 'The new member', schema: view.JoinApproved },
    problems: ['domain-unverified', 'seat-limit-reached', 'email-taken'],
  },
  denyJoinRequest: { ok: { status: 204, description: 'Denied' } },
  claimConversation: assignment('Now the caller’s'),
  listMemberAssignments: {
    ok: {
      status: 200,
      description: 'A page of the person’s open conversations, oldest first',
      schema: view.page(view.AssignmentView, 'AssignmentPage'),
    },
  },
  // ── SCIM (directory provisioning) ──
  listScimTokens: { ok: { status: 200, description: 'The tenant’s SCIM tokens', schema: scimView.ScimTokenList } },
  createScimToken: {
    ok: { status: 201, description: 'Created: the token is in this response only', schema: scimView.ScimTokenCreated },
    problems: ['conflict'],
    requestExample: { name: 'Okta production' },
  },
  revokeScimToken: { ok: { status: 204, description: 'Revoked' } },
  getScimRoleMappings: {
    ok: { status: 200, description: 'The mappings, in order', schema: scimView.ScimRoleMappings },
  },
  putScimRoleMappings: {
    ok: { status: 200, description: 'The mappings now in force', schema: scimView.ScimRoleMappings },
    problems: ['conflict'],
    requestExample: [
      { group: 'Support leads', role: 'manager' },
      { group: 'Support', role: 'agent' },
    ],
  },
  scimServiceProviderConfig: { ok: scimOk('The service provider configuration') },
  scimResourceTypes: { ok: scimOk('The resource types (a ListResponse)') },
  scimSchemas: { ok: scimOk('The schemas (a ListResponse)') },
  scimListUsers: { ok: scimOk('A ListResponse of Users') },
  scimCreateUser: { ok: { ...scimOk('The User created'), status: 201 } },
  scimGetUser: { ok: scimOk('The User') },
  scimReplaceUser: { ok: scimOk('The User as replaced') },
  scimPatchUser: { ok: scimOk('The User as patched') },
  scimDeleteUser: { ok: { status: 204, description: 'Deleted' } },
  scimListGroups: { ok: scimOk('A ListResponse of Groups') },
  scimCreateGroup: { ok: { ...scimOk('The Group created'), status: 201 } },
  scimGetGroup: { ok: scimOk('The Group') },
  scimReplaceGroup: { ok: scimOk('The Group as replaced') },
  scimPatchGroup: { ok: scimOk('The Group as patched') },
  scimDeleteGroup: { ok: { status: 204, description: 'Deleted' } },
  ...WEBHOOK_OPERATIONS,
};
