/**
 * Helpers every use case shares: who acts (a member, or the platform for the
 * inbox backend), the target read, grantor facts — and the one guard (DESIGN
 * §2a rule 1) every action on another member passes through.
 */
import { DomainError, notFound } from '../domain/errors.ts';
import type { Grantor } from '../domain/escalation.ts';
import { assertDominates, type IdentityState, type MemberAction, type Principal } from '../domain/identity.ts';
import { effectivePermissions, type Permission } from '../domain/permissions.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import type { Actor } from '../store/audit.ts';
import { getMember, loadMemberWithIdentity } from '../store/members.ts';
import type { TenantAccess } from './tenant-access.ts';

/**
 * The inbox backend on a platform twin route (`/v1/platform/tenants/{t}/…`):
 * no membership, exactly the permissions the route-table row grants the twin.
 */
export interface PlatformAccess {
  tenant: TenantRecord;
  member?: undefined;
  permissions: Permission[];
  /** The IAM principal (locally `local-platform`): the audited actor. */
  principal: string;
  /** The request's clock, read once (as on a member's `TenantAccess`). */
  now: Date;
  apiKey?: undefined;
}

/** A tenant route's caller: a member, or — on a platform twin — the platform. */
export type Access = TenantAccess | PlatformAccess;

export const actorOf = (access: Access): Actor =>
  access.apiKey
    ? { type: 'apiKey', id: access.apiKey.id, name: access.apiKey.name }
    : access.member
      ? access.directory
        ? { type: 'scim', id: access.directory.tokenId, name: access.directory.name }
        : { type: 'user', id: access.member.id, name: access.member.name || access.member.email }
      : { type: 'platform', id: access.principal, name: access.principal };

/**
 * DESIGN §1: what the directory provisioned is the directory's — a person (or the platform) changing a
 * directory-managed member's name, email, status, role or teams gets 409 `managed-by-directory`.
 */
export function assertNotDirectoryManaged(access: Access, member: MemberRecord, what: string): void {
  if (member.managedBy !== 'directory' || ('directory' in access && access.directory)) return;
  throw new DomainError(
    'managed-by-directory',
    `This member is managed by the tenant's identity provider (SCIM): change their ${what} there.`,
  );
}

/** The member a route names — the caller's own item is already in hand (no second read). */
export async function targetMember(access: Access, memberId: string): Promise<MemberRecord> {
  if (memberId === access.member?.id) return access.member;
  const member = await getMember(access.tenant.id, memberId);
  if (!member) throw notFound('The member');
  return member;
}

export const isOwner = (access: Access, member: MemberRecord) => access.tenant.ownerId === member.id;

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
 * A member's effective permissions at `now` (an ended timed grant confers
 * nothing), their custom role resolved through the tenant.
 */
export function permissionsOf(
  member: Pick<MemberRecord, 'role' | 'roleId' | 'grants' | 'crmAccess'>,
  tenant: Pick<TenantRecord, 'rolePermissions'>,
  now: Date,
): Permission[] {
  return effectivePermissions(
    member,
    member.role === 'custom' && member.roleId ? tenant.rolePermissions[member.roleId] : [],
    now,
  );
}

/**
 * A member as dominance compares them: their role, effective permissions at
 * the request's instant (the same set authorisation uses), ownership.
 */
export function principalOf(access: TenantAccess, member: MemberRecord): Principal {
  return {
    id: member.id,
    role: member.role,
    permissions: permissionsOf(member, access.tenant, access.now),
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

/**
 * The member a route changes when the caller may be the platform: a member
 * caller passes `actOn` (oneself, or someone they dominate — DESIGN §2a rule
 * 1); the inbox backend on a platform twin is no member and holds only its
 * row's permissions, so the route's permission is the whole rule there.
 */
export async function changeMember(access: Access, memberId: string, action: MemberAction): Promise<MemberRecord> {
  if (!access.member) return targetMember(access, memberId);
  return (await actOn(access, memberId, action)).member;
}
