/**
 * What each request-body field means, for the OpenAPI document: a field whose
 * schema has no description of its own (`.meta({ description })` on the zod
 * schema wins) gets one from here — by operation and field path first, then
 * by field path, then by field name. A unit test fails while any request-body
 * field of the document has none, so a new field is described where it is
 * defined or here.
 */

const PERSON_NAME = 'The person’s full name, as colleagues see it (1–200 characters; no URLs or domains).';
const TENANT_NAME = 'The tenant’s display name (the business), 1–200 characters.';

/** `operationId.path` or `path` (dotted, e.g. `owner.email`) or a bare field name. */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  // tenants (platform)
  'platformCreateTenant.id': 'The tenant id to use (lower-case letters, digits, -); generated when absent.',
  'platformCreateTenant.name': TENANT_NAME,
  'platformUpdateTenant.name': TENANT_NAME,
  'updateTenant.name': TENANT_NAME,
  'updateTenant.autoJoin':
    'Auto-join for people whose proven address is in one of the tenant’s verified domains (admins only; any field may be sent alone).',
  'updateTenant.autoJoin.mode':
    '`off`; `request`: they ask and someone with users:create approves; `automatic`: they join at once, seat permitting.',
  'updateTenant.autoJoin.defaultRole':
    'The role they get: manager, agent, or custom (with `roleId`); never admin — admins are made one by one.',
  'updateTenant.autoJoin.roleId': 'The custom role they get, when `defaultRole` is custom.',
  'addDomain.domain':
    'The domain to prove (e.g. acme.com or eu.acme.com): not a free-mail provider’s, not a public suffix, not an IP address.',
  plan: 'The plan: its seat limit applies unless `seatLimit` overrides it (trial 1, starter 3, growth 5, scale 10, enterprise unlimited).',
  seatLimit: 'The tenant’s own seat limit, overriding the plan’s; null returns to the plan’s limit.',
  owner: 'The first admin and owner, invited by email when the tenant is created.',
  'owner.email': 'The owner’s email address: the invitation is sent there.',
  'owner.name': PERSON_NAME,
  'platformUpdateTenant.status': '`active` reopens a closed tenant (closing is DELETE).',
  // people
  email: 'An email address (case-insensitive, stored lower-cased).',
  name: PERSON_NAME,
  password: 'A password: at least 12 characters with a lower-case letter, an upper-case letter and a digit.',
  'login.password': 'The login’s current password.',
  'acceptInvitation.password':
    'For a new login, its password (the password policy applies); for an address that already has a login, that login’s current password as proof (or send its bearer token instead).',
  'acceptInvitation.name': `${PERSON_NAME} Required when the address has no login yet.`,
  'createMember.password': 'The initial password of the new login (the password policy applies).',
  temporaryPassword:
    'true (default): the person must choose a new password at first sign-in; false: the initial password stays.',
  'resetMemberPassword.password': 'The new password (the password policy applies).',
  temporary: 'true (default): the person must choose a new password at their next sign-in.',
  currentPassword: 'The caller’s current password.',
  newPassword: 'The new password: at least 12 characters with a lower-case letter, an upper-case letter and a digit.',
  token: 'The invitation token from the email link (`…/accept-invitation?token=…`).',
  refreshToken: 'A refresh token from sign-in.',
  session: 'The `session` of the NEW_PASSWORD_REQUIRED challenge that sign-in answered.',
  code: 'The code the password-reset email carried.',
  everywhere: 'true: end every session of this login (all refresh tokens, and every access token on its next use).',
  // members
  role: 'The built-in role (`admin`, `manager`, `agent`), or `custom` with `roleId`.',
  roleId: 'The custom role (with role `custom`); not allowed with a built-in role.',
  'updateMember.currentPassword':
    'Only when changing your own email: your current password, so a session alone cannot move your login to another address.',
  'updateMember.roleId': 'The custom role: with role `custom`, or alone for a member whose role is already custom.',
  grants:
    'Extra permissions beyond the role (each one the caller holds): a permission, or `{permission, expiresAt}` for one that ends (no later than the caller’s own, when theirs is time-limited).',
  autoSuspendInactiveDays:
    'Suspend members who have not signed in for this many days (7–3650), hourly; admins only (a custom role with settings:manage may not change it); never the owner or the last active admin, and the admins get a digest email. null turns it off.',
  mfa: 'The MFA policy (admins only): require two-factor authentication (TOTP) of every member after a grace period. Requiring it needs the caller to have set it up.',
  'mfa.required':
    'true: members without two-factor authentication are refused (403 `mfa-enrollment-required`) once the grace period is over.',
  'mfa.graceDays':
    'Days (0–90) from when it became required before members without it are refused; left out: unchanged (default 7).',
  'mfa.includeSso':
    'true: sessions from the tenant’s SSO need it too (default false: the identity provider owns their factors).',
  'answerMfaChallenge.session': 'The `session` of the SOFTWARE_TOKEN_MFA challenge that sign-in answered.',
  'answerMfaChallenge.email': 'The email the sign-in used.',
  'answerMfaChallenge.code': 'The six-digit code the authenticator app shows now.',
  'verifyTotp.code': 'The six-digit code the authenticator app shows now (after adding the secret).',
  'updateTenant.apiKeys':
    'The tenant’s API key policy; admins only (a custom role with settings:manage may not change it).',
  'updateTenant.apiKeys.maxLifetimeDays':
    'API keys created from now on must expire within this many days (1–3650); null = no limit. Existing keys keep their expiry.',
  'createApiKey.expiresAt':
    'When the key stops working (in the future, any ISO offset); required and at most the tenant’s `apiKeys.maxLifetimeDays` away when it sets one. Omitted: never.',
  'createApiKey.permissions':
    'What the key may do (at least one, each one you hold — for at least as long as the key lives): it acts as a member holding exactly these.',
  'createApiKey.name': 'What the key is for, e.g. `CRM sync`: shown in the list and named in the audit trail.',
  sso: 'Single sign-on policy (admins only); either field may be sent alone.',
  'updateTenant.sso.required':
    'Refuse password sign-in (403 sso-required) to members whose email is in a domain of this tenant’s SSO connections; the owner keeps theirs (break-glass).',
  'updateTenant.sso.jitProvisioning':
    'A first SSO sign-in with an email in a verified domain makes the person an active agent (seat permitting); otherwise they must be invited.',
  'createSsoConnection.type':
    '`oidc` (OpenID Connect, code flow with PKCE) or `saml` (SAML 2.0: SP-initiated, HTTP-Redirect AuthnRequest, HTTP-POST response with a signed assertion; see docs/sso-saml.md).',
  'createSsoConnection.clientId': 'OIDC: the client id of the app registered at the IdP.',
  'createSsoConnection.domains':
    'Domains this tenant has verified whose people sign in with this connection (409 domain-unverified otherwise).',
  'updateSsoConnection.domains':
    'Replaces the domains: each one verified by this tenant (409 domain-unverified otherwise).',
  'ssoCallbackPost.SAMLResponse': 'The IdP’s signed SAML response (base64), posted by the browser.',
  'ssoLink.linkToken':
    'The pending link the SSO callback handed the sign-in page (`#link=…`): single use, 10 minutes, 5 wrong passwords.',
  'ssoCallbackPost.RelayState': 'The state Roster sent with the request: names the sign-in (single use).',
  crmAccess: 'Whether the member may use the CRM (`contacts:*` permissions); always true for admins.',
  teamIds: 'The teams the member belongs to.',
  memberId: 'The member who becomes the owner: an active admin of this tenant.',
  availability: '`online` receives automatic assignments; `away` does not.',
  timeZone: 'The IANA time zone the hours are in, e.g. `Europe/Berlin` (daylight saving follows it).',
  weekly:
    'The working intervals of a week (at most 28); outside all of them the person is effectively away. Empty: always away.',
  'weekly.day': 'The weekday the interval starts on: `mon` … `sun`.',
  'weekly.from': 'Start, `HH:MM` on the person’s clock (inclusive).',
  'weekly.to':
    'End, `HH:MM` or `24:00` (exclusive); at or before `from` the interval runs past midnight into the next day (equal to `from`: a whole 24 hours).',
  // roles
  'createRole.name': 'The role’s name, unique in the tenant (case-insensitive), 1–100 characters.',
  'updateRole.name': 'The role’s name, unique in the tenant (case-insensitive), 1–100 characters.',
  permissions: 'The role’s permissions (each one the caller holds): they reach every holder on their next request.',
  description: 'A free-text description (at most 500 characters).',
  // teams
  'createTeam.name': 'The team’s name, unique in the tenant (case-insensitive), 1–100 characters.',
  'updateTeam.name': 'The team’s name, unique in the tenant (case-insensitive), 1–100 characters.',
  assignmentStrategy:
    'How the team picks an assignee: `round_robin`, `load_balanced` (fewest open conversations) or `manual` (queue only).',
  capacity: 'At most this many open conversations per member for automatic assignment; null: no limit.',
  awayReleaseSeconds:
    'Conversations of a member away this long go back to the queue (0: at once); null or absent: never.',
  // assignment
  assigneeId: 'The member who takes the conversation.',
  teamId: 'The team whose strategy picks the assignee (or whose queue the conversation waits in).',
};

type Schema = Record<string, unknown>;

/** Fills in missing descriptions of every request-body field of the document (in place). */
export function describeRequestFields(document: { paths?: object }): void {
  for (const methods of Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const operation of Object.values(methods) as Schema[]) {
      const body = (operation.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
      const schema = body?.['application/json']?.schema as Schema | undefined;
      if (schema) describe(schema, String(operation.operationId), '');
    }
  }
}

function describe(schema: Schema, operationId: string, prefix: string): void {
  for (const variant of [...((schema.anyOf as Schema[]) ?? []), ...((schema.oneOf as Schema[]) ?? [])]) {
    describe(variant, operationId, prefix);
  }
  for (const [name, property] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
    const path = `${prefix}${name}`;
    property.description ??=
      FIELD_DESCRIPTIONS[`${operationId}.${path}`] ?? FIELD_DESCRIPTIONS[path] ?? FIELD_DESCRIPTIONS[name];
    if (property.description === undefined) delete property.description;
    describe(property, operationId, `${path}.`);
  }
}
