/**
 * Roles and admins against DynamoDB Local: the tenant's role map always
 * equals the role items, every role change is audited with before/after,
 * names stay unique under concurrency, and the last active admin can't step
 * down — a state the API can only reach before the owner has joined.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as createRole } from '../../functions/roles/create.ts';
import { handler as deleteRole } from '../../functions/roles/delete.ts';
import { handler as updateRole } from '../../functions/roles/update.ts';
import { handler as suspendMember } from '../../functions/users/suspend.ts';
import { handler as updateMember } from '../../functions/users/update.ts';
import { acceptInvitation } from '../../lib/app/invitations.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { getMember, insertMember } from '../../lib/store/members.ts';
import { getTenant } from '../../lib/store/tenants.ts';
import { invoke } from '../sdk/events.ts';
import { sesMessages } from '../support/http.ts';

const unique = () => Math.random().toString(36).slice(2, 10);
let tenantId: string;
let ownerEmail: string;
const adminId = `admin-${unique()}`;
const asAdmin = { claims: { sub: adminId, token_use: 'access' } };

async function query(pk: string, prefix = '') {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** The tenant's role map is exactly the role items' permissions. */
async function expectMapMatchesRoles(): Promise<Record<string, string[]>> {
  const roles = await query(`TENANT#${tenantId}`, 'ROLE#');
  const map = (await getTenant(tenantId))?.rolePermissions;
  expect(map).toEqual(Object.fromEntries(roles.map((r) => [r.id, r.permissions])));
  return map ?? {};
}

const rolesPath = () => ({ path: `/v1/tenants/${tenantId}/roles`, pathParameters: { tenantId }, ...asAdmin });
const rolePath = (roleId: string) => ({
  path: `/v1/tenants/${tenantId}/roles/${roleId}`,
  pathParameters: { tenantId, roleId },
  ...asAdmin,
});
const memberPath = (userId: string, suffix = '') => ({
  path: `/v1/tenants/${tenantId}/users/${userId}${suffix}`,
  pathParameters: { tenantId, userId },
  ...asAdmin,
});

/**
 * A tenant whose owner is still invited, and one active admin added straight
 * to the store (as provisioning code could): activeAdmins = 1.
 */
beforeAll(async () => {
  ownerEmail = `owner-${unique()}@it.test`;
  const created = await provisionTenant(
    { name: 'Roles Co', plan: 'growth', owner: { email: ownerEmail, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  tenantId = created.id;
  const at = new Date().toISOString();
  const admin: MemberRecord = {
    tenantId,
    id: adminId,
    email: `${adminId}@it.test`,
    name: 'Ada Admin',
    status: 'active',
    role: 'admin',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await insertMember({ member: admin, actor: { type: 'system', id: 'integration' }, action: 'member.created' });
});

describe('custom roles in DynamoDB', () => {
  it('keeps the tenant role map equal to the role items through create, edit and delete, audited', async () => {
    const created = await invoke(createRole, {
      ...rolesPath(),
      method: 'POST',
      body: { name: 'Sales Agent', permissions: ['contacts:view', 'contacts:edit'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(await expectMapMatchesRoles()).toEqual({ [id]: ['contacts:view', 'contacts:edit'] });

    const edited = await invoke(updateRole, {
      ...rolePath(id),
      method: 'PATCH',
      headers: { 'if-match': '"v1"' },
      body: { name: 'Closer', permissions: ['contacts:view'] },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await expectMapMatchesRoles()).toEqual({ [id]: ['contacts:view'] });
    const claims = await query(`TENANT#${tenantId}`, 'ROLE_NAME#');
    expect(claims.map((c) => [c.sk, c.roleId])).toEqual([['ROLE_NAME#closer', id]]);

    expect((await invoke(deleteRole, { ...rolePath(id), method: 'DELETE' })).status).toBe(204);
    expect(await expectMapMatchesRoles()).toEqual({});
    expect(await query(`TENANT#${tenantId}`, 'ROLE_NAME#')).toEqual([]);

    const audit = (await query(`TENANT#${tenantId}#AUDIT`)).filter((a) => String(a.action).startsWith('role.'));
    expect(Object.fromEntries(audit.map((a) => [a.action, [a.before, a.after]]))).toEqual({
      'role.created': [null, { name: 'Sales Agent', description: '', permissions: ['contacts:view', 'contacts:edit'] }],
      'role.updated': [
        { name: 'Sales Agent', permissions: ['contacts:view', 'contacts:edit'] },
        { name: 'Closer', permissions: ['contacts:view'] },
      ],
      'role.deleted': [{ name: 'Closer', description: '', permissions: ['contacts:view'] }, null],
    });
    expect(audit.every((a) => a.actor.id === adminId && a.target.id === id)).toBe(true);
  });

  it('counts each role’s holders in the member transactions; a role is deleted only at zero', async () => {
    const make = async (name: string) => {
      const res = await invoke(createRole, {
        ...rolesPath(),
        method: 'POST',
        body: { name, permissions: ['users:view'] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const [a, b] = [await make(`Holder A ${unique()}`), await make(`Holder B ${unique()}`)];
    const holders = async () => {
      const roles = await query(`TENANT#${tenantId}`, 'ROLE#');
      return Object.fromEntries(roles.filter((r) => r.id === a || r.id === b).map((r) => [r.id, r.holders]));
    };
    expect(await holders()).toEqual({ [a]: 0, [b]: 0 });
    const at = new Date().toISOString();
    const member: MemberRecord = {
      tenantId,
      id: `holder-${unique()}`,
      email: `holder-${unique()}@it.test`,
      name: 'Hal Holder',
      status: 'active',
      role: 'custom',
      roleId: a,
      grants: [],
      crmAccess: false,
      availability: 'online',
      openAssignments: 0,
      teamIds: [],
      lastLoginAt: null,
      invitedAt: null,
      invitedBy: null,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    await insertMember({ member, actor: { type: 'system', id: 'integration' }, action: 'member.created' });
    expect(await holders()).toEqual({ [a]: 1, [b]: 0 });
    const held = await invoke(deleteRole, { ...rolePath(a), method: 'DELETE' });
    expect(held.status).toBe(409);
    expect(held.body.holders).toBe(1);

    const moved = await invoke(updateMember, { ...memberPath(member.id), method: 'PATCH', body: { roleId: b } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await holders()).toEqual({ [a]: 0, [b]: 1 });
    expect((await invoke(deleteRole, { ...rolePath(a), method: 'DELETE' })).status).toBe(204);

    const agent = await invoke(updateMember, { ...memberPath(member.id), method: 'PATCH', body: { role: 'agent' } });
    expect(agent.status, JSON.stringify(agent.body)).toBe(200);
    expect(await holders()).toEqual({ [b]: 0 });
    expect((await invoke(deleteRole, { ...rolePath(b), method: 'DELETE' })).status).toBe(204);
  });

  it('lets exactly one of two concurrent creates with the same name (any case) win', async () => {
    const create = (name: string) =>
      invoke(createRole, { ...rolesPath(), method: 'POST', body: { name, permissions: ['users:view'] } });
    const results = await Promise.all([create('Support Lead'), create('support LEAD')]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const loser = results.find((r) => r.status !== 201);
    // A transaction conflict is a 503 "retry"; the retry then meets the name claim.
    const final = loser?.status === 503 ? await create('support LEAD') : loser;
    expect(final?.status).toBe(409);
    expect(Object.keys(await expectMapMatchesRoles())).toHaveLength(1);
  });
});

describe('the last active admin', () => {
  it('cannot step down or be suspended while no other admin is active (409 last-admin)', async () => {
    expect((await getTenant(tenantId))?.activeAdmins).toBe(1);
    const demote = await invoke(updateMember, { ...memberPath(adminId), method: 'PATCH', body: { role: 'manager' } });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('last-admin');
    const suspend = await invoke(suspendMember, { ...memberPath(adminId, '/suspend'), method: 'POST' });
    expect(suspend.status).toBe(409);
    expect(suspend.body.code).toBe('last-admin');
    expect(await getMember(tenantId, adminId)).toMatchObject({ role: 'admin', status: 'active' });
    expect((await getTenant(tenantId))?.activeAdmins).toBe(1);
  });

  it('can once the owner has joined', async () => {
    const mail = (await sesMessages(undefined, ownerEmail)).at(-1);
    const token = /accept-invitation\?token=([A-Za-z0-9._%-]+)/.exec(mail?.body.text ?? '')?.[1];
    await acceptInvitation({ token: decodeURIComponent(token ?? ''), password: 'Corr3ctHorseBattery' }, new Date());
    expect((await getTenant(tenantId))?.activeAdmins).toBe(2);
    const demote = await invoke(updateMember, { ...memberPath(adminId), method: 'PATCH', body: { role: 'manager' } });
    expect(demote.status, JSON.stringify(demote.body)).toBe(200);
    expect((await getTenant(tenantId))?.activeAdmins).toBe(1);
  });
});
