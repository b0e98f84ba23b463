/**
 * One page of one partition — of the table or of an index — in ONE query,
 * with an opaque cursor bound to `scope` and to that partition.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEXES, type IndexName, TABLE_KEYS } from './table.ts';

export interface PageQuery {
  /** What the cursor is bound to (a tenant's members, the tenant list, …). */
  scope: string;
  /** Query this index instead of the table. */
  index?: IndexName;
  partition: string;
  /** Only sort keys starting with this. */
  sortPrefix?: string;
  newestFirst?: boolean;
  page: { limit: number; cursor?: string };
}

export async function queryPage(
  q: PageQuery,
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const keyNames = q.index ? INDEXES[q.index] : TABLE_KEYS;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      ...(q.index ? { IndexName: INDEXES[q.index].name } : {}),
      KeyConditionExpression: q.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': keyNames.partitionKey, ...(q.sortPrefix ? { '#sk': keyNames.sortKey } : {}) },
      ExpressionAttributeValues: { ':pk': q.partition, ...(q.sortPrefix ? { ':prefix': q.sortPrefix } : {}) },
      ScanIndexForward: !q.newestFirst,
      Limit: q.page.limit,
      ExclusiveStartKey: decodeCursor(q.scope, q.page.cursor, {
        attributes: [
          TABLE_KEYS.partitionKey,
          TABLE_KEYS.sortKey,
          ...(q.index ? [keyNames.partitionKey, keyNames.sortKey] : []),
        ],
        partition: { attribute: keyNames.partitionKey, value: q.partition },
        ...(q.sortPrefix ? { sort: { attribute: keyNames.sortKey, prefix: q.sortPrefix } } : {}),
      }),
    }),
  );
  return {
    items: out.Items ?? [],
    nextCursor: encodeCursor(q.scope, out.LastEvaluatedKey as Record<string, string> | undefined),
  };
}
