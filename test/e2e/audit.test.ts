/** The audit trail over HTTP: every change on record, filters, newest first, pagination, permission. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: Awaited<ReturnType<ReturnType<typeof client>['tenantWithOwner']>>;
let agentId: string;
let agentEmail: string;
const audit = (query = '') =>
  api.call('GET', `/v1/tenants/${t.tenantId}/audit-events${query}`, { token: t.ownerToken });

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('growth', 'audit');
  agentEmail = `aud-${unique()}@e2e.test`;
  const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
    token: t.ownerToken,
    body: { email: agentEmail, role: 'agent' },
  });
  agentId = invited.body.id;
  await api.call('POST', `/v1/tenants/${t.tenantId}/users/${agentId}/resend-invitation`, { token: t.ownerToken });
  await api.acceptAndLogin(agentEmail, 'Aud Agent', PASSWORD);
  await api.call('POST', `/v1/tenants/${t.tenantId}/users/${agentId}/suspend`, { token: t.ownerToken });
});
afterAll(async () => {
  await gw?.close();
});

describe('audit events', () => {
  it('records every change newest first with actor, target and before/after', async () => {
    const res = await audit();
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'member.suspended',
      'member.activated',
      'invitation.resent',
      'member.invited',
      'member.activated',
      'member.invited',
      'tenant.created',
    ]);
    const suspended = res.body.items[0];
    expect(suspended).toMatchObject({
      actor: { type: 'user', id: t.ownerId },
      target: { type: 'member', id: agentId },
      before: { status: 'active' },
      after: { status: 'suspended' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/tokenHash/);
    const times = res.body.items.map((e: { at: string }) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by actor, target, action and time window', async () => {
    const byTarget = await audit(`?targetId=${agentId}`);
    expect(byTarget.body.items.every((e: { target: { id: string } }) => e.target.id === agentId)).toBe(true);
    expect(byTarget.body.items).toHaveLength(4);
    const byAction = await audit('?action=invitation.resent');
    expect(byAction.body.items).toHaveLength(1);
    const byActor = await audit(`?actorId=${agentId}`);
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['member.activated']);
    const all = (await audit()).body.items;
    const pivot = all[2].at;
    const before = await audit(`?until=${encodeURIComponent(pivot)}`);
    expect(before.body.items.every((e: { at: string }) => e.at < pivot)).toBe(true);
    const since = await audit(`?since=${encodeURIComponent(pivot)}`);
    expect(since.body.items.every((e: { at: string }) => e.at >= pivot)).toBe(true);
    expect((await audit('?since=nope')).status).toBe(400);
  });

  it('pages with a cursor and never repeats an event', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await audit(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('needs audit:view', async () => {
    const agentToken = await api.login(agentEmail, PASSWORD);
    await api.call('POST', `/v1/tenants/${t.tenantId}/users/${agentId}/reactivate`, { token: t.ownerToken });
    const res = await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events`, { token: agentToken });
    expect(res.status).toBe(403);
  });
});

describe('an invitation with teams', () => {
  it('records the teams in its audit entry, so the log can name them (issue 18 item 3)', async () => {
    const team = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, {
      token: t.ownerToken,
      body: { name: `Audit team ${unique()}` },
    });
    expect(team.status).toBe(201);
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email: `aud-team-${unique()}@e2e.test`, role: 'agent', teamIds: [team.body.id] },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const entry = (await audit(`?targetId=${invited.body.id}&action=member.invited`)).body.items[0];
    expect(entry.after.teamIds).toEqual([team.body.id]);
  });
});
