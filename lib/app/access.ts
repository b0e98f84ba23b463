/** Helpers every member use case shares: the actor, the target read, grantor facts. */
import { notFound } from '../domain/errors.ts';
import type { MemberRecord } from '../domain/records.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import type { Actor } from '../store/audit.ts';
import { getMember } from '../store/members.ts';

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

/** The caller as a grantor of roles and permissions. */
export const grantorOf = (access: TenantAccess) => ({ role: access.member.role, permissions: access.permissions });
