/**
 * API key items (lib/domain/api-keys.ts): create and revoke, each one
 * transaction with its audit item; the list; the authorisation read (the key
 * and its tenant in ONE consistent BatchGetItem); the throttled `lastUsedAt`.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { type ApiKeyRecord, apiKeyView, LAST_USED_EVERY_MS } from '../domain/api-keys.ts';
import { conflict, notFound } from '../domain/errors.ts';
import type { TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { strip, tenantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { batchRead } from './members.ts';
import { queryPage } from './query.ts';
import { put, remove, type TxItem, transact } from './transact.ts';

const keyFromItem = (item: Record<string, unknown>) => strip<ApiKeyRecord>(item);

/** What the audit trail records of a key: never its hash. */
const shown = (k: ApiKeyRecord) => {
  const { prefix: _prefix, lastUsedAt: _used, ...rest } = apiKeyView(k);
  return rest;
};

export async function insertApiKey(key: ApiKeyRecord, actor: Actor, extra: TxItem[] = []): Promise<void> {
  await transact([
    put(
      {
        Item: { ...keys.apiKey(key.tenantId, key.id), entity: 'apiKey', ...key },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      () => conflict(`An API key with id ${key.id} already exists.`),
    ),
    auditPut({
      tenantId: key.tenantId,
      actor,
      action: 'api_key.created',
      target: { type: 'apiKey', id: key.id },
      after: shown(key),
      at: key.createdAt,
    }),
    ...extra,
  ]);
}

/** Deletes the key (the next request with it is 401) with its `api_key.revoked` audit item. */
export async function deleteApiKey(tenantId: string, keyId: string, actor: Actor, at: string): Promise<void> {
  const current = await getApiKey(tenantId, keyId);
  if (!current) throw notFound('The API key');
  await transact([
    remove({ Key: keys.apiKey(tenantId, keyId), ConditionExpression: 'attribute_exists(pk)' }, () =>
      notFound('The API key'),
    ),
    auditPut({
      tenantId,
      actor,
      action: 'api_key.revoked',
      target: { type: 'apiKey', id: keyId },
      before: shown(current),
      at,
    }),
  ]);
}

export async function getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
  const [item] = await batchRead([keys.apiKey(tenantId, keyId)]);
  return item?.entity === 'apiKey' ? keyFromItem(item) : undefined;
}

export async function listApiKeys(
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: ApiKeyRecord[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `APIKEYS#${tenantId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.apiKeyPrefix,
    page,
  });
  return { items: items.filter((i) => i.entity === 'apiKey').map(keyFromItem), nextCursor };
}

/** Authorisation of a key: its tenant and the key item, in ONE consistent round trip. */
export async function loadKeyAccess(
  tenantId: string,
  keyId: string,
): Promise<{ tenant?: TenantRecord; key?: ApiKeyRecord }> {
  const items = await batchRead([keys.tenant(tenantId), keys.apiKey(tenantId, keyId)]);
  const out: { tenant?: TenantRecord; key?: ApiKeyRecord } = {};
  for (const item of items) {
    if (item.entity === 'tenant') out.tenant = tenantFromItem(item);
    else if (item.entity === 'apiKey') out.key = keyFromItem(item);
  }
  return out;
}

/** Whether the key's `lastUsedAt` (as read) is old enough to be written again. */
export const lastUsedDue = (key: ApiKeyRecord, now: Date) =>
  !key.lastUsedAt || Date.parse(key.lastUsedAt) <= now.getTime() - LAST_USED_EVERY_MS;

/**
 * Records the use, at most once a minute per key across every concurrent
 * function (the condition), on a key that still exists (a revoked key is not
 * brought back). The caller does not wait for it; a failure is the caller's to log, never the request's.
 */
export async function touchApiKey(key: ApiKeyRecord, now: Date): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.apiKey(key.tenantId, key.id),
      UpdateExpression: 'SET lastUsedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :cutoff)',
      ExpressionAttributeValues: {
        ':now': now.toISOString(),
        ':cutoff': new Date(now.getTime() - LAST_USED_EVERY_MS).toISOString(),
      },
    }),
  );
}
