/**
 * What the access upkeep job reads and keeps: tenants that auto-suspend (a
 * sparse GSI3 partition), their members inactive since a cutoff (the
 * by-sign-in GSI3 range), members whose timed grants are due (GSI2, sharded
 * like invitations), the admins a digest goes to, and the pending digest
 * itself — an outbox item every suspension's transaction adds its member to,
 * so a digest interrupted by a crash or an SES failure is sent by the next run.
 * Never a scan; every read is one page.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { memberFromItem, tenantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { sortKeyStartsWith } from './query.ts';
import { INDEXES } from './table.ts';
import { type TxItem, update } from './transact.ts';

export type PageKey = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Where the next page starts; undefined at the end. */
  next?: PageKey;
}

async function queryIndex(
  index: 'gsi2' | 'gsi3',
  partition: string,
  page: { limit: number; start?: PageKey },
  options: { below?: string; filter?: string; values?: Record<string, unknown>; names?: Record<string, string> } = {},
) {
  const { partitionKey, sortKey } = INDEXES[index];
  return dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES[index].name,
      KeyConditionExpression: options.below ? '#pk = :pk AND #sk < :below' : '#pk = :pk',
      ...(options.filter ? { FilterExpression: options.filter } : {}),
      ExpressionAttributeNames: { '#pk': partitionKey, ...(options.below ? { '#sk': sortKey } : {}), ...options.names },
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(options.below ? { ':below': options.below } : {}),
        ...options.values,
      },
      Limit: page.limit,
      ExclusiveStartKey: page.start,
    }),
  );
}

/** One page of the tenants whose `autoSuspendInactiveDays` is set (as indexed: read each again before acting). */
export async function autoSuspendingTenants(page: { limit: number; start?: PageKey }): Promise<Page<TenantRecord>> {
  const out = await queryIndex('gsi3', keys.autoSuspendPartition, page);
  return { items: (out.Items ?? []).map(tenantFromItem), next: out.LastEvaluatedKey };
}

/**
 * One page (of `limit` index entries examined) of a tenant's active members
 * with no sign-in since `cutoff` — never signed in and invited or created
 * before it included — least recently active first.
 */
export async function inactiveActiveMembers(
  tenantId: string,
  cutoff: string,
  page: { limit: number; start?: PageKey },
): Promise<Page<MemberRecord>> {
  const out = await queryIndex('gsi3', keys.memberActivityPartition(tenantId), page, {
    below: keys.signedInBefore(cutoff),
    filter: '#status = :active AND inactiveSince < :cutoff',
    names: { '#status': 'status' },
    values: { ':active': 'active', ':cutoff': cutoff },
  });
  return { items: (out.Items ?? []).map(memberFromItem), next: out.LastEvaluatedKey };
}

/** One page of one shard's members holding a timed grant that ended before `before` (ISO), earliest first. */
export async function membersWithDueGrants(
  shard: number,
  before: string,
  page: { limit: number; start?: PageKey },
): Promise<Page<MemberRecord>> {
  const out = await queryIndex('gsi2', keys.grantShardPartition(shard), page, { below: before });
  return { items: (out.Items ?? []).map(memberFromItem), next: out.LastEvaluatedKey };
}

/** The tenant's active admins (who receive its digests): every member page read, only admins kept. */
export async function activeAdmins(tenantId: string): Promise<MemberRecord[]> {
  const members = sortKeyStartsWith('sk', keys.memberPrefix);
  const admins: MemberRecord[] = [];
  let start: PageKey | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: `pk = :pk AND ${members.condition}`,
        FilterExpression: '#role = :admin AND #status = :active',
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': keys.tenant(tenantId).pk,
          ...members.values,
          ':admin': 'admin',
          ':active': 'active',
        },
        ExclusiveStartKey: start,
      }),
    );
    admins.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
  } while (start);
  return admins;
}

/** Part of a suspension's own transaction: the member joins the tenant's pending digest. */
export function digestEntry(tenantId: string, memberId: string): TxItem {
  return update({
    Key: keys.suspensionDigest(tenantId),
    UpdateExpression: 'SET entity = :entity, tenantId = :tenant ADD memberIds :ids',
    ExpressionAttributeValues: { ':entity': 'digest', ':tenant': tenantId, ':ids': new Set([memberId]) },
  });
}

/** The members suspended automatically whom the tenant's admins have not been mailed about yet. */
export async function pendingDigest(tenantId: string): Promise<string[]> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config().tableName,
      Key: keys.suspensionDigest(tenantId),
      ConsistentRead: true,
    }),
  );
  const ids = Item?.memberIds as Set<string> | undefined;
  return ids ? [...ids].sort() : [];
}

/** The digest listing `memberIds` was sent: they leave the pending digest (others added meanwhile stay). */
export async function digestSent(tenantId: string, memberIds: readonly string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await dynamo().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.suspensionDigest(tenantId),
      UpdateExpression: 'DELETE memberIds :ids',
      ExpressionAttributeValues: { ':ids': new Set(memberIds) },
    }),
  );
}
