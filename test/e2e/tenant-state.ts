/**
 * Everything a tenant is, read straight from DynamoDB Local: its partition
 * (tenant, members, claims, roles, teams, links, assignments, idempotency
 * records) and its audit partition. Other test files share the emulator, so
 * "nothing was written" is judged on one tenant's partitions, never on a Scan.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import { keys } from '../../lib/store/keys.ts';

export interface TenantState {
  /** Every item of `TENANT#<id>`, by sort key. */
  items: Record<string, unknown>[];
  /** Every item of `TENANT#<id>#AUDIT`, oldest first. */
  audit: Record<string, unknown>[];
  seatsUsed: unknown;
}

async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function tenantState(tenantId: string): Promise<TenantState> {
  const [items, audit] = await Promise.all([
    partition(keys.tenant(tenantId).pk),
    partition(keys.auditPartition(tenantId)),
  ]);
  const tenant = items.find((i) => i.sk === keys.tenant(tenantId).sk);
  // An API key's lastUsedAt records its use (at most once a minute), not a change any request asked for.
  const kept = items.map((i) => {
    if (i.entity !== 'apiKey') return i;
    const { lastUsedAt: _used, ...rest } = i;
    return rest;
  });
  return { items: kept, audit, seatsUsed: tenant?.seatsUsed };
}

/** Tenants created at or after `sinceIso` (the platform list index), newest first. */
export async function tenantsCreatedSince(sinceIso: string): Promise<Record<string, unknown>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :since',
      ExpressionAttributeValues: { ':pk': 'TENANTS', ':since': sinceIso },
    }),
  );
  return out.Items ?? [];
}
