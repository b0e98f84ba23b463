/**
 * The shapes of what Roster stores, as plain data, and the views clients see
 * (DESIGN §8 "Shapes clients rely on").
 */
import type { MemberStatus } from './lifecycle.ts';
import type { Permission, Role } from './permissions.ts';
import { type Plan, type Seats, seatsView } from './seats.ts';

export interface TenantRecord {
  id: string;
  name: string;
  plan: Plan;
  /** The tenant's own seat limit, overriding the plan's; null = the plan's. */
  seatLimitOverride: number | null;
  /** The limit in force; absent = unlimited. */
  seatLimit?: number;
  seatsUsed: number;
  /** Members who are `active` admins; never allowed to drop to zero once reached. */
  activeAdmins: number;
  ownerId: string;
  status: 'active' | 'closed';
  /** Custom role id → permissions, kept here so authorisation stays one read. */
  rolePermissions: Record<string, string[]>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface InvitationState {
  tokenHash: string;
  expiresAt: string;
  sendCount: number;
  lastSentAt: string;
  /** Set when the last invitation email could not be handed to SES. */
  deliveryFailedAt?: string;
}

export interface MemberRecord {
  tenantId: string;
  id: string;
  email: string;
  name: string;
  status: MemberStatus;
  role: Role;
  roleId?: string;
  grants: string[];
  crmAccess: boolean;
  availability: 'online' | 'away';
  openAssignments: number;
  teamIds: string[];
  lastLoginAt: string | null;
  invitedAt: string | null;
  invitedBy: string | null;
  invitation?: InvitationState;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TenantView {
  id: string;
  name: string;
  plan: Plan;
  ownerId: string;
  status: 'active' | 'closed';
  seats: Seats;
  seatLimitOverride: number | null;
  createdAt: string;
  updatedAt: string;
}

export function tenantView(t: TenantRecord): TenantView {
  return {
    id: t.id,
    name: t.name,
    plan: t.plan,
    ownerId: t.ownerId,
    status: t.status,
    seats: seatsView(t.seatsUsed, t.seatLimit ?? null),
    seatLimitOverride: t.seatLimitOverride,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export interface MemberView {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  roleId?: string;
  grants: string[];
  crmAccess: boolean;
  status: MemberStatus;
  availability: 'online' | 'away';
  teamIds: string[];
  lastLoginAt: string | null;
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  invitationDelivery: 'sent' | 'failed' | null;
  createdAt: string;
}

export function memberView(m: MemberRecord): MemberView {
  const pending = m.status === 'invited' || m.status === 'expired';
  return {
    id: m.id,
    tenantId: m.tenantId,
    email: m.email,
    name: m.name,
    role: m.role,
    ...(m.roleId ? { roleId: m.roleId } : {}),
    grants: m.grants,
    crmAccess: m.crmAccess,
    status: m.status,
    availability: m.availability,
    teamIds: m.teamIds,
    lastLoginAt: m.lastLoginAt,
    invitedAt: m.invitedAt,
    invitationExpiresAt: pending ? (m.invitation?.expiresAt ?? null) : null,
    invitationDelivery: pending && m.invitation ? (m.invitation.deliveryFailedAt ? 'failed' : 'sent') : null,
    createdAt: m.createdAt,
  };
}

/** A tenant's custom role; its permissions are mirrored in `TenantRecord.rolePermissions`. */
export interface RoleRecord {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RoleView {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
  createdAt: string;
  updatedAt: string;
}

export function roleView(r: RoleRecord): RoleView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    permissions: r.permissions,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
