/**
 * Helpers every member use case shares: the actor, the target read, grantor
 * facts — and the one guard (DESIGN §2a rule 1) every action on another member
 * passes through.
 */
import { notFound } from '../domain/errors.ts';
import type { Grantor } from '../domain/escalation.ts';
import { assertDominates, type IdentityState, type MemberAction, type Principal } from '../domain/identity.ts';
import { effectivePermissions } from '../domain/permissions.ts';
import type { MemberRecord } from '../domain/records.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import type { Actor } from '../store/audit.ts';
import { getMember, loadMemberWithIdentity } from '../store/members.ts';

export const actorOf = (access: TenantAccess): Actor => ({ type: 'user', id: access.member.id });

/** The member a route names — the caller's own item is already in hand (no second read). */
export async function targetMember(access: TenantAccess, memberId: string): Promise<MemberRecord> {
  if (memberId === access.member.id) return access.member;
  const member = await getMember(access.tenant.id, memberId);
  if (!member) throw notFound('The member');
  return member;
}

export const isOwner = (access: TenantAccess, member: MemberRecord) => access.tenant.ownerId === member.id;

export function roleLabel(member: { role: string; roleId?: string }): string {
  return member.role === 'custom' ? 'a custom role' : member.role;
}

/** The caller as a grantor of roles and permissions (timed grants confer only until they end). */
export const grantorOf = (access: TenantAccess): Grantor => ({
  role: access.member.role,
  permissions: access.permissions,
  heldUntil: access.heldUntil,
});

/**
 * A member as dominance compares them: their role, effective permissions at
 * the request's instant (the same set authorisation uses), ownership.
 */
export function principalOf(access: TenantAccess, member: MemberRecord): Principal {
  const custom = member.role === 'custom' && member.roleId ? access.tenant.rolePermissions[member.roleId] : [];
  return {
    id: member.id,
    role: member.role,
    permissions: effectivePermissions(member, custom, access.now),
    isOwner: isOwner(access, member),
  };
}

export interface Target {
  member: MemberRecord;
  /** The person's login as Roster records it (who manages it, its joins, its session stamp). */
  identity: IdentityState;
}

/**
 * The member a route acts on and their login, in ONE read (none for oneself),
 * refused unless the caller dominates them for `action` (DESIGN §2a rule 1).
 */
export async function actOn(access: TenantAccess, memberId: string, action: MemberAction): Promise<Target> {
  if (memberId === access.member.id) return { member: access.member, identity: access.identity };
  const { member, identity } = await loadMemberWithIdentity(access.tenant.id, memberId);
  if (!member) throw notFound('The member');
  assertDominates(principalOf(access, access.member), principalOf(access, member), action);
  return { member, identity };
}
