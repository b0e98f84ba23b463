/**
 * Member use cases behind "Settings → Users": invite, direct create, read,
 * list and edit. Each change is one transaction with its audit (lib/store).
 */
import {
  deleteIdentity,
  ensureIdentity,
  findIdentity,
  type Identity,
  setEmail,
  setName,
  setPassword,
} from '../aws/identity.ts';
import { sendWelcome } from '../aws/mail.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { assertCanConfer, ownerProtected, type RoleChoice } from '../domain/escalation.ts';
import type { Role } from '../domain/permissions.ts';
import { type MemberRecord, memberView } from '../domain/records.ts';
import { seatLimitReached } from '../domain/seats.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import { logger } from '../http/log.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import {
  insertMember,
  listMembers,
  type MemberFilter,
  membersOfIdentity,
  writeMemberChange,
} from '../store/members.ts';
import { teamLinkItems } from '../store/teams.ts';
import { actorOf, grantorOf, isOwner, roleLabel, targetMember } from './access.ts';
import { deliverInvitation, inviterName } from './delivery.ts';
import { assertTeamCount, assertTeamsExist, teamDelta } from './teams.ts';

/** The teams a new member joins must exist (400 naming the unknown ones). */
async function assertNewTeams(access: TenantAccess, input: { teamIds?: string[] }): Promise<void> {
  const teamIds = [...new Set(input.teamIds ?? [])];
  assertTeamCount(teamIds);
  await assertTeamsExist(access.tenant.id, teamIds);
}

/** The new member's team links, written in the member's own transaction. */
const joinTeams = (member: MemberRecord) =>
  teamLinkItems(member.tenantId, member.id, { added: member.teamIds, removed: [] }, member.createdAt);

export interface MemberInput {
  email: string;
  name?: string;
  role: Role;
  roleId?: string;
  grants?: string[];
  crmAccess?: boolean;
  teamIds?: string[];
}

function roleChoice(input: { role: Role; roleId?: string; grants?: readonly string[] }): RoleChoice {
  return { role: input.role, roleId: input.role === 'custom' ? input.roleId : undefined, grants: input.grants ?? [] };
}

function assertCrm(role: Role, crmAccess: boolean): void {
  if (role === 'admin' && !crmAccess) {
    throw new DomainError('validation-failed', 'Admins always have CRM access.', {
      errors: [{ path: 'body.crmAccess', message: 'Cannot be false for an admin' }],
    });
  }
}

function newMember(access: TenantAccess, input: MemberInput, id: string, at: string): MemberRecord {
  const choice = roleChoice(input);
  const crmAccess = input.crmAccess ?? true;
  assertCanConfer(grantorOf(access), choice, access.tenant.rolePermissions);
  assertCrm(input.role, crmAccess);
  return {
    tenantId: access.tenant.id,
    id,
    email: input.email,
    name: input.name ?? '',
    status: 'invited',
    role: choice.role,
    ...(choice.roleId ? { roleId: choice.roleId } : {}),
    grants: [...new Set(choice.grants)],
    crmAccess,
    availability: 'online',
    openAssignments: 0,
    teamIds: [...new Set(input.teamIds ?? [])],
    lastLoginAt: null,
    invitedAt: at,
    invitedBy: access.member.id,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** Replays a stored response for a retried Idempotency-Key, or runs `work` once. */
async function once(
  idempotency: Idempotency | undefined,
  work: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const earlier = idempotency ? await replay(idempotency) : undefined;
  return earlier ?? work();
}

/**
 * Refuses before touching Cognito when the authorisation read (consistent)
 * already shows no free seat; the transaction's condition stays the guarantee.
 */
function assertSeatFree(access: TenantAccess): void {
  const { plan, seatsUsed, seatLimit } = access.tenant;
  if (seatLimit !== undefined && seatsUsed >= seatLimit) throw seatLimitReached(plan, seatsUsed, seatLimit);
}

/** A login this request created for a membership that was then refused is removed again: no orphans. */
async function undoCreatedLogin(identity: Identity, error: unknown): Promise<never> {
  if (identity.created) {
    await deleteIdentity(identity.email).catch((cause: unknown) =>
      logger.warn('orphan login not removed', { identityId: identity.id, error: cause as Error }),
    );
  }
  throw error;
}

export async function inviteMember(
  access: TenantAccess,
  input: MemberInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  return once(idempotency, async () => {
    const at = now.toISOString();
    // Validate everything that needs no I/O before touching Cognito.
    newMember(access, input, 'pending', at);
    assertSeatFree(access);
    await assertNewTeams(access, input);
    const identity = await ensureIdentity(input.email);
    const member = newMember(access, input, identity.id, at);
    const { token, hash } = issueInvitationToken(access.tenant.id, identity.id);
    const expiresAt = expiryFrom(now, config().invitationTtlSeconds);
    member.invitation = { tokenHash: hash, expiresAt, sendCount: 1, lastSentAt: at };
    const response = { status: 201, body: memberView(member) };
    await insertMember({
      member,
      actor: actorOf(access),
      action: 'member.invited',
      extra: [...joinTeams(member), ...(idempotency ? [recordResponse(idempotency, response, now)] : [])],
    }).catch((error: unknown) => undoCreatedLogin(identity, error));
    const delivered = await deliverInvitation(member, token, access.tenant.name, inviterName(access));
    return { status: 201, body: memberView(delivered) };
  });
}

export interface CreateInput extends MemberInput {
  name: string;
  password?: string;
  temporaryPassword?: boolean;
}

/**
 * Direct creation ("New User" form): active at once with a password. A person
 * who already has a login elsewhere is linked, and a given password refused
 * (it would change another tenant's login).
 */
export async function createMember(
  access: TenantAccess,
  input: CreateInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  return once(idempotency, async () => {
    const at = now.toISOString();
    newMember(access, input, 'pending', at);
    assertSeatFree(access);
    await assertNewTeams(access, input);
    const existing = await findIdentity(input.email);
    const hasLogin =
      existing !== undefined &&
      (existing.status === 'CONFIRMED' || (await sharedElsewhere(existing.id, access.tenant.id)));
    if (hasLogin && input.password !== undefined) {
      throw new DomainError(
        'identity-shared',
        `${input.email} already has a login used elsewhere; omit the password to add this person with their existing login.`,
      );
    }
    if (!hasLogin && input.password === undefined) {
      throw new DomainError('validation-failed', 'An initial password is required for a new login.', {
        errors: [{ path: 'body.password', message: 'Required' }],
      });
    }
    const identity = existing ?? (await ensureIdentity(input.email));
    const member: MemberRecord = { ...newMember(access, input, identity.id, at), status: 'active', invitedAt: null };
    const temporary = input.temporaryPassword ?? true;
    if (!hasLogin) {
      await setPassword(input.email, input.password as string, !temporary);
      await setName(input.email, input.name);
    }
    const response = { status: 201, body: memberView(member) };
    await insertMember({
      member,
      actor: actorOf(access),
      action: 'member.created',
      extra: [...joinTeams(member), ...(idempotency ? [recordResponse(idempotency, response, now)] : [])],
    }).catch((error: unknown) => undoCreatedLogin(identity, error));
    try {
      await sendWelcome({
        to: member.email,
        name: member.name,
        tenantName: access.tenant.name,
        inviterName: inviterName(access),
        role: roleLabel(member),
        existingLogin: hasLogin,
        temporaryPassword: !hasLogin && temporary,
      });
    } catch (error) {
      logger.warn('welcome email not sent', { memberId: member.id, error: error as Error });
    }
    return response;
  });
}

/** True when the identity has a membership in a tenant other than `tenantId`. */
async function sharedElsewhere(identityId: string, tenantId: string): Promise<boolean> {
  const memberships = await membersOfIdentity(identityId);
  return memberships.some((member) => member.tenantId !== tenantId);
}

/** The shared-identity guard: login-level changes only for logins that belong to this tenant alone. */
export async function assertIdentityOwned(access: TenantAccess, member: MemberRecord, what: string): Promise<void> {
  if (await sharedElsewhere(member.id, access.tenant.id)) {
    throw new DomainError(
      'identity-shared',
      `This person's login is also used in another tenant, so its ${what} can only be changed by them.`,
    );
  }
}

export async function getMember(access: TenantAccess, memberId: string) {
  return targetMember(access, memberId);
}

export async function listTenantMembers(
  access: TenantAccess,
  page: { limit: number; cursor?: string },
  filter: MemberFilter,
) {
  const result = await listMembers(access.tenant.id, page, filter);
  return { items: result.items.map(memberView), nextCursor: result.nextCursor };
}

export interface MemberPatch {
  name?: string;
  email?: string;
  role?: Role;
  roleId?: string | null;
  grants?: string[];
  crmAccess?: boolean;
  teamIds?: string[];
}

export async function updateMember(
  access: TenantAccess,
  memberId: string,
  patch: MemberPatch,
  now: Date,
  expectedVersion?: number,
): Promise<MemberRecord> {
  const current = await targetMember(access, memberId);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new DomainError('precondition-failed', 'The member changed since you read it (ETag mismatch).');
  }
  const role = patch.role ?? current.role;
  // A custom role id means nothing with a built-in role: say so rather than silently ignore it.
  if (role !== 'custom' && typeof patch.roleId === 'string') {
    throw new DomainError('validation-failed', `roleId applies only with role custom; this member would be ${role}.`, {
      errors: [{ path: 'body.roleId', message: 'Only with role custom: send {"role": "custom", "roleId": …}' }],
    });
  }
  const roleId =
    role === 'custom' ? (patch.roleId === undefined ? current.roleId : (patch.roleId ?? undefined)) : undefined;
  const grants = patch.grants ? [...new Set(patch.grants)] : current.grants;
  if (role === 'admin' && patch.crmAccess === false) assertCrm(role, false);
  const crmAccess = role === 'admin' ? true : (patch.crmAccess ?? current.crmAccess);
  const confers = role !== current.role || roleId !== current.roleId || patch.grants !== undefined;
  if (confers && isOwner(access, current) && role !== 'admin') throw ownerProtected('demoted');
  if (confers || (crmAccess && !current.crmAccess)) {
    assertCanConfer(grantorOf(access), { role, roleId, grants }, access.tenant.rolePermissions, {
      role: current.role,
      roleId: current.roleId,
      grants: current.grants,
    });
  }
  const email = patch.email ?? current.email;
  const teamIds = patch.teamIds ? [...new Set(patch.teamIds)] : current.teamIds;
  const teams = teamDelta(current.teamIds, teamIds);
  if (patch.teamIds) {
    assertTeamCount(teamIds);
    await assertTeamsExist(access.tenant.id, teams.added);
  }
  const next: MemberRecord = {
    ...current,
    name: patch.name ?? current.name,
    email,
    role,
    ...(roleId ? { roleId } : {}),
    grants,
    crmAccess,
    teamIds,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  if (!roleId) delete next.roleId;
  const emailChanged = email !== current.email;
  if (emailChanged) {
    await assertIdentityOwned(access, current, 'email');
    if (await findIdentity(email)) throw new DomainError('email-taken', `${email} already belongs to another login.`);
  }
  const stale = () => new DomainError('precondition-failed', 'The member changed meanwhile; read it again and retry.');
  const actor = actorOf(access);
  const at = now.toISOString();
  await writeMemberChange({
    current,
    next,
    actor,
    action: 'member.updated',
    at,
    onStale: stale,
    extra: teamLinkItems(current.tenantId, current.id, teams, at),
  });
  if (emailChanged) {
    try {
      await setEmail(current.email, email);
    } catch (error) {
      // Keep DynamoDB and Cognito consistent: undo the email change.
      const reverted: MemberRecord = { ...next, email: current.email, updatedAt: at, version: next.version + 1 };
      await writeMemberChange({ current: next, next: reverted, actor, action: 'member.updated', at });
      throw error;
    }
  }
  return next;
}
