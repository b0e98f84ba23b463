/**
 * What the assignment, drain, concurrency and job integration tests each set
 * up: a tenant, members seeded straight into the table, teams created and
 * joined through their handlers, conversations assigned, the paths they call.
 * One `tenantFixtures(tenantId, adminId)` per tenant a test works in.
 */
import { expect } from 'vitest';
import { handler as assign } from '../../../functions/assignments/assign.ts';
import { handler as getAssignment } from '../../../functions/assignments/get.ts';
import { handler as addTeamMember } from '../../../functions/teams/add-member.ts';
import { handler as createTeam } from '../../../functions/teams/create.ts';
import { handler as setAvailability } from '../../../functions/users/availability.ts';
import { provisionTenant } from '../../../lib/app/tenants.ts';
import type { MemberRecord } from '../../../lib/domain/records.ts';
import { insertMember } from '../../../lib/store/members.ts';
import { invoke } from '../../sdk/events.ts';

export const unique = () => Math.random().toString(36).slice(2, 10);
export const as = (sub: string) => ({ claims: { sub, token_use: 'access' } });

/** A fresh tenant on `plan` (enterprise by default), provisioned by the platform. */
export async function newTenant(name: string, plan = 'enterprise'): Promise<string> {
  const created = await provisionTenant(
    { name, plan: plan as never, owner: { email: `owner-${unique()}@it.test`, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  return created.id;
}

/** An active, online member written straight into the table (audited as created). */
export async function seedMember(
  tenantId: string,
  role: MemberRecord['role'],
  label: string,
  extra: Partial<MemberRecord> = {},
): Promise<string> {
  const id = `${label}-${unique()}`;
  const at = new Date().toISOString();
  await insertMember({
    member: {
      tenantId,
      id,
      email: `${id}@it.test`,
      name: label,
      status: 'active',
      role,
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
      ...extra,
    },
    actor: { type: 'system', id: 'integration' },
    action: 'member.created',
  });
  return id;
}

type Lazy = string | (() => string);
const read = (value: Lazy) => (typeof value === 'function' ? value() : value);

/**
 * Paths and steps within one tenant, acting as `admin` unless told otherwise.
 * Either may be a getter, for a test file that sets them in `beforeAll`.
 */
export function tenantFixtures(tenant: Lazy, adminId: Lazy) {
  // Each helper reads them when called, so a file can create its fixtures before its tenant exists.
  const ids = {
    get tenantId() {
      return read(tenant);
    },
    get admin() {
      return read(adminId);
    },
  };
  const memberPath = (userId: string, suffix = '') => ({
    path: `/v1/tenants/${ids.tenantId}/users/${userId}${suffix}`,
    pathParameters: { tenantId: ids.tenantId, userId },
  });
  const conversation = (conversationId: string, suffix = 'assignment') => ({
    path: `/v1/tenants/${ids.tenantId}/conversations/${conversationId}/${suffix}`,
    pathParameters: { tenantId: ids.tenantId, conversationId },
  });
  const teamPath = (teamId: string, suffix = '') => ({
    path: `/v1/tenants/${ids.tenantId}/teams/${teamId}${suffix}`,
    pathParameters: { tenantId: ids.tenantId, teamId },
  });
  const teamMemberPath = (teamId: string, userId: string) => ({
    path: `/v1/tenants/${ids.tenantId}/teams/${teamId}/members/${userId}`,
    pathParameters: { tenantId: ids.tenantId, teamId, userId },
  });
  const agents = (n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => seedMember(ids.tenantId, 'agent', `ag${i}`)));

  async function join(teamId: string, userId: string, body?: unknown) {
    const res = await invoke(addTeamMember, {
      ...teamMemberPath(teamId, userId),
      method: 'PUT',
      ...(body === undefined ? {} : { body }),
      ...as(ids.admin),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function newTeam(body: Record<string, unknown>, members: string[]): Promise<string> {
    const res = await invoke(createTeam, {
      path: `/v1/tenants/${ids.tenantId}/teams`,
      pathParameters: { tenantId: ids.tenantId },
      method: 'POST',
      body: { name: `T ${unique()}`, ...body },
      ...as(ids.admin),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    for (const m of members) await join(res.body.id, m);
    return res.body.id;
  }

  async function toTeam(teamId: string, id = `c-${unique()}`) {
    const res = await invoke(assign, { ...conversation(id), method: 'PUT', body: { teamId }, ...as(ids.admin) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { id, ...res.body } as { id: string; status: string; assigneeId: string | null; queueReason: string | null };
  }

  const availability = (userId: string, value: 'online' | 'away', by = userId) =>
    invoke(setAvailability, {
      ...memberPath(userId, '/availability'),
      method: 'PUT',
      body: { availability: value },
      ...as(by),
    });

  const holderOf = async (id: string) => (await invoke(getAssignment, { ...conversation(id), ...as(ids.admin) })).body;

  return {
    get tenantId() {
      return ids.tenantId;
    },
    get admin() {
      return ids.admin;
    },
    memberPath,
    conversation,
    teamPath,
    teamMemberPath,
    agents,
    join,
    newTeam,
    toTeam,
    availability,
    holderOf,
  };
}
