/**
 * SCIM's items (docs/architecture.md, "SCIM"): tokens (hash only; at most two
 * live, counted on a counter item in the same transaction), the per-tenant
 * userName claims, the group → role mappings, and the one consistent read a
 * SCIM request authorises with (tenant + token).
 */
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { memberFromItem, tenantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { sortKeyStartsWith } from './query.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';

export const MAX_LIVE_SCIM_TOKENS = 2;

export interface ScimTokenRecord {
  tenantId: string;
  id: string;
  name: string;
  /** sha256 (hex) of the secret part: the secret itself is never stored. */
  hash: string;
  createdAt: string;
  createdBy: string;
}

export interface RoleMapping {
  group: string;
  role: 'admin' | 'manager' | 'agent' | 'custom';
  roleId?: string;
}

export interface RoleMappings {
  mappings: RoleMapping[];
  version: number;
}

const tokenFrom = (item: Record<string, unknown>): ScimTokenRecord => ({
  tenantId: String(item.tenantId),
  id: String(item.id),
  name: String(item.name ?? ''),
  hash: String(item.hash),
  createdAt: String(item.createdAt),
  createdBy: String(item.createdBy ?? ''),
});

/** A new token, the live count (refused beyond two) and its audit item: ONE transaction. */
export async function insertScimToken(token: ScimTokenRecord, actor: Actor): Promise<void> {
  await transact([
    update(
      {
        Key: keys.scimTokenCount(token.tenantId),
        UpdateExpression: 'SET entity = :entity ADD live :one',
        ConditionExpression: 'attribute_not_exists(live) OR live < :max',
        ExpressionAttributeValues: { ':entity': 'scimTokenCount', ':one': 1, ':max': MAX_LIVE_SCIM_TOKENS },
      },
      () =>
        conflict(
          `A tenant holds at most ${MAX_LIVE_SCIM_TOKENS} SCIM tokens (one to rotate to): revoke one before creating another.`,
        ),
    ),
    put({
      Item: { ...keys.scimToken(token.tenantId, token.id), entity: 'scimToken', ...token },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
    auditPut({
      tenantId: token.tenantId,
      actor,
      action: 'scimToken.created',
      target: { type: 'scimToken', id: token.id },
      after: { name: token.name },
      at: token.createdAt,
    }),
  ]);
}

/** Revocation deletes the item: the next request with the token finds nothing (whatever an authorizer cached). */
export async function deleteScimToken(tenantId: string, tokenId: string, actor: Actor, at: string): Promise<void> {
  await transact([
    remove({ Key: keys.scimToken(tenantId, tokenId), ConditionExpression: 'attribute_exists(pk)' }, () =>
      notFound('The SCIM token'),
    ),
    update({
      Key: keys.scimTokenCount(tenantId),
      UpdateExpression: 'ADD live :minus',
      ExpressionAttributeValues: { ':minus': -1 },
    }),
    auditPut({
      tenantId,
      actor,
      action: 'scimToken.revoked',
      target: { type: 'scimToken', id: tokenId },
      at,
    }),
  ]);
}

export async function listScimTokens(tenantId: string): Promise<ScimTokenRecord[]> {
  const range = sortKeyStartsWith('sk', keys.scimTokenPrefix);
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: `pk = :pk AND ${range.condition}`,
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ...range.values },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map(tokenFrom);
}

/** A SCIM request's authorisation: the tenant and the token item, ONE consistent round trip. */
export async function loadScimAccess(
  tenantId: string,
  tokenId: string,
): Promise<{ tenant?: TenantRecord; token?: ScimTokenRecord }> {
  const table = config().tableName;
  const out = await dynamo().send(
    new BatchGetCommand({
      RequestItems: {
        [table]: { Keys: [keys.tenant(tenantId), keys.scimToken(tenantId, tokenId)], ConsistentRead: true },
      },
    }),
  );
  const items = out.Responses?.[table] ?? [];
  const tenant = items.find((i) => i.entity === 'tenant');
  const token = items.find((i) => i.entity === 'scimToken');
  return { tenant: tenant ? tenantFromItem(tenant) : undefined, token: token ? tokenFrom(token) : undefined };
}

/** The token item alone (the authorizer's read). */
export async function getScimToken(tenantId: string, tokenId: string): Promise<ScimTokenRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.scimToken(tenantId, tokenId), ConsistentRead: true }),
  );
  return Item ? tokenFrom(Item) : undefined;
}

export const userNameTaken = (userName: string) => () =>
  new DomainError('conflict', `userName ${userName} is already taken in this tenant.`, { scimType: 'uniqueness' });

/** Claims a userName for a member (inside the member's transaction). */
export const claimUserName = (tenantId: string, key: string, memberId: string, userName: string): TxItem =>
  put(
    {
      Item: { ...keys.scimUserName(tenantId, key), entity: 'scimUserName', memberId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    userNameTaken(userName),
  );

export const releaseUserName = (tenantId: string, key: string, memberId: string): TxItem =>
  remove({
    Key: keys.scimUserName(tenantId, key),
    ConditionExpression: 'attribute_not_exists(pk) OR memberId = :member',
    ExpressionAttributeValues: { ':member': memberId },
  });

/** The member that holds a userName claim, or that holds the email claim of that address. */
export async function memberIdByClaim(tenantId: string, userNameKey: string, email?: string): Promise<string[]> {
  const table = config().tableName;
  const wanted = [keys.scimUserName(tenantId, userNameKey), ...(email ? [keys.emailClaim(tenantId, email)] : [])];
  const out = await dynamo().send(
    new BatchGetCommand({ RequestItems: { [table]: { Keys: wanted, ConsistentRead: true } } }),
  );
  const items = out.Responses?.[table] ?? [];
  const byUserName = items.find((i) => i.entity === 'scimUserName');
  const byEmail = items.find((i) => i.entity === 'emailClaim');
  return [byUserName?.memberId, byEmail?.memberId].filter((id): id is string => typeof id === 'string');
}

/** Every member of a tenant (consistent, page by page): what a filtered /Users list reads. */
export async function allMembers(tenantId: string): Promise<MemberRecord[]> {
  const range = sortKeyStartsWith('sk', keys.memberPrefix);
  const members: MemberRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: `pk = :pk AND ${range.condition}`,
        ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ...range.values },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    members.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
  } while (start);
  return members;
}

export async function getRoleMappings(tenantId: string): Promise<RoleMappings> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.scimRoleMappings(tenantId), ConsistentRead: true }),
  );
  return { mappings: (Item?.mappings as RoleMapping[] | undefined) ?? [], version: Number(Item?.version ?? 0) };
}

export async function saveRoleMappings(
  tenantId: string,
  current: RoleMappings,
  mappings: RoleMapping[],
  actor: Actor,
  at: string,
): Promise<void> {
  await transact([
    put(
      {
        Item: {
          ...keys.scimRoleMappings(tenantId),
          entity: 'scimRoleMappings',
          mappings,
          version: current.version + 1,
          updatedAt: at,
        },
        ConditionExpression: current.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(current.version === 0 ? {} : { ExpressionAttributeValues: { ':v': current.version } }),
      },
      () => conflict('The role mappings changed meanwhile; read them again and retry.'),
    ),
    auditPut({
      tenantId,
      actor,
      action: 'scimRoleMappings.updated',
      target: { type: 'tenant', id: tenantId },
      before: { mappings: current.mappings },
      after: { mappings },
      at,
    }),
  ]);
}
