/**
 * The inbox backend is a machine (DESIGN §1): over HTTP, with the platform key
 * (IAM in AWS) and no person's token, it reads the team and its people,
 * assigns conversations to a team, reads the queue, resolves and hands back —
 * through the platform twins of the tenant routes — and the queue drains in
 * the same request. Every change is audited with the platform as actor; the
 * twins hold only what their rows grant, and refuse without platform credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerToken: string };
let teamId: string;
const agents: { id: string; token: string }[] = [];

/** The inbox backend's base URL for this tenant, and its credentials. */
const inbox = (path: string) => `/v1/platform/tenants/${t.tenantId}${path}`;
const machine = () => ({ headers: api.platform });

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('scale', 'inbox');
  const team = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, {
    token: t.ownerToken,
    body: { name: 'WhatsApp', assignmentStrategy: 'load_balanced', capacity: 1 },
  });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  teamId = team.body.id;
  for (const name of ['ana', 'ben']) {
    const email = `${name}-${unique()}@e2e.test`;
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, name, role: 'agent', teamIds: [teamId] },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    agents.push({ id: invited.body.id, token: await api.acceptAndLogin(email, name, PASSWORD) });
  }
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

describe('the inbox backend with platform credentials', () => {
  it('reads the team and its people: name, email, status, availability, open load', async () => {
    const teams = await api.call('GET', inbox('/teams'), machine());
    expect(teams.status).toBe(200);
    expect(teams.body.items).toEqual([expect.objectContaining({ id: teamId, name: 'WhatsApp', queued: 0 })]);
    const team = await api.call('GET', inbox(`/teams/${teamId}`), machine());
    expect(team.body).toMatchObject({ assignmentStrategy: 'load_balanced', capacity: 1 });
    const members = await api.call('GET', inbox(`/teams/${teamId}/members`), machine());
    expect(members.status).toBe(200);
    expect(members.body.items).toHaveLength(2);
    for (const m of members.body.items) {
      expect(m).toMatchObject({ status: 'active', availability: 'online', openAssignments: 0 });
      expect(m.email).toMatch(/@e2e\.test$/);
    }
    const people = await api.call('GET', inbox('/users'), machine());
    expect(people.body.items.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(agents.map((a) => a.id)));
    const one = await api.call('GET', inbox(`/users/${agents[0]?.id}`), machine());
    expect(one.body).toMatchObject({ id: agents[0]?.id, teamIds: [teamId] });
  });

  it('assigns to the team, queues when full, resolves, and the queue drains in the same request — audited as the platform', async () => {
    const put = (id: string) =>
      api.call('PUT', inbox(`/conversations/${id}/assignment`), { ...machine(), body: { teamId } });
    const first = await put('wa-1');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'assigned', teamId, decision: { strategy: 'load_balanced' } });
    const second = await put('wa-2');
    expect(second.body.status).toBe('assigned');
    expect([first.body.assigneeId, second.body.assigneeId].sort()).toEqual(agents.map((a) => a.id).sort());
    const third = await put('wa-3');
    expect(third.body).toMatchObject({ status: 'queued', queueReason: 'nobody-available', assigneeId: null });
    expect(third.body.decision.candidates).toEqual(
      expect.arrayContaining([expect.objectContaining({ skipped: 'at-capacity', load: 1 })]),
    );

    const queue = await api.call('GET', inbox(`/teams/${teamId}/queue`), machine());
    expect(queue.status).toBe(200);
    expect(queue.body.items).toEqual([
      { conversationId: 'wa-3', teamId, queuedAt: expect.any(String), reason: 'nobody-available' },
    ]);

    const resolved = await api.call('POST', inbox('/conversations/wa-1/resolve'), machine());
    expect(resolved.status).toBe(204);
    const drained = await api.call('GET', inbox('/conversations/wa-3/assignment'), machine());
    expect(drained.body).toMatchObject({ status: 'assigned', assigneeId: first.body.assigneeId });
    expect((await api.call('GET', inbox(`/teams/${teamId}/queue`), machine())).body.items).toEqual([]);
    const theirs = await api.call('GET', inbox(`/users/${first.body.assigneeId}/assignments`), machine());
    expect(theirs.body.items.map((i: { conversationId: string }) => i.conversationId)).toEqual(['wa-3']);

    const trail = await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events?targetId=wa-1`, {
      token: t.ownerToken,
    });
    const resolvedItem = trail.body.items.find((e: { action: string }) => e.action === 'conversation.resolved');
    expect(resolvedItem).toMatchObject({ actor: { type: 'platform', id: 'local-platform' } });
    const drainedItem = (
      await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events?targetId=wa-3&action=conversation.assigned`, {
        token: t.ownerToken,
      })
    ).body.items[0];
    expect(drainedItem).toMatchObject({
      actor: { type: 'platform' },
      after: {
        assigneeId: first.body.assigneeId,
        reason: 'team.load_balanced',
        decision: { picked: first.body.assigneeId },
      },
    });
  });

  it('hands back any conversation and sets availability — what its rows grant', async () => {
    const held = await api.call('GET', inbox('/conversations/wa-2/assignment'), machine());
    const back = await api.call('DELETE', inbox('/conversations/wa-2/assignment'), machine());
    expect(back.status).toBe(204);
    // Handed back to the queue and drained again to whoever has room: its holder is the only one.
    expect((await api.call('GET', inbox('/conversations/wa-2/assignment'), machine())).body).toMatchObject({
      status: 'assigned',
      assigneeId: held.body.assigneeId,
    });
    const away = await api.call('PUT', inbox(`/users/${held.body.assigneeId}/availability`), {
      ...machine(),
      body: { availability: 'away' },
    });
    expect(away.status).toBe(200);
    expect(away.body.availability).toBe('away');
  });

  it('refuses without platform credentials, on an unknown tenant, and offers no route that changes people', async () => {
    expect((await api.call('GET', inbox(`/teams/${teamId}/queue`))).status).toBe(403);
    expect((await api.call('GET', inbox(`/teams/${teamId}/queue`), { token: t.ownerToken })).status).toBe(403);
    expect((await api.call('GET', `/v1/platform/tenants/no-such-tenant/teams`, machine())).status).toBe(404);
    // Reading people yes; changing them no: those routes have no platform twin.
    expect((await api.call('DELETE', inbox(`/users/${agents[0]?.id}`), machine())).status).toBe(405);
    expect((await api.call('POST', inbox('/users'), { ...machine(), body: {} })).status).toBe(405);
    expect((await api.call('PATCH', inbox(`/teams/${teamId}`), { ...machine(), body: {} })).status).toBe(405);
  });

  it('a member still works the same conversations through their own routes', async () => {
    const [ana] = agents as [{ id: string; token: string }];
    const mine = await api.call('GET', `/v1/tenants/${t.tenantId}/users/${ana.id}/assignments`, { token: ana.token });
    expect(mine.status).toBe(200);
    const queue = await api.call('GET', `/v1/tenants/${t.tenantId}/teams/${teamId}/queue`, { token: ana.token });
    expect(queue.status).toBe(200);
    // An agent cannot resolve a colleague's conversation (the twin's extra grant is the platform's alone).
    const other = (await api.call('GET', inbox('/conversations/wa-3/assignment'), machine())).body.assigneeId;
    const someoneElse = agents.find((a) => a.id !== other) as { token: string };
    const refused = await api.call('POST', `/v1/tenants/${t.tenantId}/conversations/wa-3/resolve`, {
      token: someoneElse.token,
    });
    expect(refused.status).toBe(403);
  });
});
