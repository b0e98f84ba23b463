/**
 * Tenant use cases: provisioning (platform route, CDK custom resource, CLI),
 * re-planning, renaming and closing. Orchestrates Cognito, the store and SES.
 */

import { ulid } from 'ulid';
import { deleteLogin, ensureLogin } from '../aws/identity.ts';
import { config } from '../config.ts';
import { type AutoJoinPatch, type AutoJoinSettings, mergeAutoJoin, sameAutoJoin } from '../domain/auto-join.ts';
import { DomainError, forbidden } from '../domain/errors.ts';
import { isAccepted } from '../domain/identity.ts';
import { type MfaPolicyInput, mfaEnrollmentRequired, mfaPolicyChanged, nextMfaPolicy } from '../domain/mfa.ts';
import {
  type MemberRecord,
  memberView,
  type SsoSettings,
  ssoSettingsOf,
  type TenantRecord,
  tenantView,
} from '../domain/records.ts';
import { type Plan, seatLimitFor } from '../domain/seats.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import type { Actor } from '../store/audit.ts';
import { getIdentity, retireIdentity } from '../store/identities.ts';
import { normaliseEmail } from '../store/keys.ts';
import { loadMemberWithIdentity, writeMemberChange } from '../store/members.ts';
import {
  createTenantWithOwner,
  getTenant,
  requireTenant,
  saveTenant,
  writeOwnerReplacement,
} from '../store/tenants.ts';
import { actorOf } from './access.ts';
import { deliverInvitation } from './delivery.ts';
import type { TenantAccess } from './tenant-access.ts';

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
  // A refusal writes nothing, in Cognito either: a taken id is refused before any login is made.
  if (input.id !== undefined && (await getTenant(id))) throw tenantIdTaken(id);
  const identity = await ensureLogin(input.owner.email);
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
    roleNames: {},
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
  try {
    await createTenantWithOwner({
      tenant,
      owner,
      actor,
      ownerLogin: identity.created
        ? { email: owner.email, managedBy: id, hasPassword: false }
        : { email: owner.email, managedBy: null, hasPassword: true },
    });
  } catch (error) {
    // Refused after all (the id taken meanwhile): a login made just now for this tenant goes with it.
    if (identity.created) await dropUnusedLogin(identity.id);
    throw error;
  }
  const delivered = await deliverInvitation(owner, token, tenant.name, `${tenant.name} on Roster`, true);
  return { ...tenantView(tenant), owner: memberView(delivered, now) };
}

const tenantIdTaken = (id: string) => new DomainError('conflict', `A tenant with id ${id} already exists.`);

/** Deletes a login Roster just made, unless a membership elsewhere already took it up meanwhile. */
async function dropUnusedLogin(id: string): Promise<void> {
  const recorded = await getIdentity(id);
  if (recorded && recorded.membershipCount > 0) return;
  await deleteLogin(id).catch(() => undefined);
}

export interface TenantChanges {
  name?: string;
  /** Days without a sign-in after which the upkeep job suspends a member; null turns it off. */
  autoSuspendInactiveDays?: number | null;
  /** Auto-join, whole (the use case merges a partial patch first). */
  autoJoin?: AutoJoinSettings;
  /** The longest an API key may live, in days; null = no limit. */
  apiKeyMaxLifetimeDays?: number | null;
  /** Either field may be sent alone. */
  sso?: Partial<SsoSettings>;
  plan?: Plan;
  seatLimit?: number | null;
  /** `closed`: members lose access (404), nothing is deleted; `active` reopens. */
  status?: TenantRecord['status'];
  /** The MFA policy (lib/domain/mfa.ts): admins only, and requiring it needs the requester enrolled. */
  mfa?: MfaPolicyInput;
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
    ...(changes.autoSuspendInactiveDays === undefined
      ? {}
      : { autoSuspendInactiveDays: changes.autoSuspendInactiveDays }),
    ...(changes.mfa === undefined ? {} : { mfa: nextMfaPolicy(current.mfa, changes.mfa, now) }),
    ...(changes.autoJoin === undefined ? {} : { autoJoin: changes.autoJoin }),
    ...(changes.apiKeyMaxLifetimeDays === undefined ? {} : { apiKeyMaxLifetimeDays: changes.apiKeyMaxLifetimeDays }),
    ...(changes.sso === undefined ? {} : { sso: { ...ssoSettingsOf(current), ...changes.sso } }),
    plan,
    seatLimitOverride: override,
    seatLimit: limit ?? undefined,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  return (await saveTenant(current, next, actor)) ? next : current;
}

/**
 * The tenant's security settings (DESIGN §2a rule 14): only an admin changes
 * them — a custom role with settings:manage is refused (403), even when it
 * holds every other permission: the auto-suspension period and auto-join
 * (the domains have their own admin-only routes); `mfa` is compared as a
 * whole in updateTenantSettings.
 */
export const SECURITY_SETTINGS = [
  'autoSuspendInactiveDays',
  'autoJoin',
  'apiKeyMaxLifetimeDays',
  'sso',
] as const satisfies readonly (keyof TenantChanges)[];

export interface TenantSettingsPatch {
  name?: string;
  autoSuspendInactiveDays?: number | null;
  autoJoin?: AutoJoinPatch;
  mfa?: MfaPolicyInput;
  apiKeyMaxLifetimeDays?: number | null;
  /** Either field may be sent alone. */
  sso?: Partial<SsoSettings>;
}

/**
 * PATCH /v1/tenants/{t} by a member (settings:manage): a security setting
 * sent with a value other than the current one needs the admin role
 * (sending it unchanged, as a settings form does, is no change). The change
 * and its `tenant.updated` audit item are one transaction; a refusal writes nothing.
 */
export async function updateTenantSettings(
  access: TenantAccess,
  patch: TenantSettingsPatch,
  now: Date,
  expectedVersion?: number,
) {
  // A stale ETag is answered first (412), whatever else is wrong with the change.
  if (expectedVersion !== undefined && expectedVersion !== access.tenant.version) {
    throw new DomainError('precondition-failed', 'The tenant changed since you read it (ETag mismatch).');
  }
  const { autoJoin: joinPatch, ...rest } = patch;
  const changes: TenantChanges = { ...rest };
  const touched: string[] = [];
  for (const key of ['autoSuspendInactiveDays', 'apiKeyMaxLifetimeDays'] as const) {
    if (changes[key] !== undefined && changes[key] !== (access.tenant[key] ?? null)) touched.push(key);
  }
  if (joinPatch !== undefined) {
    // Judged before the role check would leak nothing: a 400 names only the caller's own input.
    const merged = mergeAutoJoin(access.tenant.autoJoin, joinPatch, access.tenant.rolePermissions);
    if (!sameAutoJoin(merged, access.tenant.autoJoin)) {
      touched.push('autoJoin');
      changes.autoJoin = merged;
    }
  }
  if (changes.sso !== undefined) {
    const current = ssoSettingsOf(access.tenant);
    const sso = changes.sso;
    if (Object.entries(sso).some(([k, v]) => v !== undefined && current[k as keyof SsoSettings] !== v)) {
      touched.push('sso');
    }
  }
  const mfaChanged = changes.mfa !== undefined && mfaPolicyChanged(access.tenant.mfa, changes.mfa);
  if (mfaChanged) touched.push('mfa');
  if (touched.length > 0 && access.member.role !== 'admin') {
    throw forbidden(`Only admins can change the tenant's security settings (${touched.join(', ')}).`);
  }
  // Rule 14: requiring MFA needs the requester enrolled (no admin locks out everyone but themselves).
  if (mfaChanged && changes.mfa?.required && !access.identity.mfaEnrolledAt) {
    throw mfaEnrollmentRequired(
      'Set up two-factor authentication for yourself (POST /v1/auth/mfa/totp/setup, then …/verify) before requiring it of everyone.',
    );
  }
  return changeTenant(access.tenant, changes, actorOf(access), now, expectedVersion);
}

export { requireTenant };

export interface OwnerInvitationInput {
  email?: string;
  name?: string;
}

/**
 * DESIGN §2a rule 10: while the owner has not joined, the platform re-sends
 * their invitation (a new link; the old one dies) or invites a new owner
 * address in their place. Once the owner joined, ownership moves only by
 * the owner's own transfer.
 */
export async function reinviteOwner(tenantId: string, input: OwnerInvitationInput, actor: Actor, now: Date) {
  const tenant = await requireTenant(tenantId);
  const { member: owner, identity } = await loadMemberWithIdentity(tenantId, tenant.ownerId);
  if (owner && isAccepted(owner.status)) {
    throw new DomainError('conflict', 'The owner has joined this tenant; only they can transfer ownership.');
  }
  const at = now.toISOString();
  const { token, hash } = issueInvitationToken(tenantId, owner?.id ?? 'pending');
  const invitation = { expiresAt: expiryFrom(now, config().invitationTtlSeconds), lastSentAt: at };
  const sender = `${tenant.name} on Roster`;
  if (owner && (!input.email || normaliseEmail(input.email) === normaliseEmail(owner.email))) {
    const next: MemberRecord = {
      ...owner,
      name: input.name ?? owner.name,
      status: 'invited',
      invitation: { ...invitation, tokenHash: hash, sendCount: (owner.invitation?.sendCount ?? 0) + 1 },
      updatedAt: at,
      version: owner.version + 1,
    };
    await writeMemberChange({ current: owner, next, actor, action: 'invitation.resent', at });
    return memberView(await deliverInvitation(next, token, tenant.name, sender, true), now);
  }
  if (!input.email || !input.name) {
    throw new DomainError('validation-failed', 'A new owner needs an email and a name.', {
      errors: [{ path: input.email ? 'body.name' : 'body.email', message: 'Required' }],
    });
  }
  const login = await ensureLogin(input.email);
  const issued = issueInvitationToken(tenantId, login.id);
  const next: MemberRecord = {
    tenantId,
    id: login.id,
    email: input.email,
    name: input.name,
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
    invitation: { ...invitation, tokenHash: issued.hash, sendCount: 1 },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const nextLogin = login.created
    ? { email: input.email, managedBy: tenantId, hasPassword: false }
    : { email: input.email, managedBy: null, hasPassword: true };
  try {
    await writeOwnerReplacement({ tenant, previous: owner, next, nextLogin, actor, at });
  } catch (error) {
    if (login.created) await dropUnusedLogin(login.id);
    throw error;
  }
  // The replaced address's login goes when it has no membership left (DESIGN §2a rule 6).
  if (owner && identity.version > 0 && identity.membershipCount <= 1 && (await retireIdentity(owner.id, at))) {
    await deleteLogin(owner.id);
  }
  return memberView(await deliverInvitation(next, issued.token, tenant.name, sender, true), now);
}
