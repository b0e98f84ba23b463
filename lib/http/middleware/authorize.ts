/**
 * Live authorisation (who the caller is comes from caller.ts). The JWT was
 * verified by API Gateway (or the local gateway); here the caller's
 * membership, its tenant and their login are read in one consistent round
 * trip, so suspensions, role changes and revoked sessions apply on the very
 * next request: the login's sessions (rule 4, the identity's stamp) and this
 * tenant's own (rule 11, the member's stamp).
 */

import type { TenantAccess } from '../../app/tenant-access.ts';
import { DomainError, forbidden, notFound } from '../../domain/errors.ts';
import {
  type IdentityState,
  membershipSessionStale,
  sessionRevoked,
  sessionStale,
  type TokenTimes,
  tenantSessionRevoked,
} from '../../domain/identity.ts';
import { mfaBlocks, mfaEnrollmentRequired } from '../../domain/mfa.ts';
import { hasPermission, type Permission, permissionTerms, timeLimited } from '../../domain/permissions.ts';
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
  if (!(routeId && MFA_EXEMPT_ROUTES.has(routeId)) && mfaBlocks(tenant.mfa, identity, { sso: caller.sso }, now)) {
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
