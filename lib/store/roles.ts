/**
 * Custom role repository. A role is a `ROLE#id` item (name, description,
 * permissions), a `ROLE_NAME#normalised` claim (unique name per tenant) and
 * its entries in the tenant item's `rolePermissions` and `roleNames` maps —
 * the copies authorisation (and the access review) read in its one round trip. Every change writes all of them
 * and its audit item in ONE transaction, so the map never disagrees with the
 * roles and a role edit reaches every holder on their next request.
 *
 * The role item also counts its holders (`holders`, members of any status
 * with the role): every member transaction that gives or takes the role moves
 * it (`roleHolderChange`, called by the member repository), and a delete is
 * conditioned on zero — so deleting a role needs no scan of the members.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import type { MemberRecord, RoleRecord } from '../domain/records.ts';
import { MAX_CUSTOM_ROLES, normaliseRoleName } from '../domain/roles.ts';
import { type Actor, auditPut } from './audit.ts';
import { claim, release } from './claims.ts';
import { auditDiff, versionedUpdate } from './diff.ts';
import { roleFromItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage, sortKeyStartsWith } from './query.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';

export function roleItem(role: RoleRecord) {
  return { ...keys.role(role.tenantId, role.id), entity: 'role', ...role };
}

const changedMeanwhile = () =>
  new DomainError('precondition-failed', 'The role changed meanwhile; read it again and retry.');

const nameTaken = (name: string) => () => conflict(`A role named “${name}” already exists in this tenant.`);

function claimName(role: RoleRecord): TxItem {
  return claim(keys.roleName(role.tenantId, role.name), 'roleName', { roleId: role.id }, nameTaken(role.name));
}

function releaseName(role: RoleRecord): TxItem {
  return release(keys.roleName(role.tenantId, role.name), { roleId: role.id }, changedMeanwhile);
}

/**
 * Whether the tenant item already has its `roleNames` map (every tenant made
 * since role names were mirrored), or a role change starts it (`start`).
 */
export type RoleNames = 'kept' | 'start';

/**
 * The role's entries in the tenant's `rolePermissions` and `roleNames` maps:
 * set (with the tenant's role cap when new) or removed. A tenant from before
 * the name mirror gets the map with its first role change (older roles'
 * names join it when they next change).
 */
function tenantRoleEntry(role: RoleRecord, change: 'create' | 'update' | 'delete', names: RoleNames): TxItem {
  const conditions = [
    'attribute_exists(rolePermissions)',
    names === 'kept' ? 'attribute_exists(roleNames)' : 'attribute_not_exists(roleNames)',
  ];
  const values: Record<string, unknown> = {};
  if (change !== 'delete') {
    values[':permissions'] = role.permissions;
    values[':name'] = names === 'kept' ? role.name : { [role.id]: role.name };
  }
  if (change === 'create') {
    conditions.push('size(rolePermissions) < :max');
    values[':max'] = MAX_CUSTOM_ROLES;
  }
  const nameEntry = names === 'kept' ? 'roleNames.#role' : 'roleNames';
  return update(
    {
      Key: keys.tenant(role.tenantId),
      UpdateExpression:
        change === 'delete'
          ? `REMOVE rolePermissions.#role${names === 'kept' ? ', roleNames.#role' : ''}`
          : `SET rolePermissions.#role = :permissions, ${nameEntry} = :name`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#role': role.id },
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
    (old) => {
      if (!old) return notFound('The tenant');
      if ((names === 'kept') !== (old.roleNames !== undefined)) return changedMeanwhile();
      return conflict(`A tenant can have at most ${MAX_CUSTOM_ROLES} custom roles; delete one first.`);
    },
  );
}

export async function getRole(tenantId: string, roleId: string): Promise<RoleRecord | undefined> {
  return (await getRoleWithHolders(tenantId, roleId))?.role;
}

/** The role and its holder count (undefined for a role written before roles counted their holders). */
export async function getRoleWithHolders(
  tenantId: string,
  roleId: string,
): Promise<{ role: RoleRecord; holders: number | undefined } | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.role(tenantId, roleId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { holders, ...item } = Item;
  return { role: roleFromItem(item), holders: typeof holders === 'number' ? holders : undefined };
}

/** The custom role a member holds, if any. */
const heldRole = (member: MemberRecord | undefined) =>
  member?.role === 'custom' && member.roleId ? member.roleId : undefined;

/**
 * The role items' holder counts moved by a member change (`current` → `next`;
 * undefined = not there): part of the member's own transaction. Giving a role
 * also requires it to exist, so a role deleted meanwhile cannot be given.
 */
export function roleHolderChange(current: MemberRecord | undefined, next: MemberRecord | undefined): TxItem[] {
  const before = heldRole(current);
  const after = heldRole(next);
  if (before === after) return [];
  const tenantId = (next ?? current)?.tenantId as string;
  const move = (roleId: string, by: 1 | -1): TxItem =>
    update(
      {
        Key: keys.role(tenantId, roleId),
        UpdateExpression: 'ADD holders :by',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':by': by },
      },
      () =>
        new DomainError('validation-failed', 'The custom role does not exist in this tenant.', {
          errors: [{ path: 'body.roleId', message: 'Unknown role' }],
        }),
    );
  return [...(before ? [move(before, -1)] : []), ...(after ? [move(after, 1)] : [])];
}

/** One page of the tenant's custom roles, oldest first (ids are ULIDs), in one query. */
export async function listRoles(
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: RoleRecord[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `ROLES#${tenantId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.rolePrefix,
    page,
  });
  return { items: items.map(roleFromItem), nextCursor };
}

/**
 * How many members (of any status) hold the custom role. A strongly
 * consistent query over the tenant's members with a filter: it reads every
 * member item, which is acceptable for the rare deletion of a role.
 */
export async function countRoleHolders(tenantId: string, roleId: string): Promise<number> {
  const members = sortKeyStartsWith('sk', keys.memberPrefix);
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: `pk = :pk AND ${members.condition}`,
        FilterExpression: '#role = :custom AND roleId = :roleId',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: {
          ':pk': keys.tenant(tenantId).pk,
          ...members.values,
          ':custom': 'custom',
          ':roleId': roleId,
        },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

const SHOWN = ['name', 'description', 'permissions'] as const;
const shown = (role: RoleRecord) => Object.fromEntries(SHOWN.map((f) => [f, role[f]]));

/** Role item (nobody holds it yet) + name claim + tenant map entry + audit, all or nothing. */
export async function insertRole(
  role: RoleRecord,
  actor: Actor,
  names: RoleNames,
  extra: TxItem[] = [],
): Promise<void> {
  await transact([
    put({ Item: { ...roleItem(role), holders: 0 }, ConditionExpression: 'attribute_not_exists(pk)' }, () =>
      conflict(`A role with id ${role.id} already exists.`),
    ),
    claimName(role),
    tenantRoleEntry(role, 'create', names),
    auditPut({
      tenantId: role.tenantId,
      actor,
      action: 'role.created',
      target: { type: 'role', id: role.id },
      after: shown(role),
      at: role.createdAt,
    }),
    ...extra,
  ]);
}

/**
 * Writes `next` over `current` if the role is still the version that was read;
 * moves the name claim on a rename and the tenant's map entry on a permission
 * change. Returns false (writing nothing) when nothing changed.
 */
export async function writeRoleChange(
  current: RoleRecord,
  next: RoleRecord,
  actor: Actor,
  names: RoleNames,
): Promise<boolean> {
  const change = versionedUpdate(roleItem(current), roleItem(next));
  if (!change) return false;
  const { changed, ...expression } = change;
  const items: TxItem[] = [update({ Key: keys.role(current.tenantId, current.id), ...expression }, changedMeanwhile)];
  if (normaliseRoleName(next.name) !== normaliseRoleName(current.name)) {
    items.push(releaseName(current), claimName(next));
  }
  if (changed.includes('permissions') || changed.includes('name')) items.push(tenantRoleEntry(next, 'update', names));
  items.push(
    auditPut({
      tenantId: current.tenantId,
      actor,
      action: 'role.updated',
      target: { type: 'role', id: current.id },
      ...auditDiff(
        current,
        next,
        changed.filter((f) => (SHOWN as readonly string[]).includes(f)),
      ),
      at: next.updatedAt,
      version: current.version + 1,
    }),
  );
  await transact(items);
  return true;
}

/** 409 while members hold the role, with how many. */
export function roleHeld(role: RoleRecord, holders: number): DomainError {
  const who = holders === 1 ? '1 member holds it' : `${holders} members hold it`;
  return new DomainError(
    'conflict',
    `The role “${role.name}” is still assigned: ${who}. Give them another role first.`,
    {
      holders,
    },
  );
}

/**
 * Role item (version-checked, and held by nobody — checked by its holder count
 * in the same transaction) + name claim + tenant map entry removed, audited.
 */
export async function deleteRoleItems(role: RoleRecord, actor: Actor, at: string, names: RoleNames): Promise<void> {
  await transact([
    remove(
      {
        Key: keys.role(role.tenantId, role.id),
        // A role from before the holder count was checked by counting its holders first.
        ConditionExpression: 'version = :expected AND (attribute_not_exists(holders) OR holders = :none)',
        ExpressionAttributeValues: { ':expected': role.version, ':none': 0 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      (old) => (old && Number(old.holders) > 0 ? roleHeld(role, Number(old.holders)) : changedMeanwhile()),
    ),
    releaseName(role),
    tenantRoleEntry(role, 'delete', names),
    auditPut({
      tenantId: role.tenantId,
      actor,
      action: 'role.deleted',
      target: { type: 'role', id: role.id },
      before: shown(role),
      after: null,
      at,
    }),
  ]);
}
