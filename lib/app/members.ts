/**
 * Member use cases behind "Settings → Users": invite, direct create, read,
 * list and edit. Each change is one transaction with its audit (lib/store).
 */
import {
  deleteLogin,
  ensureLogin,
  findLogin,
  type Login,
  passwordMatches,
  setEmail,
  setName,
  setPassword,
  signOutEverywhere,
} from '../aws/identity.ts';
import { sendWelcome } from '../aws/mail.ts';
import { config } from '../config.ts';
import { DomainError, forbidden } from '../domain/errors.ts';
import { assertCanConfer, ownerProtected, type RoleChoice } from '../domain/escalation.ts';
import { assertFutureExpiries, type Grant, liveGrants, normaliseGrants } from '../domain/grants.ts';
import { assertDominates, assertManaged, isAccepted, resendWait, tooManySends } from '../domain/identity.ts';
import { hasPermission, type Role } from '../domain/permissions.ts';
import { type MemberRecord, memberView } from '../domain/records.ts';
import type { ScimUserState } from '../domain/scim/users.ts';
import { seatLimitReached } from '../domain/seats.ts';
import { expiryFrom, issueInvitationToken } from '../domain/tokens.ts';
import { logger } from '../log.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import type { IdentityPatch } from '../store/identities.ts';
import { emailTakenError } from '../store/member-items.ts';
import { insertMember, listMembers, type MemberFilter, type MemberSort, writeMemberChange } from '../store/members.ts';
import { openSendGate, type SendGate, sendGateItems } from '../store/sends.ts';
import { teamLinkItems } from '../store/teams.ts';
import type { TxItem } from '../store/transact.ts';
import {
  actOn,
  actorOf,
  assertNotDirectoryManaged,
  grantorOf,
  isOwner,
  principalOf,
  roleLabel,
  targetMember,
} from './access.ts';
import { deliverInvitation, inviterName } from './delivery.ts';
import { assertTeamCount, assertTeamsExist, teamDelta } from './teams.ts';
import type { TenantAccess } from './tenant-access.ts';

/**
 * Team membership is teams:manage's on every door (issue 17): the team route
 * asks for it, so a PATCH of `teamIds`, an invitation or a direct creation
 * into teams asks for it too — users:edit or users:create alone never put
 * anyone (oneself included) in a team, nor take them out.
 */
function assertMayChangeTeams(access: TenantAccess): void {
  if (hasPermission(access.permissions, 'teams:manage')) return;
  throw forbidden('Putting people in teams or taking them out needs teams:manage.');
}

/** The teams a new member joins must exist (400 naming the unknown ones), and joining needs teams:manage. */
async function assertNewTeams(access: TenantAccess, input: { teamIds?: string[] }): Promise<void> {
  const teamIds = [...new Set(input.teamIds ?? [])];
  if (teamIds.length > 0) assertMayChangeTeams(access);
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
  grants?: Grant[];
  crmAccess?: boolean;
  teamIds?: string[];
  /** A member the directory writes (SCIM): what it sent, and the items its transaction also writes (claims). */
  directory?: { scim: ScimUserState; extra: (memberId: string) => TxItem[] };
}

/** The grants a request gives: one per permission, each timed one ending in the future (else a 400). */
function givenGrants(grants: readonly Grant[] | undefined, now: Date): Grant[] {
  const normalised = normaliseGrants(grants ?? []);
  assertFutureExpiries(normalised, now);
  return normalised;
}

function roleChoice(input: { role: Role; roleId?: string; grants?: readonly Grant[] }, now: Date): RoleChoice {
  return {
    role: input.role,
    roleId: input.role === 'custom' ? input.roleId : undefined,
    grants: givenGrants(input.grants, now),
  };
}

function assertCrm(role: Role, crmAccess: boolean): void {
  if (role === 'admin' && !crmAccess) {
    throw new DomainError('validation-failed', 'Admins always have CRM access.', {
      errors: [{ path: 'body.crmAccess', message: 'Cannot be false for an admin' }],
    });
  }
}

function newMember(access: TenantAccess, input: MemberInput, id: string, at: string): MemberRecord {
  const choice = roleChoice(input, new Date(at));
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
    grants: [...choice.grants],
    crmAccess,
    availability: 'online',
    openAssignments: 0,
    teamIds: [...new Set(input.teamIds ?? [])],
    lastLoginAt: null,
    invitedAt: at,
    invitedBy: access.member.id,
    ...(input.directory ? { managedBy: 'directory' as const, scim: input.directory.scim } : {}),
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
async function undoCreatedLogin(identity: Login, error: unknown): Promise<never> {
  if (identity.created) {
    await deleteLogin(identity.id).catch((cause: unknown) =>
      logger.warn('orphan login not removed', { identityId: identity.id, error: cause as Error }),
    );
  }
  throw error;
}

/**
 * Everything an invite or create checks before touching Cognito: the rules, the seat, the teams, the address,
 * and whether this tenant may mail the address now (issue 17: spacing and the daily budget, one read with the
 * email claim).
 */
async function precheck(access: TenantAccess, input: MemberInput, now: Date): Promise<SendGate> {
  newMember(access, input, 'pending', now.toISOString());
  assertSeatFree(access);
  await assertNewTeams(access, input);
  const { gate, emailClaimed } = await openSendGate(access.tenant, input.email, now);
  if (emailClaimed) throw emailTakenError(input.email);
  return gate;
}

/** How a membership records the login it names: a new one is this tenant's; an older one nobody's. */
const loginRecord = (access: TenantAccess, email: string, login: Login): IdentityPatch => ({
  init: login.created
    ? { email, managedBy: access.tenant.id, hasPassword: false }
    : { email, managedBy: null, hasPassword: true },
});

/** Invites the address's login (created without a usable password when there is none) and mails the link. */
async function invite(
  access: TenantAccess,
  input: MemberInput,
  login: Login,
  now: Date,
  idempotency: Idempotency | undefined,
  gate: SendGate,
): Promise<StoredResponse> {
  const at = now.toISOString();
  const member = newMember(access, input, login.id, at);
  const { token, hash } = issueInvitationToken(access.tenant.id, login.id);
  const expiresAt = expiryFrom(now, config().invitationTtlSeconds);
  member.invitation = { tokenHash: hash, expiresAt, sendCount: 1, lastSentAt: at };
  const response = { status: 201, body: memberView(member, now) };
  await insertMember({
    member,
    actor: actorOf(access),
    action: 'member.invited',
    identity: loginRecord(access, input.email, login),
    extra: [
      ...joinTeams(member),
      ...(idempotency ? [recordResponse(idempotency, response, now)] : []),
      ...sendGateItems(gate, now),
      ...(input.directory?.extra(member.id) ?? []),
    ],
  }).catch((error: unknown) => undoCreatedLogin(login, error));
  const delivered = await deliverInvitation(member, token, access.tenant.name, inviterName(access));
  return { status: 201, body: memberView(delivered, now) };
}

export async function inviteMember(
  access: TenantAccess,
  input: MemberInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  return once(idempotency, async () => {
    const gate = await precheck(access, input, now);
    return invite(access, input, await ensureLogin(input.email), now, idempotency, gate);
  });
}

export interface CreateInput extends MemberInput {
  name: string;
  password?: string;
  temporaryPassword?: boolean;
}

/**
 * Direct creation ("New User" form): a new login with the given password,
 * active at once. An address that already has a login anywhere is never
 * touched (DESIGN §2a rule 3): the person is invited instead, and joins by
 * proving the login is theirs.
 */
export async function createMember(
  access: TenantAccess,
  input: CreateInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  return once(idempotency, async () => {
    const gate = await precheck(access, input, now);
    const existing = await findLogin(input.email);
    if (existing) return invite(access, input, existing, now, idempotency, gate);
    if (input.password === undefined) {
      throw new DomainError('validation-failed', 'An initial password is required for a new login.', {
        errors: [{ path: 'body.password', message: 'Required' }],
      });
    }
    const login = await ensureLogin(input.email);
    // Created by someone else between the look-up and now: theirs, so an invitation.
    if (!login.created) return invite(access, input, login, now, idempotency, gate);
    const at = now.toISOString();
    const member: MemberRecord = { ...newMember(access, input, login.id, at), status: 'active', invitedAt: null };
    const temporary = input.temporaryPassword ?? true;
    try {
      await setPassword(login.id, input.password);
      await setName(login.id, input.name);
    } catch (error) {
      await undoCreatedLogin(login, error);
    }
    const response = { status: 201, body: memberView(member, now) };
    await insertMember({
      member,
      actor: actorOf(access),
      action: 'member.created',
      identity: {
        init: { email: input.email, managedBy: access.tenant.id, hasPassword: true, mustChangePassword: temporary },
      },
      extra: [
        ...joinTeams(member),
        ...(idempotency ? [recordResponse(idempotency, response, now)] : []),
        ...sendGateItems(gate, now),
      ],
    }).catch((error: unknown) => undoCreatedLogin(login, error));
    try {
      await sendWelcome({
        to: member.email,
        name: member.name,
        tenantName: access.tenant.name,
        inviterName: inviterName(access),
        role: roleLabel(member),
        existingLogin: false,
        temporaryPassword: temporary,
      });
    } catch (error) {
      logger.warn('welcome email not sent', { memberId: member.id, error: error as Error });
    }
    return response;
  });
}

export async function getMember(access: TenantAccess, memberId: string) {
  return targetMember(access, memberId);
}

export async function listTenantMembers(
  access: TenantAccess,
  page: { limit: number; cursor?: string },
  filter: MemberFilter,
  sort?: MemberSort,
) {
  const result = await listMembers(access.tenant.id, page, filter, { sort, now: access.now });
  return { items: result.items.map((m) => memberView(m, access.now)), nextCursor: result.nextCursor };
}

export interface MemberPatch {
  /** Changing one's own email: the caller's current password, as proof the session is theirs. */
  currentPassword?: string;
  name?: string;
  email?: string;
  role?: Role;
  roleId?: string | null;
  grants?: Grant[];
  crmAccess?: boolean;
  teamIds?: string[];
}

export async function updateMember(
  access: TenantAccess,
  memberId: string,
  patch: MemberPatch,
  now: Date,
  expectedVersion?: number,
  directory?: { scim: ScimUserState; extra: TxItem[] },
): Promise<MemberRecord> {
  const { member: current, identity } = await actOn(access, memberId, 'edit');
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
  // Expired grants confer nothing: a change drops them rather than carry them (or check them) further.
  const grants = patch.grants ? givenGrants(patch.grants, now) : liveGrants(current.grants, now);
  if (role === 'admin' && patch.crmAccess === false) assertCrm(role, false);
  const crmAccess = role === 'admin' ? true : (patch.crmAccess ?? current.crmAccess);
  const confers = role !== current.role || roleId !== current.roleId || patch.grants !== undefined;
  if (confers && isOwner(access, current) && role !== 'admin') throw ownerProtected('demoted');
  if (confers || (crmAccess && !current.crmAccess)) {
    assertCanConfer(grantorOf(access), { role, roleId, grants }, access.tenant.rolePermissions, {
      role: current.role,
      roleId: current.roleId,
      grants: liveGrants(current.grants, now),
    });
  }
  const email = patch.email ?? current.email;
  const teamIds = patch.teamIds ? [...new Set(patch.teamIds)] : current.teamIds;
  const teams = teamDelta(current.teamIds, teamIds);
  if (teams.added.length > 0 || teams.removed.length > 0) assertMayChangeTeams(access);
  if (patch.teamIds) {
    assertTeamCount(teamIds);
    await assertTeamsExist(access.tenant.id, teams.added);
  }
  const at = now.toISOString();
  let next: MemberRecord = {
    ...current,
    name: patch.name ?? current.name,
    email,
    role,
    ...(roleId ? { roleId } : {}),
    grants,
    crmAccess,
    teamIds,
    updatedAt: at,
    version: current.version + 1,
  };
  if (!roleId) delete next.roleId;
  if (directory) next = { ...next, managedBy: 'directory', scim: directory.scim };
  const emailChanged = email !== current.email;
  if (
    next.name !== current.name ||
    emailChanged ||
    next.role !== current.role ||
    next.roleId !== current.roleId ||
    teams.added.length > 0 ||
    teams.removed.length > 0
  ) {
    assertNotDirectoryManaged(access, current, 'name, email, role or teams');
  }
  let link: { token: string } | undefined;
  let identityPatch: IdentityPatch | undefined;
  if (emailChanged) {
    // DESIGN §2a rules 1, 2 and 5: the owner's address only by the owner; only a login this tenant manages.
    assertDominates(principalOf(access, access.member), principalOf(access, current), 'email');
    assertManaged(identity, access.tenant.id, 'email');
    // Stricter than rule 2: a login that another tenant's invitation also names keeps its address — moving it
    // would hand that tenant's invitation (and, once accepted, its membership) to the new address.
    if (identity.membershipCount > 1) {
      throw new DomainError(
        'identity-shared',
        "This person's login is also invited to another tenant, so its address can't be changed here; revoke and invite the new address instead.",
      );
    }
    // One's own address only with one's own password: a stolen session must not move a login to its holder.
    if (current.id === access.member.id) {
      if (!patch.currentPassword || !(await passwordMatches(current.id, patch.currentPassword))) {
        throw forbidden('Changing your own email needs your current password (currentPassword).');
      }
    }
    if (!isAccepted(current.status) && identity.hasPassword) {
      throw new DomainError(
        'identity-shared',
        'This invitation is for an existing login; revoke it and invite the new address instead.',
      );
    }
    if (await findLogin(email)) throw new DomainError('email-taken', `${email} already belongs to another login.`);
    identityPatch = { email, revokeSessionsAt: now.getTime(), expectVersion: identity.version };
    if (!isAccepted(current.status)) {
      // The invitation follows the address: a new token, a new expiry, the old link dead — a send like a resend.
      const wait = resendWait(current.invitation, now, config().invitationResendIntervalSeconds);
      if (wait > 0) throw tooManySends(wait);
      const issued = issueInvitationToken(access.tenant.id, current.id);
      link = { token: issued.token };
      next = {
        ...next,
        status: 'invited',
        invitation: {
          tokenHash: issued.hash,
          expiresAt: expiryFrom(now, config().invitationTtlSeconds),
          sendCount: (current.invitation?.sendCount ?? 0) + 1,
          lastSentAt: at,
        },
      };
    }
  }
  const stale = () => new DomainError('precondition-failed', 'The member changed meanwhile; read it again and retry.');
  const actor = actorOf(access);
  await writeMemberChange({
    current,
    next,
    actor,
    action: 'member.updated',
    at,
    onStale: stale,
    identity: identityPatch,
    extra: [...teamLinkItems(current.tenantId, current.id, teams, at), ...(directory?.extra ?? [])],
  });
  if (emailChanged) {
    try {
      await setEmail(current.id, email);
    } catch (error) {
      // Keep DynamoDB and Cognito consistent: undo the email change.
      const reverted: MemberRecord = { ...next, email: current.email, updatedAt: at, version: next.version + 1 };
      await writeMemberChange({
        current: next,
        next: reverted,
        actor,
        action: 'member.updated',
        at,
        identity: { email: current.email },
      });
      throw error;
    }
    // In AWS the refresh tokens go too (Roster already refuses every older token).
    if (isAccepted(current.status)) await signOutEverywhere(current.id);
  }
  if (link) {
    return deliverInvitation(
      next,
      link.token,
      access.tenant.name,
      inviterName(access),
      access.tenant.ownerId === next.id,
    );
  }
  return next;
}
