/**
 * A team as a strategy sees it: its rules and its members as candidates,
 * read from the team's partition range (the cards on its member links) in
 * one round trip. Members whose card is missing — links written before cards
 * existed — or who are to be checked against their own item (a pick on them
 * failed, or the release job verifies) are read with one BatchGetItem, and
 * their cards are repaired.
 */
import type { Candidate, TeamRules } from '../domain/assignment.ts';
import { DomainError } from '../domain/errors.ts';
import type { MemberRecord, TeamRecord, TenantRecord } from '../domain/records.ts';
import { effectiveAvailability } from '../domain/schedule.ts';
import { logger } from '../log.ts';
import { getMembers, type MemberRef, refOf } from '../store/assignments.ts';
import { type Card, type Link, repairCards } from '../store/cards.ts';
import { readTeamState } from '../store/teams.ts';
import { permissionsOf } from './access.ts';
import { isContention } from './retry.ts';

export interface TeamSnapshot {
  team: TeamRecord;
  candidates: Candidate[];
  /** Version and teams of each candidate, for the pick's conditions. */
  refs: Map<string, MemberRef>;
  /** Each candidate's card, for the team's member list. */
  cards: Map<string, Card & { load: number; addedAt: string }>;
}

export interface ReadOptions {
  /** Read these members' own items too (a condition on them failed). */
  verify?: ReadonlySet<string>;
  /** Read every member's own item (the release job's sweep). */
  authoritative?: boolean;
  /** The clock candidates are judged by (working hours, timed grants); default: now. */
  now?: Date;
}

function candidateOf(card: Card, load: number, tenant: Pick<TenantRecord, 'rolePermissions'>, now: Date): Candidate {
  return {
    id: card.id,
    status: card.status,
    // Their choice weighed against their working hours: outside them a member is away for assignment.
    availability: effectiveAvailability(card, now),
    openAssignments: load,
    permissions: permissionsOf(card, tenant, now),
  };
}

function cardOfMember(member: MemberRecord): Card {
  return {
    id: member.id,
    version: member.version,
    name: member.name,
    email: member.email,
    status: member.status,
    role: member.role,
    ...(member.roleId ? { roleId: member.roleId } : {}),
    grants: member.grants,
    crmAccess: member.crmAccess,
    availability: member.availability,
    ...(member.awaySince ? { awaySince: member.awaySince } : {}),
    ...(member.workingHours ? { workingHours: member.workingHours } : {}),
    teamIds: member.teamIds,
  };
}

/** The team and its candidates; undefined when the team does not exist. */
export async function readTeam(
  tenant: Pick<TenantRecord, 'id' | 'rolePermissions'>,
  teamId: string,
  options: ReadOptions = {},
): Promise<TeamSnapshot | undefined> {
  const state = await readTeamState(tenant.id, teamId);
  if (!state.team) return undefined;
  const stale = (link: Link) =>
    options.authoritative || !link.card || link.load === undefined || options.verify?.has(link.memberId);
  const toRead = state.links.filter(stale).map((l) => l.memberId);
  const members = toRead.length ? await getMembers(tenant.id, toRead) : new Map<string, MemberRecord>();
  const view: TeamSnapshot = { team: state.team, candidates: [], refs: new Map(), cards: new Map() };
  const repairs: MemberRecord[] = [];
  for (const link of state.links) {
    const member = members.get(link.memberId);
    let card = link.card;
    let load = link.load ?? 0;
    if (member) {
      if (!card || card.version !== member.version || link.load !== member.openAssignments) repairs.push(member);
      card = cardOfMember(member);
      load = member.openAssignments ?? 0;
    }
    if (!card) continue; // a link whose member is gone (deleted meanwhile)
    view.candidates.push(candidateOf(card, load, tenant, options.now ?? new Date()));
    view.refs.set(card.id, refOf(card));
    view.cards.set(card.id, { ...card, load, addedAt: link.addedAt });
  }
  if (repairs.length) {
    // A member who changed again meanwhile is repaired by a later read.
    await repairCards(tenant.id, repairs).catch((error: unknown) => {
      if (!isContention(error) && !(error instanceof DomainError && error.code === 'conflict'))
        logger.warn('team cards not repaired', { teamId, error: error as Error });
    });
  }
  return view;
}

export const rulesOf = (team: TeamRecord): TeamRules => ({
  assignmentStrategy: team.assignmentStrategy,
  capacity: team.capacity,
  rrCursor: team.rrCursor ?? null,
});
