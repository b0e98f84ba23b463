/**
 * Roles & permissions over HTTP: an admin models the seed products' roles
 * (Administrator / Manager / Agent, a "Sales Agent" and a "Support Lead"
 * custom role), role and grant changes are live on the holder's next request,
 * CRM access gates contacts only, nobody escalates, custom roles in use can't
 * be deleted, and ownership moves only by the owner's hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLE_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerEmail: string; ownerToken: string };

const SALES = [
  'conversations:view_assigned',
  'conversations:reply',
  'contacts:view',
  'contacts:create',
  'contacts:edit',
];
const LEAD = [
  'conversations:view',
  'conversations:reply',
  'conversations:assign',
  'analytics:view',
  'users:view',
  'roles:view',
  'roles:create',
  'roles:edit',
  'teams:view',
  'teams:manage',
  'audit:view',
];

/** People of the tenant: id and token once they joined. */
const people: Record<'admin' | 'manager' | 'agent' | 'sales' | 'lead', { id: string; token: string; email: string }> =
  {} as never;
const roleIds: Record<'sales' | 'lead', string> = {} as never;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('scale', 'roles');
});
afterAll(async () => {
  await gw?.close();
});

const base = () => `/v1/tenants/${t.tenantId}`;
const me = async (token: string) => (await api.call('GET', `${base()}/me`, { token })).body;
const as = (token: string) => ({
  get: (path: string) => api.call('GET', `${base()}${path}`, { token }),
  post: (path: string, body?: unknown) => api.call('POST', `${base()}${path}`, { token, body }),
  patch: (path: string, body: unknown, headers?: Record<string, string>) =>
    api.call('PATCH', `${base()}${path}`, { token, body, headers }),
  del: (path: string) => api.call('DELETE', `${base()}${path}`, { token }),
});
const owner = () => as(t.ownerToken);
/** Permission sets compared as sets (effective permissions come in catalogue order). */
const sorted = (permissions: readonly string[]) => [...permissions].sort();

describe('the catalogue', () => {
  it('lists resources, actions with descriptions, and the built-in roles', async () => {
    const res = await api.call('GET', '/v1/permissions', { token: t.ownerToken });
    expect(res.status).toBe(200);
    const contacts = res.body.resources.find((r: { resource: string }) => r.resource === 'contacts');
    expect(contacts).toMatchObject({ requiresCrmAccess: true });
    expect(contacts.actions[0]).toEqual({
      action: 'view',
      permission: 'contacts:view',
      description: expect.any(String),
    });
    expect(res.body.roles.map((r: { name: string }) => r.name)).toEqual(['Administrator', 'Manager', 'Agent']);
    expect(res.body.roles[2].permissions).toEqual(BUILT_IN_ROLE_PERMISSIONS.agent);
    expect((await api.call('GET', '/v1/permissions')).status).toBe(401);
  });
});

describe('modelling the seed products’ roles', () => {
  it('creates a "Sales Agent" (contacts read/write) and a "Support Lead" custom role', async () => {
    const sales = await owner().post('/roles', {
      name: 'Sales Agent',
      description: 'Works leads in the CRM and answers their own conversations',
      permissions: SALES,
    });
    expect(sales.status, JSON.stringify(sales.body)).toBe(201);
    expect(sales.body.permissions).toEqual(SALES);
    const lead = await owner().post('/roles', { name: 'Support Lead', permissions: LEAD });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    roleIds.sales = sales.body.id;
    roleIds.lead = lead.body.id;
    const list = await owner().get('/roles');
    expect(list.body.items.map((r: { name: string }) => r.name)).toEqual(['Sales Agent', 'Support Lead']);
  });

  it('keeps names unique per tenant whatever the case, and names unknown permissions', async () => {
    const dup = await owner().post('/roles', { name: '  sales   AGENT', permissions: [] });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('conflict');
    // Built-in roles' names are theirs, in any case or width (issue 18 item 5); nothing is written.
    const before = (await owner().get('/roles')).body.items.length;
    for (const name of ['Agent', 'agent', '  ADMINISTRATOR ', 'Ｍａｎａｇｅｒ', 'Admin', 'owner']) {
      const taken = await owner().post('/roles', { name, permissions: ['contacts:view'] });
      expect(taken.status, name).toBe(409);
      expect(taken.body.code).toBe('conflict');
      expect(taken.body.detail).toContain('built-in role');
    }
    const renamed = await owner().patch(`/roles/${roleIds.sales}`, { name: 'AGENT' });
    expect(renamed.status).toBe(409);
    expect((await owner().get('/roles')).body.items.length).toBe(before);
    expect((await owner().get(`/roles/${roleIds.sales}`)).body.name).toBe('Sales Agent');
    const unknown = await owner().post('/roles', { name: 'Spy', permissions: ['contacts:view', 'contacts:spy'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('contacts:spy');
    // Another tenant may use the same name.
    const other = await api.tenantWithOwner('starter', 'roles-other');
    const elsewhere = await api.call('POST', `/v1/tenants/${other.tenantId}/roles`, {
      token: other.ownerToken,
      body: { name: 'Sales Agent', permissions: [] },
    });
    expect(elsewhere.status).toBe(201);
    // …and never sees this tenant's roles.
    expect((await api.call('GET', `${base()}/roles/${roleIds.sales}`, { token: other.ownerToken })).status).toBe(404);
  });

  it('assigns built-in and custom roles, and each person sees exactly their permissions', async () => {
    const invitations = {
      admin: { role: 'admin' },
      manager: { role: 'manager' },
      agent: { role: 'agent' },
      sales: { role: 'custom', roleId: roleIds.sales },
      lead: { role: 'custom', roleId: roleIds.lead },
    } as const;
    for (const [who, choice] of Object.entries(invitations)) {
      const email = `${who}-${unique()}@e2e.test`;
      const res = await owner().post('/invitations', { email, name: who, ...choice });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const token = await api.acceptAndLogin(email, who, PASSWORD);
      people[who as keyof typeof people] = { id: res.body.id, token, email };
    }
    expect(sorted((await me(people.admin.token)).permissions)).toEqual(sorted(BUILT_IN_ROLE_PERMISSIONS.admin));
    expect(sorted((await me(people.manager.token)).permissions)).toEqual(sorted(BUILT_IN_ROLE_PERMISSIONS.manager));
    expect(sorted((await me(people.agent.token)).permissions)).toEqual(sorted(BUILT_IN_ROLE_PERMISSIONS.agent));
    const sales = await me(people.sales.token);
    expect(sales).toMatchObject({ role: 'custom', roleId: roleIds.sales, owner: false });
    expect(sales.permissions).toEqual(SALES);
    expect((await me(people.lead.token)).permissions).toEqual(LEAD);
  });

  it('refuses a custom role that is not one of the tenant’s', async () => {
    const res = await owner().post('/invitations', {
      email: `ghost-${unique()}@e2e.test`,
      role: 'custom',
      roleId: '01jnosuchrole0000000000000',
    });
    expect(res.status).toBe(400);
  });
});

describe('changes are live on the very next request', () => {
  it('editing a role changes what every holder may do, without touching them', async () => {
    expect((await as(people.sales.token).get('/roles')).status).toBe(403);
    const current = await owner().get(`/roles/${roleIds.sales}`);
    const etag = current.headers.get('etag') as string;
    const edited = await owner().patch(
      `/roles/${roleIds.sales}`,
      { permissions: [...SALES, 'roles:view'] },
      { 'if-match': etag },
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.headers.get('etag')).not.toBe(etag);
    expect((await as(people.sales.token).get('/roles')).status).toBe(200);
    expect((await me(people.sales.token)).permissions).toContain('roles:view');
    const stale = await owner().patch(`/roles/${roleIds.sales}`, { permissions: SALES }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect((await owner().patch(`/roles/${roleIds.sales}`, { permissions: SALES })).status).toBe(200);
    expect((await as(people.sales.token).get('/roles')).status).toBe(403);
  });

  it('a grant (and its removal) applies to the next request', async () => {
    const agent = as(people.agent.token);
    expect((await agent.get('/roles')).status).toBe(403);
    expect((await owner().patch(`/users/${people.agent.id}`, { grants: ['roles:view'] })).status).toBe(200);
    expect((await agent.get('/roles')).status).toBe(200);
    expect((await owner().patch(`/users/${people.agent.id}`, { grants: [] })).status).toBe(200);
    expect((await agent.get('/roles')).status).toBe(403);
  });
});

describe('CRM access', () => {
  it('off removes contacts:* only; on brings them back', async () => {
    expect((await owner().patch(`/users/${people.sales.id}`, { crmAccess: false })).status).toBe(200);
    const off = (await me(people.sales.token)).permissions;
    expect(off).toEqual(SALES.filter((p) => !p.startsWith('contacts:')));
    expect((await owner().patch(`/users/${people.sales.id}`, { crmAccess: true })).status).toBe(200);
    expect((await me(people.sales.token)).permissions).toEqual(SALES);
  });

  it('admins always have it, and the API refuses to turn it off for them', async () => {
    const res = await owner().patch(`/users/${people.admin.id}`, { crmAccess: false });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.crmAccess', message: 'Cannot be false for an admin' }]);
    const invite = await owner().post('/invitations', {
      email: `crm-${unique()}@e2e.test`,
      role: 'admin',
      crmAccess: false,
    });
    expect(invite.status).toBe(400);
    expect((await me(people.admin.token)).permissions).toEqual(expect.arrayContaining(['contacts:view']));
  });
});

describe('nobody grants what they do not hold', () => {
  it('a manager (even one who may invite and edit people) cannot make or unmake admins', async () => {
    const grant = await owner().patch(`/users/${people.manager.id}`, { grants: ['users:create', 'users:edit'] });
    expect(grant.status).toBe(200);
    const manager = as(people.manager.token);
    const invite = await manager.post('/invitations', { email: `boss-${unique()}@e2e.test`, role: 'admin' });
    expect(invite.status).toBe(403);
    expect(invite.body.code).toBe('forbidden');
    const promote = await manager.patch(`/users/${people.agent.id}`, { role: 'admin' });
    expect(promote.status).toBe(403);
    const demote = await manager.patch(`/users/${people.admin.id}`, { role: 'agent' });
    expect(demote.status).toBe(403);
  });

  it('a manager cannot hand out a role or grant beyond their own permissions', async () => {
    const manager = as(people.manager.token);
    const toLead = await manager.patch(`/users/${people.agent.id}`, { role: 'custom', roleId: roleIds.lead });
    expect(toLead.status).toBe(403);
    expect(toLead.body.detail).toContain('roles:create');
    const billing = await manager.patch(`/users/${people.agent.id}`, { grants: ['billing:view'] });
    expect(billing.status).toBe(403);
    expect(sorted((await me(people.agent.token)).permissions)).toEqual(sorted(BUILT_IN_ROLE_PERMISSIONS.agent));
  });

  it('an agent allowed to edit people cannot grant itself more', async () => {
    expect((await owner().patch(`/users/${people.agent.id}`, { grants: ['users:edit'] })).status).toBe(200);
    const agent = as(people.agent.token);
    const self = await agent.patch(`/users/${people.agent.id}`, { grants: ['users:edit', 'users:delete'] });
    expect(self.status).toBe(403);
    expect(self.body.detail).toContain('users:delete');
    const role = await agent.patch(`/users/${people.agent.id}`, { role: 'manager' });
    expect(role.status).toBe(403);
    expect((await me(people.agent.token)).permissions).not.toContain('users:delete');
    expect((await owner().patch(`/users/${people.agent.id}`, { grants: [] })).status).toBe(200);
  });

  it('a role editor cannot put into a role, or change a role holding, permissions they lack', async () => {
    const lead = as(people.lead.token);
    const boss = await lead.post('/roles', { name: 'Boss', permissions: ['conversations:view', 'billing:manage'] });
    expect(boss.status).toBe(403);
    expect(boss.body.detail).toContain('billing:manage');
    const widen = await lead.patch(`/roles/${roleIds.lead}`, { permissions: [...LEAD, 'users:delete'] });
    expect(widen.status).toBe(403);
    const strip = await lead.patch(`/roles/${roleIds.sales}`, { permissions: [] });
    expect(strip.status).toBe(403);
    expect(strip.body.detail).toContain('contacts:create');
    const helper = await lead.post('/roles', { name: 'Queue Helper', permissions: ['conversations:reply'] });
    expect(helper.status).toBe(201);
    expect((await lead.del(`/roles/${helper.body.id}`)).status).toBe(403);
    expect((await owner().del(`/roles/${helper.body.id}`)).status).toBe(204);
  });
});

describe('deleting a custom role', () => {
  it('is refused while anyone holds it, saying how many', async () => {
    const res = await owner().del(`/roles/${roleIds.sales}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', holders: 1 });
    expect(res.body.detail).toContain('1 member holds it');
    expect((await me(people.sales.token)).permissions).toEqual(SALES);
  });

  it('succeeds once nobody holds it; the name is free again', async () => {
    expect((await owner().patch(`/users/${people.sales.id}`, { role: 'agent' })).status).toBe(200);
    expect((await owner().del(`/roles/${roleIds.sales}`)).status).toBe(204);
    expect((await owner().get(`/roles/${roleIds.sales}`)).status).toBe(404);
    const again = await owner().post('/roles', { name: 'Sales Agent', permissions: SALES });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(roleIds.sales);
  });
});

describe('ownership', () => {
  const transfer = (token: string, memberId: string) => as(token).post('/transfer-ownership', { memberId });

  it('only the owner can transfer it', async () => {
    const byAdmin = await transfer(people.admin.token, people.admin.id);
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.detail).toContain('owner');
    expect((await transfer(people.manager.token, people.manager.id)).status).toBe(403);
  });

  it('only to an active admin of the tenant', async () => {
    const toAgent = await transfer(t.ownerToken, people.agent.id);
    expect(toAgent.status).toBe(409);
    expect(toAgent.body.detail).toContain('active admin');
    expect((await transfer(t.ownerToken, t.ownerId)).status).toBe(409);
    expect((await transfer(t.ownerToken, 'no-such-member')).status).toBe(404);
  });

  it('moves the owner protections to the new owner', async () => {
    const res = await transfer(t.ownerToken, people.admin.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ownerId).toBe(people.admin.id);
    expect((await me(people.admin.token)).owner).toBe(true);
    expect((await me(t.ownerToken)).owner).toBe(false);
    // The former owner, now an ordinary admin, can't touch the new owner…
    for (const action of ['suspend', 'deactivate']) {
      const refused = await owner().post(`/users/${people.admin.id}/${action}`);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('owner-protected');
    }
    expect((await owner().patch(`/users/${people.admin.id}`, { role: 'manager' })).body.code).toBe('owner-protected');
    expect((await owner().del(`/users/${people.admin.id}`)).body.code).toBe('owner-protected');
    expect((await transfer(t.ownerToken, t.ownerId)).status).toBe(403);
    // …while the new owner may demote the former one.
    const demoted = await as(people.admin.token).patch(`/users/${t.ownerId}`, { role: 'manager' });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    expect(sorted((await me(t.ownerToken)).permissions)).toEqual(sorted(BUILT_IN_ROLE_PERMISSIONS.manager));
  });
});

describe('the record', () => {
  const events = async (action: string) =>
    (await as(people.admin.token).get(`/audit-events?action=${action}`)).body.items as {
      actor: { id: string };
      target: { id: string };
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }[];

  it('holds every role change, grant and CRM change, and the transfer, with before/after', async () => {
    expect((await events('role.created')).map((e) => e.after?.name)).toEqual([
      'Sales Agent',
      'Queue Helper',
      'Support Lead',
      'Sales Agent',
    ]);
    const edits = await events('role.updated');
    expect(edits.at(-1)).toMatchObject({
      target: { id: roleIds.sales },
      before: { permissions: SALES },
      after: { permissions: [...SALES, 'roles:view'] },
    });
    expect((await events('role.deleted')).map((e) => e.before?.name)).toEqual(['Sales Agent', 'Queue Helper']);
    const updates = await events('member.updated');
    expect(updates).toContainEqual(
      expect.objectContaining({ target: { type: 'member', id: people.sales.id }, before: { crmAccess: true } }),
    );
    expect(updates).toContainEqual(
      expect.objectContaining({ before: { grants: [] }, after: { grants: ['roles:view'] } }),
    );
    expect(await events('ownership.transferred')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: t.ownerId }),
        before: { ownerId: t.ownerId },
        after: { ownerId: people.admin.id },
      }),
    ]);
  });
});
