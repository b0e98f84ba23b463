/**
 * Team queues. A waiting conversation is its assignment item (no assignee,
 * a team) plus a queue entry `TEAM#id#QUEUE#<queuedAt>#<cid>` in the tenant
 * partition, so the queue reads oldest first with a consistent Query. The
 * entry carries the assignment as it was written (its version), so a drain
 * can move it without reading the assignment. The team item counts its queue
 * (`queued`) and, once anything queued, holds the GSI1 mark the release job
 * sweeps until the queue is empty.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import type { QueueReason } from '../domain/assignment.ts';
import type { AssignmentRecord, QueuedView } from '../domain/records.ts';
import { keys } from './keys.ts';
import { queryPage, sortKeyStartsWith } from './query.ts';
import { INDEXES } from './table.ts';
import { put, remove, type TxItem } from './transact.ts';

/** A queued assignment: it has a team and no assignee. */
export const isQueued = (a: AssignmentRecord | undefined): a is AssignmentRecord & { teamId: string } =>
  a !== undefined && !a.assigneeId && a.teamId !== undefined;

function entryKey(a: AssignmentRecord & { teamId: string }) {
  return keys.teamQueueEntry(a.tenantId, a.teamId, a.queuedAt ?? a.updatedAt, a.conversationId);
}

/** The entry of a queued assignment as written (the assignment's fields ride along). */
export function queueEntryPut(a: AssignmentRecord & { teamId: string }): TxItem {
  return put({ Item: { ...entryKey(a), entity: 'queueEntry', ...a } });
}

export function queueEntryDelete(
  a: AssignmentRecord & { teamId: string },
  onGone: TxItem['onConditionFailed'],
): TxItem {
  return remove({ Key: entryKey(a), ConditionExpression: 'attribute_exists(pk)' }, onGone);
}

/** Same queue position: an assignment re-written while it stays queued keeps its entry key. */
export function sameEntry(a: AssignmentRecord | undefined, b: AssignmentRecord | undefined): boolean {
  if (!isQueued(a) || !isQueued(b)) return false;
  const ka = entryKey(a);
  const kb = entryKey(b);
  return ka.sk === kb.sk;
}

function recordOf(item: Record<string, unknown>): AssignmentRecord {
  const record: AssignmentRecord = {
    tenantId: String(item.tenantId),
    conversationId: String(item.conversationId),
    teamId: String(item.teamId),
    updatedAt: String(item.updatedAt),
    version: Number(item.version),
  };
  if (item.queuedAt !== undefined) record.queuedAt = String(item.queuedAt);
  if (item.queueReason !== undefined) record.queueReason = item.queueReason as QueueReason;
  return record;
}

/** The oldest `limit` waiting conversations of a team (consistent), after `start` when paging on. */
export async function readQueueHead(
  tenantId: string,
  teamId: string,
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ items: AssignmentRecord[]; next?: Record<string, unknown> }> {
  const waiting = sortKeyStartsWith('sk', keys.teamQueuePrefix(teamId));
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: `pk = :pk AND ${waiting.condition}`,
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ...waiting.values },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return { items: (out.Items ?? []).map(recordOf), next: out.LastEvaluatedKey };
}

/** One page of a team's queue, oldest first, as clients see it. */
export async function listQueue(
  tenantId: string,
  teamId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: QueuedView[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `QUEUE#${tenantId}#${teamId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.teamQueuePrefix(teamId),
    page,
  });
  return {
    items: items.map((i) => ({
      conversationId: String(i.conversationId),
      teamId: String(i.teamId),
      queuedAt: String(i.queuedAt ?? i.updatedAt),
      reason: (i.queueReason ?? 'nobody-available') as QueueReason,
    })),
    nextCursor,
  };
}

export interface QueuedTeam {
  tenantId: string;
  teamId: string;
}

/** One page of the teams whose queue may hold conversations (GSI1 mark), for the release job's sweep. */
export async function listQueuedTeams(
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ items: QueuedTeam[]; next?: Record<string, unknown> }> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi1.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': INDEXES.gsi1.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.queuedTeamsPartition },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => ({ tenantId: String(i.tenantId), teamId: String(i.id) })),
    next: out.LastEvaluatedKey,
  };
}

/** Takes a team off the sweep list once its queue is empty; false when something queued meanwhile. */
export async function unmarkQueuedTeam(tenantId: string, teamId: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.team(tenantId, teamId),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(queued) OR queued <= :zero)',
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
