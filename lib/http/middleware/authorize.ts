/**
 * Live authorisation (who the caller is comes from caller.ts). The JWT was
 * verified by API Gateway (or the local gateway); here the caller's
 * membership, its tenant and their login are read in one consistent round
 * trip, so suspensions, role changes and revoked sessions apply on the very
 * next request: the login's sessions (rule 4, the identity's stamp) and this
 * tenant's own (rule 11, the member's stamp).
 */

import type { TenantAccess } from '../../app/tenant-access.ts';
import { type ApiKeyRecord, apiKeyLive, parseApiKey } from '../../domain/api-keys.ts';
import { DomainError, forbidden, notFound } from '../../domain/errors.ts';
import {
  type IdentityState,
  membershipSessionStale,
  sessionRevoked,
  sessionStale,
  type TokenTimes,
  tenantSessionRevoked,
  unknownIdentity,
} from '../../domain/identity.ts';
import { mfaBlocks, mfaEnrollmentRequired } from '../../domain/mfa.ts';
import {
  hasPermission,
  isPermission,
  type Permission,
  permissionTerms,
  timeLimited,
} from '../../domain/permissions.ts';
import type { MemberRecord } from '../../domain/records.ts';
import { logger } from '../../log.ts';
import { lastUsedDue, loadKeyAccess, touchApiKey } from '../../store/api-keys.ts';
import { getIdentity } from '../../store/identities.ts';
import { loadAccess } from '../../store/members.ts';
import type { Caller } from './caller.ts';

export type { TenantAccess } from '../../app/tenant-access.ts';
export type { Caller } from './caller.ts';

/**
 * DESIGN §2a rule 4: a token from before the login's last credential change is
 * refused; a login whose password an admin set must get a new one first.
 */
export function assertSessionLive(identity: IdentityState, token: TokenTimes): void {
  if (sessionStale(identity, token)) throw sessionRevoked();
  if (identity.mustChangePassword) {
    throw new DomainError('password-change-required', 'Choose a new password before continuing (sign in again).');
  }
}

/** Non-tenant user routes: the caller's login in one read, its session checked. */
export async function authorizeSession(caller: Extract<Caller, { kind: 'user' }>): Promise<IdentityState | undefined> {
  const identity = await getIdentity(caller.id);
  if (identity) assertSessionLive(identity, caller.token);
  return identity;
}

/**
 * The tenant routes a member refused by the tenant's MFA policy still reaches:
 * their own membership (so the console can tell them why and send them to
 * set it up). Setting it up (/v1/auth/mfa/…) and /v1/me are no tenant's routes.
 */
export const MFA_EXEMPT_ROUTES: ReadonlySet<string> = new Set(['getMyMembership']);

export async function authorizeTenant(
  caller: Extract<Caller, { kind: 'user' }>,
  tenantId: string,
  needed: Permission | null,
  now: Date = new Date(),
  routeId?: string,
): Promise<TenantAccess> {
  const { tenant, member, identity } = await loadAccess(tenantId, caller.id);
  assertSessionLive(identity, caller.token);
  // Not a member (or never joined): the tenant does not exist for this caller.
  if (!tenant || !member || tenant.status !== 'active' || member.status === 'invited' || member.status === 'expired') {
    throw notFound('The tenant');
  }
  if (member.status !== 'active') throw forbidden(`Your membership of this tenant is ${member.status}.`);
  // DESIGN §2a rule 11: a session this tenant ended (suspension, deactivation) stays over here after the
  // membership is active again — only here: the person's other tenants never read this stamp.
  if (membershipSessionStale(member, caller.token)) throw tenantSessionRevoked();
  // The tenant's MFA policy, judged on the tenant and login items already read (no further round trip).
  // A login made by SSO (`ssoOnly`: no password anybody knows) has only SSO sessions.
  const session = { sso: caller.sso === true || identity.ssoOnly === true };
  if (!(routeId && MFA_EXEMPT_ROUTES.has(routeId)) && mfaBlocks(tenant.mfa, identity, session, now)) {
    throw mfaEnrollmentRequired();
  }
  // Timed grants are on the member item already read: one expired a moment ago confers nothing now.
  const terms = permissionTerms(
    member,
    member.role === 'custom' && member.roleId ? tenant.rolePermissions[member.roleId] : [],
    now,
  );
  const permissions = [...terms.keys()];
  if (needed && !hasPermission(permissions, needed)) {
    throw forbidden(`This action needs the permission ${needed}.`);
  }
  return { tenant, member, permissions, heldUntil: timeLimited(terms), now, identity };
}

/** DESIGN §2a rule 12: what an API key is refused with when it cannot act (unknown, revoked, expired, altered). */
export const apiKeyInvalid = () =>
  new DomainError('unauthenticated', 'This API key is not valid: it is unknown, revoked, expired or altered.');

/** What an API key is refused with on a route only a person may call. */
export const apiKeysCannot = () =>
  forbidden('API keys cannot do this: it is for a signed-in person (their own account, membership or conversations).');

/**
 * An API key on its tenant's route: the tenant and the key item in ONE consistent round trip, the secret
 * hashed and compared again (whatever the gateway's authorizer cached), the key's permissions judged as a
 * member holding exactly those would be. Another tenant's path is 404, as for a person who is no member.
 */
export async function authorizeApiKey(
  caller: Extract<Caller, { kind: 'apiKey' }>,
  tenantId: string,
  needed: Permission | null,
  now: Date = new Date(),
): Promise<TenantAccess> {
  if (caller.tenantId !== tenantId) throw notFound('The tenant');
  const parsed = parseApiKey(caller.bearer);
  if (!parsed || parsed.tenantId !== caller.tenantId || parsed.keyId !== caller.keyId) throw apiKeyInvalid();
  const { tenant, key } = await loadKeyAccess(tenantId, parsed.keyId);
  if (!apiKeyLive(key, parsed, now)) throw apiKeyInvalid();
  if (!tenant || tenant.status !== 'active') throw notFound('The tenant');
  const permissions = key.permissions.filter(isPermission);
  if (needed && !hasPermission(permissions, needed)) throw forbidden(`This action needs the permission ${needed}.`);
  // A key that ends holds each of its permissions until then (it confers them no longer: escalation rules).
  const heldUntil: Partial<Record<Permission, string>> = key.expiresAt
    ? Object.fromEntries(permissions.map((p) => [p, key.expiresAt as string]))
    : {};
  if (lastUsedDue(key, now)) {
    // Off the critical path: not awaited, and a failure (a race lost to another request, a revoked key) never fails this one.
    touchApiKey(key, now).catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
        logger.warn('apiKey.lastUsedAt not recorded', { keyId: key.id, error: String(error) });
      }
    });
  }
  return {
    tenant,
    member: keyAsMember(key, tenantId),
    permissions,
    heldUntil,
    now,
    identity: unknownIdentity(key.id),
    apiKey: { id: key.id, name: key.name },
  };
}

/** The key as the principal the member rules judge: no role (custom, none named), its permissions as grants. */
function keyAsMember(key: ApiKeyRecord, tenantId: string): MemberRecord {
  return {
    tenantId,
    id: key.id,
    email: '',
    name: key.name,
    status: 'active',
    role: 'custom',
    grants: [...key.permissions],
    // The creator could only give contacts permissions they held; the key holds what it was given.
    crmAccess: true,
    availability: 'away',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: key.createdAt,
    updatedAt: key.createdAt,
    version: 0,
  };
}
