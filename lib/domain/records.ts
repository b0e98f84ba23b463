/**
 * The shapes of what Roster stores, as plain data, and the views clients see
 * ("shapes clients rely on").
 */

import type { AssignmentStrategy, Availability, Decision, QueueReason } from './assignment.ts';
import { AUTO_JOIN_OFF, type AutoJoinSettings } from './auto-join.ts';
import { type Grant, liveGrants } from './grants.ts';
import { inactiveSince } from './inactivity.ts';
import type { MemberStatus } from './lifecycle.ts';
import { type MfaPolicy, mfaEnforcedFrom, noMfaPolicy } from './mfa.ts';
import type { Permission, Role } from './permissions.ts';
import { effectiveAvailability, type WorkingHours } from './schedule.ts';
import type { ScimUserState } from './scim/users.ts';
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
  /** Custom role id → name, beside `rolePermissions` (the access review names role templates without a read). */
  roleNames?: Record<string, string>;
  /** Members of this many days without a sign-in are suspended by the upkeep job; absent or null = never. */
  autoSuspendInactiveDays?: number | null;
  /** The MFA policy (lib/domain/mfa.ts); absent = not required. Read in the authorisation round trip. */
  mfa?: MfaPolicy;
  /** Auto-join for people whose proven address is in one of the tenant's verified domains; absent = off. */
  autoJoin?: AutoJoinSettings;
  /** The longest an API key may live, in days; absent or null = no limit (keys may never expire). */
  apiKeyMaxLifetimeDays?: number | null;
  /** Single sign-on (docs/architecture.md, "Single sign-on"); absent = both off. */
  sso?: SsoSettings;
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
  /** One accept holds the link (lib/store/members.ts claimInvitation) until this instant; others wait or lose. */
  acceptingUntil?: string;
  acceptingId?: string;
}

export interface MemberRecord {
  tenantId: string;
  id: string;
  email: string;
  name: string;
  status: MemberStatus;
  role: Role;
  roleId?: string;
  /** Extra grants, permanent or timed (an expired one confers nothing; the upkeep job removes it). */
  grants: Grant[];
  crmAccess: boolean;
  /** The person's own choice; `effectiveAvailability` also weighs their working hours. */
  availability: 'online' | 'away';
  /** The weekly schedule in their time zone: outside it they are effectively away. */
  workingHours?: WorkingHours;
  /** Since when the member is `away` (absent while online): the teams' away release counts from it. */
  awaySince?: string;
  openAssignments: number;
  teamIds: string[];
  lastLoginAt: string | null;
  invitedAt: string | null;
  invitedBy: string | null;
  invitation?: InvitationState;
  /** When an admin last made the member active again (auto-suspension gives them a full period). */
  reactivatedAt?: string;
  /** DESIGN §2a rule 11 (epoch ms): this tenant refuses sessions that began earlier (suspend, deactivate). */
  sessionsValidAfter?: number;
  /** Rule 11: `<exp>:<jti>` of refreshed tokens of a session this tenant ended (lib/domain/identity.ts). */
  refusedTokens?: Set<string>;
  /** Written by the tenant's identity provider (SCIM): its name, email, status, role and teams are the directory's. */
  managedBy?: 'directory';
  /** What the directory sent about this member, as sent (lib/domain/scim/users.ts). */
  scim?: ScimUserState;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A tenant's SSO policy: `required` refuses password sign-in to its SSO domains' members (not the owner). */
export interface SsoSettings {
  required: boolean;
  /** First-time SSO users in a verified domain become members (else they must be invited). */
  jitProvisioning: boolean;
}

export const ssoSettingsOf = (t: Pick<TenantRecord, 'sso'>): SsoSettings => ({
  required: t.sso?.required === true,
  jitProvisioning: t.sso?.jitProvisioning === true,
});

export interface TenantView {
  id: string;
  name: string;
  plan: Plan;
  ownerId: string;
  status: 'active' | 'closed';
  seats: Seats;
  seatLimitOverride: number | null;
  autoSuspendInactiveDays: number | null;
  mfa: {
    required: boolean;
    graceDays: number;
    includeSso: boolean;
    requiredAt: string | null;
    enforcedFrom: string | null;
  };
  autoJoin: AutoJoinSettings;
  apiKeys: { maxLifetimeDays: number | null };
  sso: SsoSettings;
  /** Custom role id → name (mirrored on the tenant item), so every member reads names, not ids. */
  roleNames: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

function mfaView(policy: MfaPolicy | undefined): TenantView['mfa'] {
  const p = policy ?? noMfaPolicy();
  return {
    required: p.required,
    graceDays: p.graceDays,
    includeSso: p.includeSso,
    requiredAt: p.requiredAt ?? null,
    enforcedFrom: mfaEnforcedFrom(p),
  };
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
    autoSuspendInactiveDays: t.autoSuspendInactiveDays ?? null,
    mfa: mfaView(t.mfa),
    autoJoin: { ...(t.autoJoin ?? AUTO_JOIN_OFF) },
    apiKeys: { maxLifetimeDays: t.apiKeyMaxLifetimeDays ?? null },
    sso: ssoSettingsOf(t),
    roleNames: { ...(t.roleNames ?? {}) },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** A grant as clients see it: a permission name (permanent), or the object form for a timed one. */
export type GrantView = Permission | { permission: Permission; expiresAt: string };

export interface MemberView {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  roleId?: string;
  /** Live grants only; only catalogue permissions are ever granted (checked on every write). */
  grants: GrantView[];
  crmAccess: boolean;
  status: MemberStatus;
  availability: Availability;
  effectiveAvailability: Availability;
  workingHours: WorkingHours | null;
  teamIds: string[];
  lastLoginAt: string | null;
  inactiveSince: string;
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  invitationDelivery: 'sent' | 'failed' | null;
  /** `directory`: written by the tenant's identity provider (SCIM); its name, email, status, role and teams are the directory's. */
  managedBy: 'directory' | null;
  createdAt: string;
}

/** The member as clients see it at `now` (expired grants gone, availability weighed against working hours). */
export function memberView(m: MemberRecord, now: Date): MemberView {
  const pending = m.status === 'invited' || m.status === 'expired';
  return {
    id: m.id,
    tenantId: m.tenantId,
    email: m.email,
    name: m.name,
    role: m.role,
    ...(m.roleId ? { roleId: m.roleId } : {}),
    grants: liveGrants(m.grants, now) as GrantView[],
    crmAccess: m.crmAccess,
    status: m.status,
    availability: m.availability,
    effectiveAvailability: effectiveAvailability(m, now),
    workingHours: m.workingHours ?? null,
    teamIds: m.teamIds,
    lastLoginAt: m.lastLoginAt,
    inactiveSince: inactiveSince(m),
    invitedAt: m.invitedAt,
    invitationExpiresAt: pending ? (m.invitation?.expiresAt ?? null) : null,
    invitationDelivery: pending && m.invitation ? (m.invitation.deliveryFailedAt ? 'failed' : 'sent') : null,
    managedBy: m.managedBy ?? null,
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

/** A team: members share incoming conversations by its strategy. */
export interface TeamRecord {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  assignmentStrategy: AssignmentStrategy;
  /** Max open conversations per agent for automatic assignment; null = unlimited. */
  capacity: number | null;
  /** Team-member links; moved only by ADD in the transactions that add or remove one. */
  memberCount: number;
  /** The member the strategy picked last (round robin and fair load-balanced ties). */
  rrCursor?: string | null;
  /** A member away this long loses their open conversations of this team to its queue; absent = never, 0 = at once. */
  awayReleaseSeconds?: number | null;
  /** Conversations waiting in the team queue; moved only by ADD in the transactions that queue or dequeue one. */
  queued?: number;
  /** Conversations someone holds through this team (moved only by ADD, like `queued`); absent on older teams. */
  assigned?: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TeamView {
  id: string;
  name: string;
  description: string;
  assignmentStrategy: AssignmentStrategy;
  capacity: number | null;
  awayReleaseSeconds: number | null;
  memberCount: number;
  /** Conversations waiting in the team queue. */
  queued: number;
  /** Open conversations someone holds through this team (a delete is refused while any, or any queued, remain). */
  assigned: number;
  createdAt: string;
  updatedAt: string;
}

export function teamView(t: TeamRecord): TeamView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    assignmentStrategy: t.assignmentStrategy,
    capacity: t.capacity,
    awayReleaseSeconds: t.awayReleaseSeconds ?? null,
    memberCount: t.memberCount,
    queued: Math.max(0, t.queued ?? 0),
    assigned: Math.max(0, t.assigned ?? 0),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** Who is responsible for one conversation of the inbox product. */
export interface AssignmentRecord {
  tenantId: string;
  conversationId: string;
  /** The person answering it; absent while it waits in its team's queue. */
  assigneeId?: string;
  /** The team it belongs to, if any. */
  teamId?: string;
  assignedAt?: string;
  /**
   * The assignee's teams when they took it: the transaction that ends the
   * assignment moves the load on exactly those cards, conditioned on the
   * member's teams still being these (else it reads the member).
   */
  assigneeTeamIds?: string[];
  /** When it last went into the team queue unassigned. */
  queuedAt?: string;
  /** Why it waits (while queued). */
  queueReason?: QueueReason;
  updatedAt: string;
  version: number;
}

export interface AssignmentView {
  conversationId: string;
  assigneeId: string | null;
  teamId: string | null;
  /** assigned: a person answers it · queued: waits in its team's queue · unassigned: nobody. */
  status: 'assigned' | 'queued' | 'unassigned';
  assignedAt: string | null;
  queuedAt: string | null;
  /** Why it waits in the queue (null unless queued). */
  queueReason: QueueReason | null;
  updatedAt: string | null;
}

export function assignmentView(conversationId: string, a: AssignmentRecord | undefined): AssignmentView {
  return {
    conversationId,
    assigneeId: a?.assigneeId ?? null,
    teamId: a?.teamId ?? null,
    status: a?.assigneeId ? 'assigned' : a?.teamId ? 'queued' : 'unassigned',
    assignedAt: a?.assigneeId ? (a.assignedAt ?? null) : null,
    queuedAt: !a?.assigneeId && a?.teamId ? (a.queuedAt ?? null) : null,
    queueReason: !a?.assigneeId && a?.teamId ? (a.queueReason ?? null) : null,
    updatedAt: a?.updatedAt ?? null,
  };
}

/** A waiting conversation as the team queue lists it. */
export interface QueuedView {
  conversationId: string;
  teamId: string;
  queuedAt: string;
  reason: QueueReason;
}

/** A team member as a person: who, their status, availability and open load. */
export interface TeamMemberView {
  userId: string;
  teamId: string;
  addedAt: string;
  name: string;
  email: string;
  status: MemberStatus;
  availability: Availability;
  /** What the strategy goes by now: their choice weighed against their working hours. */
  effectiveAvailability: Availability;
  workingHours: WorkingHours | null;
  /** Open conversations they hold (all teams), what capacity is measured against. */
  openAssignments: number;
}

/** The answer of an assignment to a team: the outcome, and why (the strategy's decision). */
export interface AssignmentResult extends AssignmentView {
  decision?: Decision;
}
