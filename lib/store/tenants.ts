/**
 * Tenant repository: creation with the owner's invitation, reads, the
 * platform list and updates — each change one transaction with its audit.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { tenantFromItem } from './items.ts';
import { keys, normaliseEmail } from './keys.ts';
import { memberItem } from './members.ts';
import { INDEXES } from './table.ts';
import { put, transact, update } from './transact.ts';

export function tenantItem(tenant: TenantRecord) {
  return {
    ...keys.tenant(tenant.id),
    ...keys.tenantList(tenant.createdAt, tenant.id),
    entity: 'tenant',
    ...tenant,
  };
}

export interface NewTenant {
  tenant: TenantRecord;
  owner: MemberRecord;
  actor: Actor;
}

/** Tenant + owner member (invited, holding a seat) + email claim + audit, all or nothing. */
export async function createTenantWithOwner({ tenant, owner, actor }: NewTenant): Promise<void> {
  const exists = () => new DomainError('conflict', `A tenant with id ${tenant.id} already exists.`);
  await transact([
    put({ Item: tenantItem(tenant), ConditionExpression: 'attribute_not_exists(pk)' }, exists),
    put({ Item: memberItem(owner), ConditionExpression: 'attribute_not_exists(pk)' }, exists),
    put(
      {
        Item: { ...keys.emailClaim(tenant.id, owner.email), entity: 'emailClaim', memberId: owner.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      exists,
    ),
    auditPut({
      tenantId: tenant.id,
      actor,
      action: 'tenant.created',
      target: { type: 'tenant', id: tenant.id },
      after: { name: tenant.name, plan: tenant.plan, seatLimit: tenant.seatLimit ?? null, ownerId: owner.id },
      at: tenant.createdAt,
    }),
    auditPut({
      tenantId: tenant.id,
      actor,
      action: 'member.invited',
      target: { type: 'member', id: owner.id },
      after: { email: normaliseEmail(owner.email), role: owner.role, status: owner.status },
      at: tenant.createdAt,
    }),
  ]);
}

export async function getTenant(tenantId: string): Promise<TenantRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.tenant(tenantId), ConsistentRead: true }),
  );
  return Item ? tenantFromItem(Item) : undefined;
}

export async function requireTenant(tenantId: string): Promise<TenantRecord> {
  const tenant = await getTenant(tenantId);
  if (!tenant) throw notFound('The tenant');
  return tenant;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export async function listTenants(limit: number, cursor?: string): Promise<Page<TenantRecord>> {
  const { partitionKey } = INDEXES.gsi2;
  const start = decodeCursor('TENANTS', cursor, { attribute: partitionKey, value: 'TENANTS' });
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi2.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': 'TENANTS' },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    items: (out.Items ?? []).map(tenantFromItem),
    nextCursor: encodeCursor('TENANTS', out.LastEvaluatedKey as Record<string, string> | undefined),
  };
}

/**
 * Writes `next` over `current` if nobody changed the tenant meanwhile
 * (version check), with an audit item carrying the changed fields.
 */
export async function saveTenant(current: TenantRecord, next: TenantRecord, actor: Actor): Promise<boolean> {
  const changed = (Object.keys(next) as (keyof TenantRecord)[]).filter(
    (k) => k !== 'version' && k !== 'updatedAt' && JSON.stringify(current[k]) !== JSON.stringify(next[k]),
  );
  if (changed.length === 0) return false;
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = {
    ':expected': current.version,
    ':version': current.version + 1,
    ':updatedAt': next.updatedAt,
  };
  const sets = ['#version = :version', '#updatedAt = :updatedAt'];
  const removes: string[] = [];
  for (const [i, field] of changed.entries()) {
    names[`#f${i}`] = field;
    if (next[field] === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = next[field];
      sets.push(`#f${i} = :f${i}`);
    }
  }
  const pick = (t: TenantRecord) => Object.fromEntries(changed.map((k) => [k, t[k] ?? null]));
  await transact([
    update(
      {
        Key: keys.tenant(current.id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      () => new DomainError('precondition-failed', 'The tenant changed meanwhile; read it again and retry.'),
    ),
    auditPut({
      tenantId: current.id,
      actor,
      action: 'tenant.updated',
      target: { type: 'tenant', id: current.id },
      before: pick(current),
      after: pick(next),
      at: next.updatedAt,
    }),
  ]);
  return true;
}
