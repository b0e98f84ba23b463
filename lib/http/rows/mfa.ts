/**
 * Route-table rows of one area (see ../routes.ts): spread into the one table,
 * which drives the CDK API, the local gateway and the OpenAPI document.
 * Two-factor authentication (lib/app/mfa.ts); the tenant's MFA policy is a
 * field of PATCH /v1/tenants/{tenantId}.
 */
import type { RouteDef } from '../routes.ts';

export const MFA_ROWS = [
  {
    id: 'setupTotp',
    method: 'POST',
    path: '/v1/auth/mfa/totp/setup',
    entry: 'functions/mfa/setup.ts',
    auth: 'user',
    summary: 'Start setting up two-factor authentication: a TOTP secret and its otpauth URI (for the QR code)',
    uses: { table: 'read', authFlows: true },
  },
  {
    id: 'verifyTotp',
    method: 'POST',
    path: '/v1/auth/mfa/totp/verify',
    entry: 'functions/mfa/verify.ts',
    auth: 'user',
    summary: 'Finish setting up two-factor authentication with the app’s current code',
    uses: { table: 'readWrite', authFlows: true },
  },
  {
    id: 'answerMfaChallenge',
    method: 'POST',
    path: '/v1/auth/mfa/challenge',
    entry: 'functions/mfa/challenge.ts',
    auth: 'public',
    summary: 'Answer the sign-in’s SOFTWARE_TOKEN_MFA challenge with the app’s code (also sets the session cookie)',
    uses: { table: 'readWrite', identity: ['AdminGetUser'], authFlows: true },
  },
  {
    id: 'resetMemberMfa',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/users/{userId}/reset-mfa',
    entry: 'functions/mfa/reset-member.ts',
    auth: 'user',
    permission: 'users:edit',
    summary: 'Reset a member’s two-factor authentication (lost device): they set it up again; their sessions end',
    uses: { table: 'readWrite', identity: ['AdminSetUserMFAPreference', 'AdminUserGlobalSignOut'] },
  },
] as const satisfies readonly RouteDef[];
