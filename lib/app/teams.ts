/**
 * Team use cases behind "Settings → Teams": CRUD, membership and the
 * members' availability. A membership change writes the team link, the
 * member's `teamIds` and the team's member count in one transaction.
 */
import { ulid } from 'ulid';
import { type AssignmentStrategy, type Availability, MAX_TEAMS_PER_MEMBER } from '../domain/assignment.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { type MemberRecord, type TeamRecord, teamView } from '../domain/records.ts';
import type { TenantAccess } from '../http/middleware/authorize.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import { getMember, writeMemberChange } from '../store/members.ts';
import {
  deleteTeamItems,
  existingTeams,
  getTeam,
  insertTeam,
  listTeamLinks,
  listTeams,
  teamLinkItems,
  writeTeamChange,
} from '../store/teams.ts';
import { actorOf, targetMember } from './access.ts';

export interface TeamInput {
  name: string;
  description?: string;
  assignmentStrategy?: AssignmentStrategy;
  capacity?: number | null;
}

export type TeamPatch = Partial<TeamInput>;

export async function requireTeam(access: TenantAccess, teamId: string): Promise<TeamRecord> {
  const team = await getTeam(access.tenant.id, teamId);
  if (!team) throw notFound('The team');
  return team;
}

function assertVersion(team: TeamRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== team.version) {
    throw new DomainError('precondition-failed', 'The team changed since you read it (ETag mismatch).');
  }
}

export async function listTenantTeams(access: TenantAccess, page: { limit: number; cursor?: string }) {
  const result = await listTeams(access.tenant.id, page);
  return { items: result.items.map(teamView), nextCursor: result.nextCursor };
}

export async function createTeam(
  access: TenantAccess,
  input: TeamInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  const earlier = idempotency ? await replay(idempotency) : undefined;
  if (earlier) return earlier;
  const at = now.toISOString();
  const team: TeamRecord = {
    tenantId: access.tenant.id,
    id: ulid(now.getTime()).toLowerCase(),
    name: input.name,
    description: input.description ?? '',
    assignmentStrategy: input.assignmentStrategy ?? 'round_robin',
    capacity: input.capacity ?? null,
    memberCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const response = { status: 201, body: teamView(team) };
  await insertTeam(team, actorOf(access), idempotency ? [recordResponse(idempotency, response, now)] : []);
  return response;
}

export async function updateTeam(
  access: TenantAccess,
  teamId: string,
  patch: TeamPatch,
  now: Date,
  expectedVersion?: number,
): Promise<TeamRecord> {
  const current = await requireTeam(access, teamId);
  assertVersion(current, expectedVersion);
  const next: TeamRecord = {
    ...current,
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    assignmentStrategy: patch.assignmentStrategy ?? current.assignmentStrategy,
    capacity: patch.capacity === undefined ? current.capacity : patch.capacity,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  return (await writeTeamChange(current, next, actorOf(access))) ? next : current;
}

/** Refused (409) while the team has members. */
export async function deleteTeam(access: TenantAccess, teamId: string, now: Date, expectedVersion?: number) {
  const team = await requireTeam(access, teamId);
  assertVersion(team, expectedVersion);
  await deleteTeamItems(team, actorOf(access), now.toISOString());
}

export async function listTeamMembers(access: TenantAccess, teamId: string, page: { limit: number; cursor?: string }) {
  await requireTeam(access, teamId);
  const result = await listTeamLinks(access.tenant.id, teamId, page);
  return {
    items: result.items.map((l) => ({ userId: l.memberId, teamId: l.teamId, addedAt: l.addedAt })),
    nextCursor: result.nextCursor,
  };
}

/** The unknown ones among `teamIds` are a 400 naming each. */
export async function assertTeamsExist(tenantId: string, teamIds: readonly string[]): Promise<void> {
  if (teamIds.length === 0) return;
  const found = new Set((await existingTeams(tenantId, teamIds)).map((t) => t.id));
  const unknown = [...new Set(teamIds)].filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new DomainError('validation-failed', `Unknown team(s): ${unknown.join(', ')}.`, {
      errors: unknown.map((id) => ({ path: 'body.teamIds', message: `Unknown team ${id}` })),
    });
  }
}

export function assertTeamCount(teamIds: readonly string[]): void {
  if (teamIds.length > MAX_TEAMS_PER_MEMBER) {
    throw new DomainError('validation-failed', `A member can be in at most ${MAX_TEAMS_PER_MEMBER} teams.`, {
      errors: [{ path: 'body.teamIds', message: `At most ${MAX_TEAMS_PER_MEMBER}` }],
    });
  }
}

/** The links to add and remove when a member's teams go from `before` to `after`. */
export function teamDelta(before: readonly string[], after: readonly string[]) {
  return {
    added: after.filter((id) => !before.includes(id)),
    removed: before.filter((id) => !after.includes(id)),
  };
}

const TRIES = 5;

/** Re-reads and retries when the member changed meanwhile (e.g. added to two teams at once). */
async function changeMemberTeams(
  access: TenantAccess,
  teamId: string,
  memberId: string,
  join: boolean,
  now: Date,
): Promise<MemberRecord> {
  const team = await requireTeam(access, teamId);
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 ? await targetMember(access, memberId) : await freshMember(access, memberId);
    const has = current.teamIds.includes(team.id);
    if (has === join) return current;
    const teamIds = join ? [...current.teamIds, team.id] : current.teamIds.filter((id) => id !== team.id);
    if (join) assertTeamCount(teamIds);
    const at = now.toISOString();
    const next: MemberRecord = { ...current, teamIds, updatedAt: at, version: current.version + 1 };
    try {
      await writeMemberChange({
        current,
        next,
        actor: actorOf(access),
        action: join ? 'team.member_added' : 'team.member_removed',
        at,
        extra: teamLinkItems(
          access.tenant.id,
          memberId,
          join ? { added: [team.id], removed: [] } : { added: [], removed: [team.id] },
          at,
        ),
      });
      return next;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt >= TRIES) throw error;
    }
  }
}

async function freshMember(access: TenantAccess, memberId: string): Promise<MemberRecord> {
  const member = await getMember(access.tenant.id, memberId);
  if (!member) throw notFound('The member');
  return member;
}

export const addTeamMember = (access: TenantAccess, teamId: string, memberId: string, now: Date) =>
  changeMemberTeams(access, teamId, memberId, true, now);

export const removeTeamMember = (access: TenantAccess, teamId: string, memberId: string, now: Date) =>
  changeMemberTeams(access, teamId, memberId, false, now);

/** The person themselves, or someone with teams:manage (the route checks which). */
export async function setAvailability(
  access: TenantAccess,
  memberId: string,
  availability: Availability,
  now: Date,
): Promise<MemberRecord> {
  const current = await targetMember(access, memberId);
  if (current.availability === availability) return current;
  const at = now.toISOString();
  const next: MemberRecord = { ...current, availability, updatedAt: at, version: current.version + 1 };
  await writeMemberChange({ current, next, actor: actorOf(access), action: 'member.availability_changed', at });
  return next;
}
