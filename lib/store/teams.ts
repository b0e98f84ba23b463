/**
 * Team repository. A team is a `TEAM#id` item (name, description, strategy,
 * capacity, away release, member count, queue count, round-robin cursor), a
 * `TEAM_NAME#normalised` claim (unique name per tenant) and one
 * `TEAM#id#MEMBER#uid` link per member carrying the member's card
 * (lib/store/cards.ts). A link always moves together with the member's
 * `teamIds` and the team's `memberCount`, in one transaction.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { normaliseTeamName } from '../domain/assignment.ts';
import { conflict, DomainError } from '../domain/errors.ts';
import type { MemberRecord, TeamRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { type Link, linkCreate, linkFromItem, withMemberCards } from './cards.ts';
import { claim, release } from './claims.ts';
import { auditDiff, versionedUpdate } from './diff.ts';
import { memberFromItem, teamFromItem } from './items.ts';
import { keys } from './keys.ts';
import { memberItem } from './member-items.ts';
import { queryPage } from './query.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';

export function teamItem(team: TeamRecord) {
  return {
    ...keys.team(team.tenantId, team.id),
    ...keys.teamList(team.tenantId, team.name, team.id),
    entity: 'team',
    ...team,
  };
}

const changedMeanwhile = () =>
  new DomainError('precondition-failed', 'The team changed meanwhile; read it again and retry.');
const nameTaken = (name: string) => () => conflict(`A team named “${name}” already exists in this tenant.`);

function claimName(team: TeamRecord): TxItem {
  return claim(keys.teamName(team.tenantId, team.name), 'teamName', { teamId: team.id }, nameTaken(team.name));
}

function releaseName(team: TeamRecord): TxItem {
  return release(keys.teamName(team.tenantId, team.name), { teamId: team.id }, changedMeanwhile);
}

export async function getTeam(tenantId: string, teamId: string): Promise<TeamRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.team(tenantId, teamId), ConsistentRead: true }),
  );
  return Item ? teamFromItem(Item) : undefined;
}

/** The teams among `teamIds` that exist, in one consistent BatchGetItem per 100. */
export async function existingTeams(tenantId: string, teamIds: readonly string[]): Promise<TeamRecord[]> {
  const table = config().tableName;
  const found: TeamRecord[] = [];
  const unique = [...new Set(teamIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => keys.team(tenantId, id));
    while (pending?.length) {
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[table] ?? []).map(teamFromItem));
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

/** One page of the tenant's teams by name, in one query of the GSI2 team list. */
export async function listTeams(
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: TeamRecord[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `TEAMS#${tenantId}`,
    index: 'gsi2',
    partition: keys.teamListPartition(tenantId),
    page,
  });
  return { items: items.map(teamFromItem), nextCursor };
}

/** One page of a team's member links with their cards (member id order), in one query. */
export async function listTeamLinks(
  tenantId: string,
  teamId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: Link[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `TEAM_MEMBERS#${tenantId}#${teamId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.teamMemberPrefix(teamId),
    page,
  });
  return { items: items.map(linkFromItem), nextCursor };
}

export interface TeamState {
  team: TeamRecord | undefined;
  links: Link[];
}

/** The team item and every member link with its card: ONE consistent Query (more pages only for huge teams). */
export async function readTeamState(tenantId: string, teamId: string): Promise<TeamState> {
  const range = keys.teamRange(teamId);
  const state: TeamState = { team: undefined, links: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ':from': range.from, ':to': range.to },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      if (item.entity === 'team') state.team = teamFromItem(item);
      else if (item.entity === 'teamMember') state.links.push(linkFromItem(item));
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return state;
}

/** A team and a member in ONE consistent BatchGetItem. */
export async function getTeamAndMember(
  tenantId: string,
  teamId: string,
  memberId: string,
): Promise<{ team?: TeamRecord; member?: MemberRecord }> {
  const table = config().tableName;
  let pending: Record<string, unknown>[] | undefined = [keys.team(tenantId, teamId), keys.member(tenantId, memberId)];
  const found: { team?: TeamRecord; member?: MemberRecord } = {};
  while (pending?.length) {
    const out: BatchGetCommandOutput = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of out.Responses?.[table] ?? []) {
      if (item.entity === 'team') found.team = teamFromItem(item);
      else if (item.entity === 'member') found.member = memberFromItem(item);
    }
    pending = out.UnprocessedKeys?.[table]?.Keys;
  }
  return found;
}

const SHOWN = ['name', 'description', 'assignmentStrategy', 'capacity', 'awayReleaseSeconds'] as const;
const shown = (team: TeamRecord) => Object.fromEntries(SHOWN.map((f) => [f, team[f]]));

export async function insertTeam(team: TeamRecord, actor: Actor, extra: TxItem[] = []): Promise<void> {
  await transact([
    put({ Item: teamItem(team), ConditionExpression: 'attribute_not_exists(pk)' }, () =>
      conflict(`A team with id ${team.id} already exists.`),
    ),
    claimName(team),
    auditPut({
      tenantId: team.tenantId,
      actor,
      action: 'team.created',
      target: { type: 'team', id: team.id },
      after: shown(team),
      at: team.createdAt,
    }),
    ...extra,
  ]);
}

/** Version-checked edit; a rename moves the name claim. False (nothing written) when nothing changed. */
export async function writeTeamChange(current: TeamRecord, next: TeamRecord, actor: Actor): Promise<boolean> {
  const items = teamChangeItems(current, next, actor);
  if (!items) return false;
  await transact(items);
  return true;
}

/**
 * The items of a version-checked team edit (undefined when nothing changed). `members` folds a member-count move
 * into the very same update (a transaction names an item once): ADD `delta`, and with `queued` the team's
 * queue must still be as read.
 */
function teamChangeItems(
  current: TeamRecord,
  next: TeamRecord,
  actor: Actor,
  members?: { delta: number; queued?: number; onRace: () => DomainError },
): TxItem[] | undefined {
  const change = versionedUpdate(teamItem(current), teamItem(next));
  if (!change) return undefined;
  const { changed, ...expression } = change;
  if (members) {
    expression.UpdateExpression += ' ADD #memberCount :memberDelta';
    expression.ExpressionAttributeNames = { ...expression.ExpressionAttributeNames, '#memberCount': 'memberCount' };
    expression.ExpressionAttributeValues = { ...expression.ExpressionAttributeValues, ':memberDelta': members.delta };
    if (members.queued !== undefined) {
      expression.ConditionExpression += ' AND (attribute_not_exists(queued) OR queued = :queuedSeen)';
      expression.ExpressionAttributeValues[':queuedSeen'] = members.queued;
    }
  }
  const items: TxItem[] = [
    update({ Key: keys.team(current.tenantId, current.id), ...expression }, members?.onRace ?? changedMeanwhile),
  ];
  if (normaliseTeamName(next.name) !== normaliseTeamName(current.name)) {
    items.push(releaseName(current), claimName(next));
  }
  items.push(
    auditPut({
      tenantId: current.tenantId,
      actor,
      action: 'team.updated',
      target: { type: 'team', id: current.id },
      ...auditDiff(
        current,
        next,
        changed.filter((f) => (SHOWN as readonly string[]).includes(f)),
      ),
      at: next.updatedAt,
      version: current.version + 1,
    }),
  );
  return items;
}

/**
 * Team + name claim removed, audited; refused (409) while it still has
 * members, or holds conversations — queued in it, or assigned through it —
 * with both counts as the problem's `conversations` extension: a deleted
 * team would strand them (a hand-back would have no queue to go to).
 */
export async function deleteTeamItems(team: TeamRecord, actor: Actor, at: string): Promise<void> {
  await transact([
    remove(
      {
        Key: keys.team(team.tenantId, team.id),
        ConditionExpression:
          'version = :expected AND memberCount = :zero AND (attribute_not_exists(queued) OR queued <= :zero)' +
          ' AND (attribute_not_exists(assigned) OR assigned <= :zero)',
        ExpressionAttributeValues: { ':expected': team.version, ':zero': 0 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      (old) => {
        if (!old) return changedMeanwhile();
        if (Number(old.memberCount) > 0)
          return conflict(
            `The team “${team.name}” still has ${String(old.memberCount)} member(s); remove them first.`,
            {
              members: Number(old.memberCount),
            },
          );
        const queued = Math.max(0, Number(old.queued ?? 0));
        const assigned = Math.max(0, Number(old.assigned ?? 0));
        if (queued > 0 || assigned > 0)
          return conflict(
            `The team “${team.name}” still holds ${assigned} assigned and ${queued} queued conversation(s); reassign, hand back or resolve them first.`,
            { conversations: { assigned, queued } },
          );
        return changedMeanwhile();
      },
    ),
    releaseName(team),
    auditPut({
      tenantId: team.tenantId,
      actor,
      action: 'team.deleted',
      target: { type: 'team', id: team.id },
      before: shown(team),
      after: null,
      at,
    }),
  ]);
}

function linkKey(tenantId: string, teamId: string, memberId: string) {
  const { pk, sk } = keys.teamMember(tenantId, teamId, memberId);
  return { pk, sk };
}

const teamGone = (teamId: string) => () =>
  new DomainError('validation-failed', `Team ${teamId} does not exist.`, {
    errors: [{ path: 'body.teamIds', message: `Unknown team ${teamId}` }],
  });

/**
 * The items that add or remove member links, for the member's transaction:
 * the link itself and the team's `memberCount` (the team must still exist).
 */
export function teamLinkItems(
  tenantId: string,
  memberId: string,
  change: { added: readonly string[]; removed: readonly string[] },
  at: string,
): TxItem[] {
  const items: TxItem[] = [];
  for (const teamId of change.added) {
    items.push(
      linkCreate(tenantId, teamId, memberId, at, () => conflict('This person is already a member of that team.')),
      update(
        {
          Key: keys.team(tenantId, teamId),
          UpdateExpression: 'ADD memberCount :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
        teamGone(teamId),
      ),
    );
  }
  for (const teamId of change.removed) {
    items.push(
      remove({ Key: linkKey(tenantId, teamId, memberId), ConditionExpression: 'attribute_exists(pk)' }, () =>
        conflict('This person is not a member of that team.'),
      ),
      update({
        Key: keys.team(tenantId, teamId),
        UpdateExpression: 'ADD memberCount :minus',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
  }
  return items;
}

/** The member's side of joining or leaving a team, computed by the caller. */
export interface MembershipChange {
  team: TeamRecord;
  current: MemberRecord;
  next: MemberRecord;
  join: boolean;
  actor: Actor;
  at: string;
}

/**
 * Joins or leaves a team as ONE transaction: the member (version-checked, and
 * with the open load as read, so the new link's card load is exact), the link
 * with the member's card, the team's member count — on joining only while its
 * queue is as read, so a caller that saw it empty may skip draining — the
 * member's other cards, and the audit item.
 */
export async function writeMembership(change: MembershipChange): Promise<void> {
  const { team, current, next, join, actor, at } = change;
  const { tenantId } = current;
  const seen = current.openAssignments ?? 0;
  const memberUpdate = versionedUpdate(memberItem(current), memberItem(next), {
    expression:
      seen === 0 ? '(attribute_not_exists(openAssignments) OR openAssignments = :seen)' : 'openAssignments = :seen',
    values: { ':seen': seen },
  });
  if (!memberUpdate) return;
  const { changed: _changed, ...expression } = memberUpdate;
  const memberChanged = () => conflict('The member changed meanwhile; read it again and retry.');
  const queued = team.queued ?? 0;
  const items: TxItem[] = [
    update({ Key: keys.member(tenantId, current.id), ...expression }, memberChanged),
    join
      ? linkCreate(tenantId, team.id, next, at, () => conflict('This person is already a member of that team.'))
      : remove({ Key: linkKey(tenantId, team.id, current.id), ConditionExpression: 'attribute_exists(pk)' }, () =>
          conflict('This person is not a member of that team.'),
        ),
    update(
      {
        Key: keys.team(tenantId, team.id),
        UpdateExpression: 'ADD memberCount :delta',
        ConditionExpression: join
          ? 'attribute_exists(pk) AND (attribute_not_exists(queued) OR queued = :queued)'
          : 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':delta': join ? 1 : -1, ...(join ? { ':queued': queued } : {}) },
      },
      join ? () => new DomainError('conflict', 'The team changed meanwhile; retry.') : teamGone(team.id),
    ),
    auditPut({
      tenantId,
      actor,
      action: join ? 'team.member_added' : 'team.member_removed',
      target: { type: 'member', id: current.id },
      before: { teamIds: current.teamIds },
      after: { teamIds: next.teamIds, teamId: team.id },
      at,
    }),
  ];
  await transact(withMemberCards(items, current, next));
}

/** A lost condition race of a group's member transaction: the caller reads again and retries the whole request. */
export class MembershipRace extends DomainError {
  constructor(detail: string) {
    super('conflict', detail);
  }
}

/** One member's side of a group change: the member as read and as it will be. */
export interface GroupMemberChange {
  current: MemberRecord;
  next: MemberRecord;
  join: boolean;
}

/**
 * The items of ONE transaction applying a whole group request (SCIM PATCH/PUT, DESIGN §6a "One PATCH is
 * atomic"): per member its version-checked update (open load as read), its link created (with its card) or
 * removed, its other cards and its audit item; the team's `memberCount` moved ONCE by the net delta — on any
 * join only while its queue is as read — and, with `renamed`, the team's versioned rename (name claim moved,
 * audited) folded into that same team update. Every lost race is a `MembershipRace`.
 */
export function groupMembershipItems(input: {
  team: TeamRecord;
  changes: readonly GroupMemberChange[];
  renamed?: TeamRecord;
  actor: Actor;
  at: string;
}): TxItem[] {
  const { team, changes, renamed, actor, at } = input;
  const { tenantId } = team;
  const race = (what: string) => () => new MembershipRace(`${what} changed meanwhile.`);
  const items: TxItem[] = [];
  for (const { current, next, join } of changes) {
    const seen = current.openAssignments ?? 0;
    const memberUpdate = versionedUpdate(memberItem(current), memberItem(next), {
      expression:
        seen === 0 ? '(attribute_not_exists(openAssignments) OR openAssignments = :seen)' : 'openAssignments = :seen',
      values: { ':seen': seen },
    });
    if (!memberUpdate) continue;
    const { changed: _changed, ...expression } = memberUpdate;
    const own: TxItem[] = [
      update({ Key: keys.member(tenantId, current.id), ...expression }, race(`Member ${current.id}`)),
      join
        ? linkCreate(tenantId, team.id, next, at, race(`Member ${current.id}'s link`))
        : remove(
            { Key: linkKey(tenantId, team.id, current.id), ConditionExpression: 'attribute_exists(pk)' },
            race(`Member ${current.id}'s link`),
          ),
      auditPut({
        tenantId,
        actor,
        action: join ? 'team.member_added' : 'team.member_removed',
        target: { type: 'member', id: current.id },
        before: { teamIds: current.teamIds },
        after: { teamIds: next.teamIds, teamId: team.id },
        at,
      }),
    ];
    items.push(...withMemberCards(own, current, next));
  }
  const delta = changes.reduce((sum, c) => sum + (c.join ? 1 : -1), 0);
  const joins = changes.some((c) => c.join);
  const queued = joins ? (team.queued ?? 0) : undefined;
  const teamItems = renamed
    ? teamChangeItems(team, renamed, actor, { delta, queued, onRace: race('The team') })
    : undefined;
  if (teamItems) return [...teamItems, ...items];
  if (changes.length === 0) return items;
  return [
    update(
      {
        Key: keys.team(tenantId, team.id),
        UpdateExpression: 'ADD memberCount :delta',
        ConditionExpression:
          queued === undefined
            ? 'attribute_exists(pk)'
            : 'attribute_exists(pk) AND (attribute_not_exists(queued) OR queued = :queued)',
        ExpressionAttributeValues: { ':delta': delta, ...(queued === undefined ? {} : { ':queued': queued }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      (old) => (old ? new MembershipRace('The team changed meanwhile.') : teamGone(team.id)()),
    ),
    ...items,
  ];
}
