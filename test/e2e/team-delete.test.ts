/**
 * Issue 17 §1, the attack over HTTP: a conversation assigned through team S,
 * its assignee M removed from S, S deleted, M deactivated. Before the fix the
 * delete answered 204, the hand-back to the vanished team 409'd on every try,
 * deactivation took ~27 s and left the conversation on the deactivated M —
 * and the release job spun on M's ticket for every tenant. Now a team that
 * still holds conversations is not deleted: 409 with the counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerToken: string };

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('scale', 'teamdel');
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

describe('deleting a team that still holds conversations', () => {
  it('refuses (409, with the counts) instead of stranding them; deactivating the assignee then hands back at once', async () => {
    const base = `/v1/tenants/${t.tenantId}`;
    const team = await api.call('POST', `${base}/teams`, {
      token: t.ownerToken,
      body: { name: `S-${unique()}`, assignmentStrategy: 'round_robin' },
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const S = team.body.id as string;
    const email = `m-${unique()}@e2e.test`;
    const invited = await api.call('POST', `${base}/invitations`, {
      token: t.ownerToken,
      body: { email, role: 'agent', teamIds: [S] },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const M = invited.body.id as string;
    await api.acceptAndLogin(email, 'M', PASSWORD);

    const c1 = `c1-${unique()}`;
    const assigned = await api.call('PUT', `${base}/conversations/${c1}/assignment`, {
      token: t.ownerToken,
      body: { teamId: S },
    });
    expect(assigned.body, JSON.stringify(assigned.body)).toMatchObject({
      status: 'assigned',
      assigneeId: M,
      teamId: S,
    });

    // With its member: refused, the count as an extension (issue 18 item 8); the team says what it holds.
    const withMember = await api.call('DELETE', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(withMember.status, JSON.stringify(withMember.body)).toBe(409);
    expect(withMember.body).toMatchObject({ members: 1 });
    const holding = await api.call('GET', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(holding.body).toMatchObject({ memberCount: 1, assigned: 1, queued: 0 });

    const removed = await api.call('DELETE', `${base}/teams/${S}/members/${M}`, { token: t.ownerToken });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);

    const deleted = await api.call('DELETE', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(409);
    expect(deleted.body).toMatchObject({ conversations: { assigned: 1, queued: 0 } });
    expect(deleted.body.detail).toContain('1 assigned');
    const still = await api.call('GET', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(still.status).toBe(200);

    const started = Date.now();
    const off = await api.call('POST', `${base}/users/${M}/deactivate`, { token: t.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const c1Now = await api.call('GET', `${base}/conversations/${c1}/assignment`, { token: t.ownerToken });
    expect(c1Now.body).toMatchObject({ assigneeId: null, teamId: S, status: 'queued' });
    const held = await api.call('GET', `${base}/users/${M}/assignments`, { token: t.ownerToken });
    expect(held.body.items).toEqual([]);

    // Still refused while it waits in S's queue; resolved, the team goes.
    const again = await api.call('DELETE', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ conversations: { assigned: 0, queued: 1 } });
    const resolved = await api.call('POST', `${base}/conversations/${c1}/resolve`, { token: t.ownerToken });
    expect(resolved.status, JSON.stringify(resolved.body)).toBeLessThan(300);
    const gone = await api.call('DELETE', `${base}/teams/${S}`, { token: t.ownerToken });
    expect(gone.status, JSON.stringify(gone.body)).toBe(204);
  });
});
