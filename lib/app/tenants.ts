/**
 * Tenant use cases: provisioning (platform route, CDK custom resource, CLI),
 * re-planning, renaming and closing. Orchestrates Cognito, the store and SES.
 */
import { ulid } from 'ulid';
import { ensureIdentity } from '../aws/identity.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { type MemberRecord, memberView, type TenantRecord, tenantView } from '../domain/records.ts';
import { type Plan, seatLimitFor } from '../domain/seats.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import type { Actor } from '../store/audit.ts';
import { createTenantWithOwner, requireTenant, saveTenant } from '../store/tenants.ts';
import { deliverInvitation } from './delivery.ts';

export interface ProvisionTenant {
  id?: string;
  name: string;
  plan: Plan;
  seatLimit?: number | null;
  owner: { email: string; name: string };
}

/** Creates the tenant with its owner invited (holding the first seat) and emails the invitation. */
export async function provisionTenant(input: ProvisionTenant, actor: Actor, now: Date) {
  const at = now.toISOString();
  const id = input.id ?? ulid(now.getTime()).toLowerCase();
  const seatLimit = seatLimitFor(input.plan, input.seatLimit ?? null);
  const identity = await ensureIdentity(input.owner.email);
  const { token, hash } = issueInvitationToken(id, identity.id);
  const expiresAt = expiryFrom(now, config().invitationTtlSeconds);
  const tenant: TenantRecord = {
    id,
    name: input.name,
    plan: input.plan,
    seatLimitOverride: input.seatLimit ?? null,
    ...(seatLimit === null ? {} : { seatLimit }),
    seatsUsed: 1,
    activeAdmins: 0,
    ownerId: identity.id,
    status: 'active',
    rolePermissions: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const owner: MemberRecord = {
    tenantId: id,
    id: identity.id,
    email: input.owner.email,
    name: input.owner.name,
    status: 'invited',
    role: 'admin',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: at,
    invitedBy: null,
    invitation: { tokenHash: hash, expiresAt, sendCount: 1, lastSentAt: at },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await createTenantWithOwner({ tenant, owner, actor });
  const delivered = await deliverInvitation(owner, token, tenant.name, `${tenant.name} on Roster`);
  return { ...tenantView(tenant), owner: memberView(delivered) };
}

export interface TenantChanges {
  name?: string;
  plan?: Plan;
  seatLimit?: number | null;
  /** `closed`: members lose access (404), nothing is deleted; `active` reopens. */
  status?: TenantRecord['status'];
}

/** Applies changes to a tenant; `expectedVersion` (from If-Match) guards against lost updates. */
export async function changeTenant(
  current: TenantRecord,
  changes: TenantChanges,
  actor: Actor,
  now: Date,
  expectedVersion?: number,
) {
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new DomainError('precondition-failed', 'The tenant changed since you read it (ETag mismatch).');
  }
  const plan = changes.plan ?? current.plan;
  const override = changes.seatLimit === undefined ? current.seatLimitOverride : changes.seatLimit;
  const limit = seatLimitFor(plan, override);
  const next: TenantRecord = {
    ...current,
    name: changes.name ?? current.name,
    status: changes.status ?? current.status,
    plan,
    seatLimitOverride: override,
    seatLimit: limit ?? undefined,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  return (await saveTenant(current, next, actor)) ? next : current;
}

export { requireTenant };
