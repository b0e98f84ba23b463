/**
 * Tenant repository: creation with the owner's invitation, reads, the
 * platform list and updates — each change one transaction with its audit.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { auditDiff, versionedUpdate } from './diff.ts';
import { type IdentityPatch, identityUpdate, membershipMove } from './identities.ts';
import { tenantFromItem } from './items.ts';
import { keys, normaliseEmail } from './keys.ts';
import { emailClaim, memberItem } from './member-items.ts';
import { queryPage } from './query.ts';
import { check, put, remove, transact, update } from './transact.ts';
import { wordWrites } from './words.ts';

export function tenantItem(tenant: TenantRecord) {
  const autoSuspends = tenant.status === 'active' && typeof tenant.autoSuspendInactiveDays === 'number';
  return {
    ...keys.tenant(tenant.id),
    ...keys.tenantList(tenant.createdAt, tenant.id),
    // Listed for the upkeep job only while it has members to suspend.
    ...(autoSuspends ? keys.autoSuspendTenant(tenant.id) : {}),
    entity: 'tenant',
    ...tenant,
  };
}

export interface NewTenant {
  tenant: TenantRecord;
  owner: MemberRecord;
  actor: Actor;
  /** How the owner's login is recorded when Roster has no record of it yet. */
  ownerLogin: NonNullable<IdentityPatch['init']>;
}

/** Tenant + owner member (invited, holding a seat) + email claim + audit, all or nothing. */
export async function createTenantWithOwner({ tenant, owner, actor, ownerLogin }: NewTenant): Promise<void> {
  const exists = () => new DomainError('conflict', `A tenant with id ${tenant.id} already exists.`);
  const login = identityUpdate(owner.id, { ...membershipMove(undefined, owner), init: ownerLogin });
  await transact([
    ...(login ? [login] : []),
    put({ Item: tenantItem(tenant), ConditionExpression: 'attribute_not_exists(pk)' }, exists),
    put({ Item: memberItem(owner), ConditionExpression: 'attribute_not_exists(pk)' }, exists),
    emailClaim(owner, exists),
    ...wordWrites(undefined, owner),
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
  const { items, nextCursor } = await queryPage({
    scope: 'TENANTS',
    index: 'gsi2',
    partition: 'TENANTS',
    newestFirst: true,
    page: { limit, cursor },
  });
  return { items: items.map(tenantFromItem), nextCursor };
}

/**
 * Writes `next` over `current` if nobody changed the tenant meanwhile
 * (version check), with an audit item carrying the changed fields.
 * Returns false when nothing changed (and writes nothing).
 */
export async function saveTenant(current: TenantRecord, next: TenantRecord, actor: Actor): Promise<boolean> {
  const change = versionedUpdate(tenantItem(current), tenantItem(next));
  if (!change) return false;
  const { changed, ...expression } = change;
  const fields = changed
    .filter((f) => f in next || f in current)
    .filter((f) => !f.startsWith('gsi') && f !== 'updatedAt');
  await transact([
    update(
      { Key: keys.tenant(current.id), ...expression },
      () => new DomainError('precondition-failed', 'The tenant changed meanwhile; read it again and retry.'),
    ),
    auditPut({
      tenantId: current.id,
      actor,
      action: 'tenant.updated',
      target: { type: 'tenant', id: current.id },
      ...auditDiff(current, next, fields),
      at: next.updatedAt,
    }),
  ]);
  return true;
}

/**
 * Hands the tenant to `newOwner` as ONE transaction: the tenant (version- and
 * owner-checked), a check that the new owner is still an active admin, and
 * the `ownership.transferred` audit item.
 */
export async function writeOwnershipTransfer(
  current: TenantRecord,
  next: TenantRecord,
  newOwner: MemberRecord,
  actor: Actor,
): Promise<void> {
  const change = versionedUpdate(tenantItem(current), tenantItem(next), {
    expression: '#owner = :owner',
    names: { '#owner': 'ownerId' },
    values: { ':owner': current.ownerId },
  });
  if (!change) return;
  const { changed: _changed, ...expression } = change;
  await transact([
    update(
      { Key: keys.tenant(current.id), ...expression },
      () => new DomainError('conflict', 'The tenant changed meanwhile; read it again and retry.'),
    ),
    check(
      {
        Key: keys.member(current.id, newOwner.id),
        ConditionExpression: '#status = :active AND #role = :admin',
        ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
        ExpressionAttributeValues: { ':active': 'active', ':admin': 'admin' },
      },
      () => new DomainError('conflict', 'The new owner is no longer an active admin of this tenant.'),
    ),
    auditPut({
      tenantId: current.id,
      actor,
      action: 'ownership.transferred',
      target: { type: 'tenant', id: current.id },
      before: { ownerId: current.ownerId },
      after: { ownerId: next.ownerId },
      at: next.updatedAt,
    }),
  ]);
}

export interface OwnerReplacement {
  tenant: TenantRecord;
  /** The owner's unaccepted membership being replaced, if it still exists. */
  previous: MemberRecord | undefined;
  next: MemberRecord;
  nextLogin: NonNullable<IdentityPatch['init']>;
  actor: Actor;
  at: string;
}

/**
 * The platform's recovery of a tenant whose owner never joined (DESIGN §2a
 * rule 10), as ONE transaction: the old invitation revoked, the new owner
 * invited, the tenant pointed at them (seats kept exact), all audited.
 */
export async function writeOwnerReplacement(r: OwnerReplacement): Promise<void> {
  const { tenant, previous, next, actor, at } = r;
  const seatDelta = 1 - Number(previous !== undefined && previous.status === 'invited');
  const conditions = ['#owner = :owner'];
  if (seatDelta > 0) conditions.push('(attribute_not_exists(seatLimit) OR seatsUsed < seatLimit)');
  const changed = () =>
    new DomainError('conflict', 'The tenant or its owner changed meanwhile (or no seat is free); read it again.');
  const nextLogin = identityUpdate(next.id, { ...membershipMove(undefined, next), init: r.nextLogin });
  const previousLogin = previous ? identityUpdate(previous.id, membershipMove(previous, undefined)) : undefined;
  await transact([
    update(
      {
        Key: keys.tenant(tenant.id),
        UpdateExpression: 'SET #owner = :next, updatedAt = :at ADD version :one, seatsUsed :seats',
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { '#owner': 'ownerId' },
        ExpressionAttributeValues: {
          ':owner': tenant.ownerId,
          ':next': next.id,
          ':at': at,
          ':one': 1,
          ':seats': seatDelta,
        },
      },
      changed,
    ),
    ...(previous
      ? [
          remove(
            {
              Key: keys.member(tenant.id, previous.id),
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': previous.version },
            },
            changed,
          ),
          remove({ Key: keys.emailClaim(tenant.id, previous.email) }),
          ...wordWrites(previous, undefined),
          auditPut({
            tenantId: tenant.id,
            actor,
            action: 'invitation.revoked',
            target: { type: 'member', id: previous.id },
            before: { email: previous.email, role: previous.role, status: previous.status },
            at,
          }),
        ]
      : []),
    ...(previousLogin ? [previousLogin] : []),
    put({ Item: memberItem(next), ConditionExpression: 'attribute_not_exists(pk)' }, changed),
    emailClaim(next),
    ...wordWrites(undefined, next),
    ...(nextLogin ? [nextLogin] : []),
    auditPut({
      tenantId: tenant.id,
      actor,
      action: 'member.invited',
      target: { type: 'member', id: next.id },
      after: { email: next.email, role: next.role, status: next.status },
      at,
    }),
    auditPut({
      tenantId: tenant.id,
      actor,
      action: 'ownership.transferred',
      target: { type: 'tenant', id: tenant.id },
      before: { ownerId: tenant.ownerId },
      after: { ownerId: next.id },
      at,
    }),
  ]);
}
