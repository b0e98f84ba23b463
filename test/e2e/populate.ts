/**
 * A tenant with something in every list, built through the API as a client
 * would: custom roles, teams, signed-in members of the asked roles (in a
 * team), a pending invitation, conversations assigned to the owner, and a
 * second-page cursor of every list.
 */
import { expect } from 'vitest';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { startReceiver } from '../support/receiver.ts';
import { type client, PASSWORD, unique } from './client.ts';

export type MemberRole = 'admin' | 'manager' | 'agent' | 'custom';

export interface Person {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  /** Set once the person accepted and signed in. */
  token?: string;
}

export interface Populated {
  tenantId: string;
  tenantName: string;
  owner: Person & { token: string };
  /** Everyone but the owner: `accepted` roles (signed in), then one pending invitation. */
  members: Person[];
  roleIds: string[];
  roleNames: string[];
  teamIds: string[];
  teamNames: string[];
  conversationIds: string[];
  /** A webhook endpoint (its receiver closed since) and two delivered test events of it. */
  webhookIds: string[];
  deliveryIds: string[];
  /** A second-page cursor of each list route of this tenant, by route id. */
  cursors: Record<string, string>;
}

type Api = ReturnType<typeof client>;

export async function populate(
  api: Api,
  label: string,
  accepted: readonly MemberRole[],
  plan: 'scale' | 'enterprise' = 'scale',
): Promise<Populated> {
  const t = await api.tenantWithOwner(plan, label);
  const tenantName = `${label} Co`;
  const base = `/v1/tenants/${t.tenantId}`;
  const as = { token: t.ownerToken };
  const created = async (path: string, body: unknown) => {
    const res = await api.call('POST', `${base}${path}`, { ...as, body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
    return res.body as { id: string; name: string };
  };

  const roles = [
    await created('/roles', { name: `${label} Night shift`, permissions: ALL_PERMISSIONS }),
    await created('/roles', { name: `${label} Auditor`, permissions: ['audit:view'] }),
  ];
  const teams = [
    await created('/teams', { name: `${label} Escalations` }),
    await created('/teams', { name: `${label} Billing`, assignmentStrategy: 'load_balanced' }),
  ];
  const members: Person[] = [];
  for (const role of [...accepted, 'agent'] as const) {
    const pending = members.length === accepted.length;
    const email = `${label}-${role}-${unique()}@e2e.test`.toLowerCase();
    const name = `${label} ${pending ? 'Pending' : role} ${unique()}`;
    const invited = await created('/invitations', {
      email,
      name,
      role,
      ...(role === 'custom' ? { roleId: roles[0]?.id } : {}),
      teamIds: [teams[0]?.id],
    });
    members.push({
      id: invited.id,
      email,
      name,
      role,
      ...(pending ? {} : { token: await api.acceptAndLogin(email, name, PASSWORD) }),
    });
  }
  const conversationIds = [`conv-${unique()}`, `conv-${unique()}`];
  for (const id of conversationIds) {
    const res = await api.call('PUT', `${base}/conversations/${id}/assignment`, {
      ...as,
      body: { assigneeId: t.ownerId },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  // A webhook endpoint with two delivered test events (the receiver answered, then went away: nothing stays due).
  const receiver = await startReceiver(() => 200, `/hooks/${label}`);
  const webhook = await created('/webhooks', { url: receiver.url, events: ['member.invited'] });
  const deliveryIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const sent = await api.call('POST', `${base}/webhooks/${webhook.id}/test`, as);
    expect(sent.body, JSON.stringify(sent.body)).toMatchObject({ status: 'succeeded' });
    deliveryIds.push(sent.body.id);
  }
  await receiver.close();

  const lists: Record<string, string> = {
    listWebhookDeliveries: `${base}/webhooks/${webhook.id}/deliveries`,
    listMembers: `${base}/users`,
    listMembersByLogin: `${base}/users?sort=lastLoginAt`,
    getAccessReview: `${base}/access-review`,
    listRoles: `${base}/roles`,
    listTeams: `${base}/teams`,
    listTeamMembers: `${base}/teams/${teams[0]?.id}/members`,
    listMemberAssignments: `${base}/users/${t.ownerId}/assignments`,
    listAuditEvents: `${base}/audit-events`,
  };
  const cursors: Record<string, string> = {};
  for (const [routeId, path] of Object.entries(lists)) {
    const page = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`, as);
    expect(page.body.nextCursor, `${routeId} has a second page`).toEqual(expect.any(String));
    cursors[routeId] = page.body.nextCursor;
  }

  return {
    tenantId: t.tenantId,
    tenantName,
    owner: { id: t.ownerId, email: t.ownerEmail, name: `${label} Owner`, role: 'admin', token: t.ownerToken },
    members,
    roleIds: roles.map((r) => r.id),
    roleNames: roles.map((r) => r.name),
    teamIds: teams.map((r) => r.id),
    teamNames: teams.map((r) => r.name),
    conversationIds,
    webhookIds: [webhook.id],
    deliveryIds,
    cursors,
  };
}
