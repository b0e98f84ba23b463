/**
 * Team use cases behind "Settings → Teams": CRUD, membership and the
 * members' availability. A membership change writes the team link (with the
 * member's card), the member's `teamIds` and the team's member count in one
 * transaction. What makes room in a team — joining it, coming online, a
 * raised capacity or a changed strategy — drains its queue right after.
 */
import { ulid } from 'ulid';
import {
  type AssignmentStrategy,
  type Availability,
  awayReleaseDue,
  MAX_TEAMS_PER_MEMBER,
} from '../domain/assignment.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { type MemberRecord, type TeamMemberView, type TeamRecord, teamView } from '../domain/records.ts';
import { effectiveAvailability } from '../domain/schedule.ts';
import { getMembers } from '../store/assignments.ts';
import type { Link } from '../store/cards.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import { writeMemberChange } from '../store/members.ts';
import {
  deleteTeamItems,
  existingTeams,
  getTeam,
  getTeamAndMember,
  insertTeam,
  listTeamLinks,
  listTeams,
  writeMembership,
  writeTeamChange,
} from '../store/teams.ts';
import { awayTicketDelete, awayTicketPut } from '../store/tickets.ts';
import { type Access, actorOf, assertNotDirectoryManaged, changeMember } from './access.ts';
import { type DrainBudget, drainTeams } from './drain.ts';
import { releaseAwayMember } from './release.ts';
import { retrying } from './retry.ts';
import type { TenantAccess } from './tenant-access.ts';

export interface TeamInput {
  name: string;
  description?: string;
  assignmentStrategy?: AssignmentStrategy;
  capacity?: number | null;
  /** Absent = never, 0 = at once. */
  awayReleaseSeconds?: number | null;
}

export type TeamPatch = Partial<TeamInput>;

export async function requireTeam(access: Access, teamId: string): Promise<TeamRecord> {
  const team = await getTeam(access.tenant.id, teamId);
  if (!team) throw notFound('The team');
  return team;
}

function assertVersion(team: TeamRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== team.version) {
    throw new DomainError('precondition-failed', 'The team changed since you read it (ETag mismatch).');
  }
}

export async function listTenantTeams(access: Access, page: { limit: number; cursor?: string }) {
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
    ...(input.awayReleaseSeconds === undefined || input.awayReleaseSeconds === null
      ? {}
      : { awayReleaseSeconds: input.awayReleaseSeconds }),
    memberCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const response = { status: 201, body: teamView(team) };
  await insertTeam(team, actorOf(access), idempotency ? [recordResponse(idempotency, response, now)] : []);
  return response;
}

/** A raised capacity or a changed strategy is room: the queue drains (in this request, within `budget`). */
export async function updateTeam(
  access: TenantAccess,
  teamId: string,
  patch: TeamPatch,
  now: Date,
  expectedVersion?: number,
  budget?: DrainBudget,
): Promise<TeamRecord> {
  // Assignments move the team's counters (queued, assigned, cursor) without its version: a transaction that
  // collided with one reads the team again and retries, never a 503.
  const written = await retrying(async () => {
    const current = await requireTeam(access, teamId);
    assertVersion(current, expectedVersion);
    const next: TeamRecord = {
      ...current,
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      assignmentStrategy: patch.assignmentStrategy ?? current.assignmentStrategy,
      capacity: patch.capacity === undefined ? current.capacity : patch.capacity,
      awayReleaseSeconds:
        patch.awayReleaseSeconds === undefined ? current.awayReleaseSeconds : patch.awayReleaseSeconds,
      updatedAt: now.toISOString(),
      version: current.version + 1,
    };
    if (next.awayReleaseSeconds === null || next.awayReleaseSeconds === undefined) delete next.awayReleaseSeconds;
    return { current, next, changed: await writeTeamChange(current, next, actorOf(access)) };
  });
  const { current, next } = written;
  if (!written.changed) return current;
  const roomier =
    next.assignmentStrategy !== current.assignmentStrategy ||
    (current.capacity !== null && (next.capacity === null || next.capacity > current.capacity));
  if (roomier) await drainTeams(access.tenant, [teamId], { actor: actorOf(access), budget });
  return next;
}

/** Refused (409) while the team has members or holds conversations (queued in it, or assigned through it). */
export async function deleteTeam(access: TenantAccess, teamId: string, now: Date, expectedVersion?: number) {
  await retrying(async () => {
    const team = await requireTeam(access, teamId);
    assertVersion(team, expectedVersion);
    await deleteTeamItems(team, actorOf(access), now.toISOString());
  });
}

/**
 * A page of the team's members as people — name, email, status, availability
 * and open load — from the cards on the member links: ONE query. Only links
 * without a card (written before cards existed) need their members read.
 */
export async function listTeamMembers(access: Access, teamId: string, page: { limit: number; cursor?: string }) {
  const result = await listTeamLinks(access.tenant.id, teamId, page);
  // Links exist only in an existing team; an empty page checks the team itself.
  if (result.items.length === 0) await requireTeam(access, teamId);
  const bare = result.items.filter((l) => !l.card || l.load === undefined).map((l) => l.memberId);
  const members = bare.length ? await getMembers(access.tenant.id, bare) : new Map<string, MemberRecord>();
  const items: TeamMemberView[] = [];
  for (const link of result.items) {
    const view = teamMemberView(link, members.get(link.memberId), access.now);
    if (view) items.push(view);
  }
  return { items, nextCursor: result.nextCursor };
}

function teamMemberView(link: Link, member: MemberRecord | undefined, now: Date): TeamMemberView | undefined {
  const person = member ?? link.card;
  if (!person) return undefined;
  return {
    userId: link.memberId,
    teamId: link.teamId,
    addedAt: link.addedAt,
    name: person.name,
    email: person.email,
    status: person.status,
    availability: person.availability,
    effectiveAvailability: effectiveAvailability(person, now),
    workingHours: person.workingHours ?? null,
    openAssignments: Math.max(0, member ? (member.openAssignments ?? 0) : (link.load ?? 0)),
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

/**
 * Joins or leaves: team and member in ONE BatchGetItem, then one transaction;
 * re-reads and retries when the member changed meanwhile (e.g. added to two
 * teams at once). Joining a team whose queue waits drains it.
 */
async function changeMemberTeams(
  access: Access,
  teamId: string,
  memberId: string,
  join: boolean,
  now: Date,
  budget?: DrainBudget,
): Promise<MemberRecord> {
  for (let attempt = 1; ; attempt++) {
    const { team, member } = await getTeamAndMember(access.tenant.id, teamId, memberId);
    if (!team) throw notFound('The team');
    if (!member) throw notFound('The member');
    if (member.teamIds.includes(team.id) === join) return member;
    assertNotDirectoryManaged(access, member, 'teams');
    const teamIds = join ? [...member.teamIds, team.id] : member.teamIds.filter((id) => id !== team.id);
    if (join) assertTeamCount(teamIds);
    const at = now.toISOString();
    const next: MemberRecord = { ...member, teamIds, updatedAt: at, version: member.version + 1 };
    try {
      await writeMembership({ team, current: member, next, join, actor: actorOf(access), at });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt >= TRIES) throw error;
      continue;
    }
    // The join committed only while the queue was as read: empty means nothing waits for the new member.
    if (join && (team.queued ?? 0) > 0) await drainTeams(access.tenant, [team.id], { actor: actorOf(access), budget });
    return next;
  }
}

export const addTeamMember = (access: Access, teamId: string, memberId: string, now: Date, budget?: DrainBudget) =>
  changeMemberTeams(access, teamId, memberId, true, now, budget);

export const removeTeamMember = (access: Access, teamId: string, memberId: string, now: Date) =>
  changeMemberTeams(access, teamId, memberId, false, now);

/**
 * Online/away: the person themselves, or someone with teams:manage (the route
 * checks which) who dominates them (DESIGN §2a rule 1: a manager never sets
 * an admin away), or the inbox backend. Going away starts the teams' away release (at once for a team
 * with `awayReleaseSeconds: 0`, later by the release job); coming online is
 * room in every team of theirs: the queues drain.
 */
export async function setAvailability(
  access: Access,
  memberId: string,
  availability: Availability,
  now: Date,
  budget?: DrainBudget,
): Promise<MemberRecord> {
  const current = await changeMember(access, memberId, 'edit');
  if (current.availability === availability) return current;
  const at = now.toISOString();
  const next: MemberRecord = { ...current, availability, updatedAt: at, version: current.version + 1 };
  const tenantId = access.tenant.id;
  if (availability === 'away') next.awaySince = at;
  else delete next.awaySince;
  await writeMemberChange({
    current,
    next,
    actor: actorOf(access),
    action: 'member.availability_changed',
    at,
    extra: [availability === 'away' ? awayTicketPut(tenantId, memberId, at) : awayTicketDelete(tenantId, memberId)],
  });
  if (next.teamIds.length === 0) return next;
  if (availability === 'online') {
    await drainTeams(access.tenant, next.teamIds, { actor: actorOf(access), budget });
  } else if ((current.openAssignments ?? 0) > 0) {
    const atOnce = (await existingTeams(tenantId, next.teamIds)).filter((t) =>
      awayReleaseDue(t.awayReleaseSeconds, at, now),
    );
    if (atOnce.length) {
      await releaseAwayMember(access.tenant, next, new Set(atOnce.map((t) => t.id)), {
        now: () => new Date(),
        shouldStop: budget?.shouldStop,
        actor: actorOf(access),
      });
    }
  }
  return next;
}
