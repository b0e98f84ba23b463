/**
 * Team repository. A team is a `TEAM#id` item (name, description, strategy,
 * capacity, member count, round-robin cursor), a `TEAM_NAME#normalised` claim
 * (unique name per tenant) and one `TEAM#id#MEMBER#uid` link per member. A
 * link always moves together with the member's `teamIds` (lib/store/members
 * `writeMemberChange`) and the team's `memberCount`, in one transaction.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { normaliseTeamName } from '../domain/assignment.ts';
import { conflict, DomainError } from '../domain/errors.ts';
import type { TeamRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { claim, release } from './claims.ts';
import { auditDiff, versionedUpdate } from './diff.ts';
import { teamFromItem } from './items.ts';
import { keys } from './keys.ts';
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

export interface TeamLink {
  teamId: string;
  memberId: string;
  addedAt: string;
}

/** One page of a team's member links (oldest uid order), in one query. */
export async function listTeamLinks(
  tenantId: string,
  teamId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: TeamLink[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `TEAM_MEMBERS#${tenantId}#${teamId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.teamMemberPrefix(teamId),
    page,
  });
  return {
    items: items.map((i) => ({ teamId: String(i.teamId), memberId: String(i.memberId), addedAt: String(i.addedAt) })),
    nextCursor,
  };
}

/** Every member id of a team (strongly consistent), for a strategy's pick. */
export async function teamMemberIds(tenantId: string, teamId: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ':prefix': keys.teamMemberPrefix(teamId) },
        ProjectionExpression: 'memberId',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    ids.push(...(out.Items ?? []).map((i) => String(i.memberId)));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}

const SHOWN = ['name', 'description', 'assignmentStrategy', 'capacity'] as const;
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
  const change = versionedUpdate(teamItem(current), teamItem(next));
  if (!change) return false;
  const { changed, ...expression } = change;
  const items: TxItem[] = [update({ Key: keys.team(current.tenantId, current.id), ...expression }, changedMeanwhile)];
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
    }),
  );
  await transact(items);
  return true;
}

/** Team + name claim removed, audited; refused (409) while it still has members. */
export async function deleteTeamItems(team: TeamRecord, actor: Actor, at: string): Promise<void> {
  await transact([
    remove(
      {
        Key: keys.team(team.tenantId, team.id),
        ConditionExpression: 'version = :expected AND memberCount = :zero',
        ExpressionAttributeValues: { ':expected': team.version, ':zero': 0 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      (old) =>
        old && Number(old.memberCount) > 0
          ? conflict(`The team “${team.name}” still has ${String(old.memberCount)} member(s); remove them first.`)
          : changedMeanwhile(),
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
      put(
        {
          Item: {
            ...keys.teamMember(tenantId, teamId, memberId),
            entity: 'teamMember',
            tenantId,
            teamId,
            memberId,
            addedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        () => conflict('This person is already a member of that team.'),
      ),
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
