/**
 * Custom roles and ownership transfer at the SDK boundary: the exact
 * transactions they write (role item, name claim, the tenant's role map and
 * the audit item together), the refusals that write nothing, and the number
 * of DynamoDB calls each route makes.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as createRole } from '../../functions/roles/create.ts';
import { handler as deleteRole } from '../../functions/roles/delete.ts';
import { handler as getRole } from '../../functions/roles/get.ts';
import { handler as listRoles } from '../../functions/roles/list.ts';
import { handler as listPermissions } from '../../functions/roles/permissions.ts';
import { handler as updateRole } from '../../functions/roles/update.ts';
import { handler as transfer } from '../../functions/tenants/transfer-ownership.ts';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { idempotencyOf } from '../../lib/store/idempotency.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'roster-test';
const ROLE_ID = '01jsales0000000000000000000';

const tenant = tenantItem({
  plan: 'scale',
  seatLimit: 10,
  seatsUsed: 3,
  activeAdmins: 2,
  ownerId: 'u-1',
  rolePermissions: { [ROLE_ID]: ['contacts:view', 'contacts:edit'] },
  roleNames: { [ROLE_ID]: 'Sales Agent' },
});

function member(overrides: Record<string, unknown> = {}) {
  const id = (overrides.id as string | undefined) ?? 'u-1';
  return memberItem({ email: `${id}@acme.test`, name: id, role: 'admin', ...overrides });
}

const salesRole = {
  entity: 'role',
  pk: 'TENANT#acme',
  sk: `ROLE#${ROLE_ID}`,
  tenantId: 'acme',
  id: ROLE_ID,
  name: 'Sales Agent',
  description: 'Sells',
  permissions: ['contacts:view', 'contacts:edit'],
  createdBy: 'u-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 2,
};

const caller = (overrides: Record<string, unknown> = {}, t: Record<string, unknown> = tenant) =>
  db.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [t, member(overrides)] } });

const asU1 = { claims: { sub: 'u-1', token_use: 'access' } };
const rolesPath = { path: '/v1/tenants/acme/roles', pathParameters: { tenantId: 'acme' }, ...asU1 };
const rolePath = {
  path: `/v1/tenants/acme/roles/${ROLE_ID}`,
  pathParameters: { tenantId: 'acme', roleId: ROLE_ID },
  ...asU1,
};

const txItems = () => db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
const cancelled = (failedIndex: number, of: number, item?: Record<string, unknown>) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: Array.from({ length: of }, (_, i) =>
      i === failedIndex
        ? { Code: 'ConditionalCheckFailed', ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}) }
        : { Code: 'None' },
    ),
  });

beforeEach(() => {
  db.reset();
  db.on(TransactWriteCommand).resolves({});
});

describe('GET /v1/permissions', () => {
  it('answers any signed-in user from code; its one read is the session check of the caller’s identity', async () => {
    db.on(GetCommand).resolves({ Item: identityItem() });
    const res = await invoke(listPermissions, { path: '/v1/permissions', ...asU1 });
    expect(res.status).toBe(200);
    expect(res.body.resources.flatMap((r: { actions: { permission: string }[] }) => r.actions)).toHaveLength(
      ALL_PERMISSIONS.length,
    );
    expect(res.body.roles.map((r: { id: string }) => r.id)).toEqual(['admin', 'manager', 'agent']);
    expect(db.calls()).toHaveLength(1);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'IDENTITY#u-1', sk: '#IDENTITY' },
      ConsistentRead: true,
    });
  });

  it('refuses a token from before the identity’s last credential change with 401 session-revoked', async () => {
    const changedAt = Date.UTC(2026, 0, 2);
    db.on(GetCommand).resolves({ Item: identityItem({ tokensValidAfter: changedAt }) });
    const claims = { ...asU1.claims, auth_time: String(changedAt / 1000 - 60) };
    const res = await invoke(listPermissions, { path: '/v1/permissions', claims });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session-revoked');
  });

  it('still needs a signed-in user', async () => {
    expect((await invoke(listPermissions, { path: '/v1/permissions' })).status).toBe(401);
  });
});

describe('create a custom role', () => {
  const body = { name: '  Support Lead ', description: 'Runs the queue', permissions: ['teams:manage', 'users:view'] };

  it('writes role, name claim, tenant role map entry and audit in ONE transaction (2 calls in all)', async () => {
    caller();
    const res = await invoke(createRole, { ...rolesPath, method: 'POST', body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: 'Support Lead', permissions: ['users:view', 'teams:manage'] });
    expect(res.body.id).toMatch(/^[0-9a-z]{26}$/);
    expect(res.headers.location).toBe(`/v1/tenants/acme/roles/${res.body.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(db.calls()).toHaveLength(2);
    const [role, claim, map, audit] = txItems();
    expect(role?.Put).toMatchObject({
      Item: { pk: 'TENANT#acme', sk: `ROLE#${res.body.id}`, entity: 'role', name: 'Support Lead', version: 1 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(claim?.Put).toMatchObject({
      Item: { pk: 'TENANT#acme', sk: 'ROLE_NAME#support lead', roleId: res.body.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(map?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: '#TENANT' },
      UpdateExpression: 'SET rolePermissions.#role = :permissions, roleNames.#role = :name',
      ConditionExpression:
        'attribute_exists(rolePermissions) AND attribute_exists(roleNames) AND size(rolePermissions) < :max',
      ExpressionAttributeNames: { '#role': res.body.id },
      ExpressionAttributeValues: {
        ':permissions': ['users:view', 'teams:manage'],
        ':name': 'Support Lead',
        ':max': 50,
      },
    });
    expect(audit?.Put?.Item).toMatchObject({
      action: 'role.created',
      actor: { type: 'user', id: 'u-1' },
      target: { type: 'role', id: res.body.id },
      after: { name: 'Support Lead', description: 'Runs the queue', permissions: ['users:view', 'teams:manage'] },
    });
  });

  it('a tenant from before the role-name mirror gets the map with its first role change', async () => {
    const legacy: Record<string, unknown> = { ...tenant };
    delete legacy.roleNames;
    caller(undefined, legacy);
    const res = await invoke(createRole, { ...rolesPath, method: 'POST', body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [, , map] = txItems();
    expect(map?.Update).toMatchObject({
      UpdateExpression: 'SET rolePermissions.#role = :permissions, roleNames = :name',
      ConditionExpression:
        'attribute_exists(rolePermissions) AND attribute_not_exists(roleNames) AND size(rolePermissions) < :max',
      ExpressionAttributeValues: { ':name': { [res.body.id]: 'Support Lead' } },
    });
  });

  it('names unknown permissions (400) and writes nothing', async () => {
    caller();
    const res = await invoke(createRole, {
      ...rolesPath,
      method: 'POST',
      body: { name: 'X', permissions: ['contacts:view', 'contacts:teleport'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('contacts:teleport');
    expect(res.body.errors).toEqual([{ path: 'body.permissions', message: 'Unknown permission contacts:teleport' }]);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses permissions the editor lacks (403) and writes nothing', async () => {
    caller(
      { role: 'custom', roleId: 'lead' },
      { ...tenant, rolePermissions: { lead: ['roles:create', 'users:view'] } },
    );
    const res = await invoke(createRole, {
      ...rolesPath,
      method: 'POST',
      body: { name: 'Boss', permissions: ['users:view', 'billing:manage'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('billing:manage');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('an editor without CRM access cannot put contacts permissions in a role', async () => {
    caller({ role: 'manager', crmAccess: false, grants: ['roles:create'] });
    const res = await invoke(createRole, {
      ...rolesPath,
      method: 'POST',
      body: { name: 'CRM', permissions: ['contacts:view'] },
    });
    expect(res.status).toBe(403);
  });

  it('maps a taken name (any case) to 409 naming it', async () => {
    caller();
    db.on(TransactWriteCommand).rejects(cancelled(1, 4));
    const res = await invoke(createRole, { ...rolesPath, method: 'POST', body });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict' });
    expect(res.body.detail).toContain('Support Lead');
  });

  it('maps the per-tenant cap to 409', async () => {
    caller();
    db.on(TransactWriteCommand).rejects(cancelled(2, 4, tenant));
    const res = await invoke(createRole, { ...rolesPath, method: 'POST', body });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('at most 50 custom roles');
  });

  it('replays a retried Idempotency-Key without a second role; another body under the key is 409', async () => {
    caller();
    const headers = { 'idempotency-key': 'create-role-0001' };
    const parsed = { ...body, name: 'Support Lead' };
    const { requestHash } = idempotencyOf('acme', 'createRole', 'u-1', headers['idempotency-key'], parsed);
    const stored = { status: 201, body: { id: ROLE_ID, name: 'Support Lead' } };
    db.on(GetCommand).resolves({ Item: { requestHash, response: stored } });
    const again = await invoke(createRole, { ...rolesPath, method: 'POST', body, headers });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(ROLE_ID);
    expect(again.headers.location).toBe(`/v1/tenants/acme/roles/${ROLE_ID}`);
    const other = await invoke(createRole, { ...rolesPath, method: 'POST', body: { ...body, name: 'Other' }, headers });
    expect(other.status).toBe(409);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    // The record looked up is this caller's (DESIGN §2a rule 8).
    expect(db.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'TENANT#acme',
      sk: 'IDEMPOTENCY#createRole#u-1#create-role-0001',
    });
  });

  it('records the response in the same transaction when a key is given', async () => {
    caller();
    db.on(GetCommand).resolves({});
    const res = await invoke(createRole, {
      ...rolesPath,
      method: 'POST',
      body,
      headers: { 'idempotency-key': 'create-role-0002' },
    });
    expect(res.status).toBe(201);
    expect(txItems().at(-1)?.Put?.Item).toMatchObject({
      sk: 'IDEMPOTENCY#createRole#u-1#create-role-0002',
      response: { status: 201, body: { id: res.body.id } },
    });
  });
});

describe('read and list', () => {
  it('GET a role with its ETag (2 calls)', async () => {
    caller({ role: 'manager' });
    db.on(GetCommand).resolves({ Item: salesRole });
    const res = await invoke(getRole, rolePath);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v2"');
    expect(res.body).toEqual({
      id: ROLE_ID,
      name: 'Sales Agent',
      description: 'Sells',
      permissions: ['contacts:view', 'contacts:edit'],
      createdAt: salesRole.createdAt,
      updatedAt: salesRole.updatedAt,
    });
    expect(db.calls()).toHaveLength(2);
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: `ROLE#${ROLE_ID}` },
      ConsistentRead: true,
    });
  });

  it('lists one page in one query over ROLE# items', async () => {
    caller({ role: 'manager' });
    db.on(QueryCommand).resolves({ Items: [salesRole], LastEvaluatedKey: { pk: 'TENANT#acme', sk: salesRole.sk } });
    const res = await invoke(listRoles, { ...rolesPath, query: { limit: '1' } });
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { name: string }) => r.name)).toEqual(['Sales Agent']);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :prefix AND :prefixEnd',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': 'TENANT#acme', ':prefix': 'ROLE#', ':prefixEnd': 'ROLE#\u{10FFFF}' },
      Limit: 1,
    });
    expect(db.calls()).toHaveLength(2);
  });
});

describe('edit a custom role', () => {
  it('changes permissions: role item (version-checked), tenant map entry, audit before/after', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    const res = await invoke(updateRole, {
      ...rolePath,
      method: 'PATCH',
      headers: { 'if-match': '"v2"' },
      body: { permissions: ['contacts:view', 'contacts:edit', 'contacts:create'] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.etag).toBe('"v3"');
    expect(db.calls()).toHaveLength(3);
    const items = txItems();
    expect(items).toHaveLength(3);
    expect(items[0]?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: `ROLE#${ROLE_ID}` },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: expect.objectContaining({ ':expected': 2, ':nextVersion': 3 }),
    });
    expect(items[1]?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: '#TENANT' },
      UpdateExpression: 'SET rolePermissions.#role = :permissions, roleNames.#role = :name',
      ExpressionAttributeNames: { '#role': ROLE_ID },
      ExpressionAttributeValues: {
        ':permissions': ['contacts:view', 'contacts:create', 'contacts:edit'],
        ':name': 'Sales Agent',
      },
    });
    expect(items[2]?.Put?.Item).toMatchObject({
      action: 'role.updated',
      before: { permissions: ['contacts:view', 'contacts:edit'] },
      after: { permissions: ['contacts:view', 'contacts:create', 'contacts:edit'] },
    });
  });

  it('renames: releases the old name claim and takes the new one, and renames the tenant’s mirror', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    const res = await invoke(updateRole, { ...rolePath, method: 'PATCH', body: { name: 'Closer' } });
    expect(res.status).toBe(200);
    const items = txItems();
    expect(items.map((i) => Object.keys(i)[0])).toEqual(['Update', 'Delete', 'Put', 'Update', 'Put']);
    expect(items[3]?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: '#TENANT' },
      ExpressionAttributeValues: { ':name': 'Closer' },
    });
    expect(items[1]?.Delete).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: 'ROLE_NAME#sales agent' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'roleId' },
      ExpressionAttributeValues: { ':owner': ROLE_ID },
    });
    expect(items[2]?.Put?.Item).toMatchObject({ sk: 'ROLE_NAME#closer', roleId: ROLE_ID });
    expect(items[4]?.Put?.Item).toMatchObject({ before: { name: 'Sales Agent' }, after: { name: 'Closer' } });
  });

  it('a change of case only keeps the claim (the mirror shows the new spelling)', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    await invoke(updateRole, { ...rolePath, method: 'PATCH', body: { name: 'SALES agent' } });
    expect(txItems().map((i) => Object.keys(i)[0])).toEqual(['Update', 'Update', 'Put']);
  });

  it('a stale If-Match is 412 and writes nothing', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    const res = await invoke(updateRole, {
      ...rolePath,
      method: 'PATCH',
      headers: { 'if-match': '"v1"' },
      body: { name: 'Closer' },
    });
    expect(res.status).toBe(412);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('an editor cannot change a role carrying permissions they lack', async () => {
    caller(
      { role: 'custom', roleId: 'lead' },
      { ...tenant, rolePermissions: { lead: ['roles:edit', 'contacts:view'] } },
    );
    db.on(GetCommand).resolves({ Item: salesRole });
    const res = await invoke(updateRole, { ...rolePath, method: 'PATCH', body: { permissions: ['contacts:view'] } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('contacts:edit');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('404 for a role that does not exist', async () => {
    caller();
    db.on(GetCommand).resolves({});
    const res = await invoke(updateRole, { ...rolePath, method: 'PATCH', body: { name: 'X' } });
    expect(res.status).toBe(404);
  });
});

describe('delete a custom role', () => {
  it('refuses while held, from the role’s own holder count (no member scan), and writes nothing', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: { ...salesRole, holders: 2 } });
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', holders: 2 });
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('deletes a role nobody holds in one read and one transaction, conditioned on zero holders', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: { ...salesRole, holders: 0 } });
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
    const [role] = txItems();
    expect(role?.Delete).toMatchObject({
      ConditionExpression: 'version = :expected AND (attribute_not_exists(holders) OR holders = :none)',
      ExpressionAttributeValues: { ':none': 0 },
    });
  });

  it('refuses (409 with the count) when a member took the role between the read and the delete', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: { ...salesRole, holders: 0 } });
    db.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'ConditionalCheckFailed', Item: marshall({ ...salesRole, holders: 1 }) },
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'None' },
        ],
      }),
    );
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', holders: 1 });
  });

  it('counts the holders of a role from before roles counted them, refusing while held', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    db.on(QueryCommand)
      .resolvesOnce({ Count: 2, LastEvaluatedKey: { pk: 'TENANT#acme', sk: 'MEMBER#m' } })
      .resolves({
        Count: 1,
      });
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', holders: 3 });
    expect(res.body.detail).toContain('3 members hold it');
    const query = db.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :prefix AND :prefixEnd',
      FilterExpression: '#role = :custom AND roleId = :roleId',
      ExpressionAttributeValues: {
        ':prefix': 'MEMBER#',
        ':prefixEnd': 'MEMBER#\u{10FFFF}',
        ':custom': 'custom',
        ':roleId': ROLE_ID,
      },
      Select: 'COUNT',
      ConsistentRead: true,
    });
    expect(db.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'TENANT#acme',
      sk: 'MEMBER#m',
    });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('deletes an unheld role: item, name claim and tenant map entry together, audited', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: salesRole });
    db.on(QueryCommand).resolves({ Count: 0 });
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(204);
    const [role, claim, map, audit] = txItems();
    expect(role?.Delete).toMatchObject({
      Key: { sk: `ROLE#${ROLE_ID}` },
      ExpressionAttributeValues: { ':expected': 2 },
    });
    expect(claim?.Delete).toMatchObject({ Key: { sk: 'ROLE_NAME#sales agent' } });
    expect(map?.Update).toMatchObject({
      UpdateExpression: 'REMOVE rolePermissions.#role, roleNames.#role',
      ExpressionAttributeNames: { '#role': ROLE_ID },
    });
    expect(audit?.Put?.Item).toMatchObject({
      action: 'role.deleted',
      before: { name: 'Sales Agent', permissions: ['contacts:view', 'contacts:edit'] },
      after: null,
    });
  });

  it('a forbidden editor learns nothing from the holder count', async () => {
    caller({ role: 'custom', roleId: 'lead' }, { ...tenant, rolePermissions: { lead: ['roles:delete'] } });
    db.on(GetCommand).resolves({ Item: salesRole });
    db.on(QueryCommand).resolves({ Count: 4 });
    const res = await invoke(deleteRole, { ...rolePath, method: 'DELETE' });
    expect(res.status).toBe(403);
    expect(res.body.holders).toBeUndefined();
    expect(res.body.detail).not.toContain('hold it');
  });
});

describe('transfer ownership', () => {
  const path = {
    method: 'POST',
    path: '/v1/tenants/acme/transfer-ownership',
    pathParameters: { tenantId: 'acme' },
    ...asU1,
  };

  it('only the owner may (403), even an admin', async () => {
    caller({}, { ...tenant, ownerId: 'u-other' });
    const res = await invoke(transfer, { ...path, body: { memberId: 'u-2' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('owner');
    expect(db.calls()).toHaveLength(1);
  });

  it.each([
    ['an agent', { role: 'agent' }],
    ['a suspended admin', { status: 'suspended' }],
    ['an invited admin', { status: 'invited' }],
  ])('refuses %s as the new owner (409)', async (_label, overrides) => {
    caller();
    db.on(GetCommand).resolves({ Item: member({ id: 'u-2', ...overrides }) });
    const res = await invoke(transfer, { ...path, body: { memberId: 'u-2' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('hands over to an active admin: tenant (version- and owner-checked), target check, audit', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: member({ id: 'u-2' }) });
    const res = await invoke(transfer, { ...path, body: { memberId: 'u-2' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ownerId).toBe('u-2');
    expect(res.headers.etag).toBe('"v4"');
    expect(db.calls()).toHaveLength(3);
    const [tenantUpdate, target, audit] = txItems();
    expect(tenantUpdate?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: '#TENANT' },
      ConditionExpression: '#version = :expected AND #owner = :owner',
      ExpressionAttributeValues: expect.objectContaining({ ':expected': 3, ':owner': 'u-1' }),
    });
    expect(tenantUpdate?.Update?.UpdateExpression).not.toContain('rolePermissions');
    expect(target?.ConditionCheck).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: 'MEMBER#u-2' },
      ConditionExpression: '#status = :active AND #role = :admin',
    });
    expect(audit?.Put?.Item).toMatchObject({
      action: 'ownership.transferred',
      target: { type: 'tenant', id: 'acme' },
      before: { ownerId: 'u-1' },
      after: { ownerId: 'u-2' },
    });
  });

  it('a target demoted meanwhile is a 409, not a 500', async () => {
    caller();
    db.on(GetCommand).resolves({ Item: member({ id: 'u-2' }) });
    db.on(TransactWriteCommand).rejects(cancelled(1, 3));
    const res = await invoke(transfer, { ...path, body: { memberId: 'u-2' } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('no longer an active admin');
  });
});
