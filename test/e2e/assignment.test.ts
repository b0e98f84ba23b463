/**
 * Teams and assignment over HTTP, as the seed products use them: invite
 * agents straight into a team, assign a conversation to an agent (who sees it
 * in their queue and gets the event), a manager reassigns, an agent goes away
 * and receives no new team conversations, and deactivating an agent frees
 * theirs back to the team queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerToken: string };
let teamId: string;
const people: Record<'manager' | 'ann' | 'bob', { id: string; token: string }> = {} as never;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('scale', 'assign');
  const team = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, {
    token: t.ownerToken,
    body: { name: 'Support', assignmentStrategy: 'round_robin' },
  });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  teamId = team.body.id;
  const unknown = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
    token: t.ownerToken,
    body: { email: `x-${unique()}@e2e.test`, role: 'agent', teamIds: ['no-such-team'] },
  });
  expect(unknown.status).toBe(400);
  expect(unknown.body.detail).toContain('no-such-team');
  for (const [key, role] of [
    ['manager', 'manager'],
    ['ann', 'agent'],
    ['bob', 'agent'],
  ] as const) {
    const email = `${key}-${unique()}@e2e.test`;
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, role, ...(role === 'agent' ? { teamIds: [teamId] } : {}) },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    people[key] = { id: invited.body.id, token: await api.acceptAndLogin(email, key, PASSWORD) };
  }
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

const conv = (id: string, suffix = 'assignment') => `/v1/tenants/${t.tenantId}/conversations/${id}/${suffix}`;
const queueOf = async (who: { id: string; token: string }) =>
  (await api.call('GET', `/v1/tenants/${t.tenantId}/users/${who.id}/assignments`, { token: who.token })).body.items.map(
    (i: { conversationId: string }) => i.conversationId,
  );

describe('assignment flow', () => {
  it('invited agents are team members; the team lists them', async () => {
    const members = await api.call('GET', `/v1/tenants/${t.tenantId}/teams/${teamId}/members`, {
      token: people.ann.token,
    });
    expect(members.status).toBe(200);
    expect(members.body.items.map((m: { userId: string }) => m.userId).sort()).toEqual(
      [people.ann.id, people.bob.id].sort(),
    );
  });

  it('assign to an agent → in their queue, notified by event; a manager reassigns; the agent can’t', async () => {
    const id = `wa-${unique()}`;
    const assigned = await api.call('PUT', conv(id), { token: t.ownerToken, body: { assigneeId: people.ann.id } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(await queueOf(people.ann)).toEqual([id]);
    const events = await api.call(
      'GET',
      `/v1/tenants/${t.tenantId}/audit-events?action=conversation.assigned&targetId=${id}`,
      {
        token: t.ownerToken,
      },
    );
    expect(events.body.items[0]).toMatchObject({ after: { assigneeId: people.ann.id } });

    const byAgent = await api.call('PUT', conv(id), { token: people.bob.token, body: { assigneeId: people.bob.id } });
    expect(byAgent.status).toBe(403);
    const claimed = await api.call('POST', conv(id, 'claim'), { token: people.bob.token });
    expect(claimed.status).toBe(409);
    const moved = await api.call('PUT', conv(id), { token: people.manager.token, body: { assigneeId: people.bob.id } });
    expect(moved.status).toBe(200);
    expect(await queueOf(people.ann)).toEqual([]);
    expect(await queueOf(people.bob)).toEqual([id]);
    // Someone else's queue needs conversations:view.
    const peek = await api.call('GET', `/v1/tenants/${t.tenantId}/users/${people.bob.id}/assignments`, {
      token: people.ann.token,
    });
    expect(peek.status).toBe(403);
  });

  it('an agent who goes away gets no new team conversations', async () => {
    const away = await api.call('PUT', `/v1/tenants/${t.tenantId}/users/${people.ann.id}/availability`, {
      token: people.ann.token,
      body: { availability: 'away' },
    });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    expect(away.body.availability).toBe('away');
    const forOther = await api.call('PUT', `/v1/tenants/${t.tenantId}/users/${people.bob.id}/availability`, {
      token: people.ann.token,
      body: { availability: 'away' },
    });
    expect(forOther.status).toBe(403);
    for (let i = 0; i < 3; i++) {
      const res = await api.call('PUT', conv(`team-${unique()}`), { token: people.manager.token, body: { teamId } });
      expect(res.body).toMatchObject({ status: 'assigned', assigneeId: people.bob.id, teamId });
    }
    expect(await queueOf(people.ann)).toEqual([]);
  });

  it('deactivating an agent frees their conversations back to the team queue', async () => {
    const held = await queueOf(people.bob);
    expect(held.length).toBe(4);
    const off = await api.call('POST', `/v1/tenants/${t.tenantId}/users/${people.bob.id}/deactivate`, {
      token: t.ownerToken,
    });
    expect(off.status).toBe(200);
    const after = await api.call('GET', `/v1/tenants/${t.tenantId}/users/${people.bob.id}/assignments`, {
      token: t.ownerToken,
    });
    expect(after.body.items).toEqual([]);
    for (const id of held) {
      const a = await api.call('GET', conv(id), { token: people.ann.token });
      expect(a.body).toMatchObject({ assigneeId: null });
    }
    const teamOnes = await Promise.all(
      held.map((id: string) => api.call('GET', conv(id), { token: people.ann.token })),
    );
    expect(teamOnes.filter((r) => r.body.status === 'queued').length).toBe(3);
    // Nobody online in the team now: a new conversation waits in the queue, and the response says so.
    const waits = await api.call('PUT', conv(`wait-${unique()}`), { token: people.manager.token, body: { teamId } });
    expect(waits.body).toMatchObject({ status: 'queued', queueReason: 'nobody-available' });
  });
});
