/**
 * One page of one partition — of the table or of an index — in ONE query,
 * with an opaque cursor bound to `scope` and to that partition.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { INDEXES, type IndexName, TABLE_KEYS } from './table.ts';

/**
 * The sort keys that start with `prefix`, as a key range: `<sk> BETWEEN :prefix AND :prefixEnd`, the
 * prefix followed by the highest code point. The same items as `begins_with(<sk>, :prefix)` — after each
 * prefix the table's sort keys hold ids, times and ulids in ASCII (keys.ts), all below that bound — and
 * DynamoDB reads either from the key range. DynamoDB Local does not: it evaluates `begins_with` over the
 * whole partition, so a page of a 10,000-member tenant took 1.7× a 10-member one's and with the range it
 * takes the same (BENCHMARKS.md, scale).
 */
export function sortKeyStartsWith(
  sortKey: string,
  prefix: string,
): { condition: string; values: { ':prefix': string; ':prefixEnd': string } } {
  return {
    condition: `${sortKey} BETWEEN :prefix AND :prefixEnd`,
    values: { ':prefix': prefix, ':prefixEnd': `${prefix}\u{10FFFF}` },
  };
}

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
  const prefix = q.sortPrefix ? sortKeyStartsWith('#sk', q.sortPrefix) : undefined;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      ...(q.index ? { IndexName: INDEXES[q.index].name } : {}),
      KeyConditionExpression: prefix ? `#pk = :pk AND ${prefix.condition}` : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': keyNames.partitionKey, ...(prefix ? { '#sk': keyNames.sortKey } : {}) },
      ExpressionAttributeValues: { ':pk': q.partition, ...prefix?.values },
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
