/**
 * Events for other systems, locally: the stack polls DynamoDB Local's stream
 * with the pipe's own filter and template, and GET /local/events shows what
 * EventBridge would receive — an event for each committed change, none for a
 * refused one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  gw = await startTestGateway({ events: true });
  api = client(gw);
});
afterAll(async () => {
  await gw?.close();
});

type Feed = { items: { source: string; 'detail-type': string; time: string; detail: Record<string, unknown> }[] };
const feed = async (query: string): Promise<Feed> => (await api.call('GET', `/local/events?${query}`)).body;

describe('GET /local/events', () => {
  it('receives member.invited after an invitation, and nothing for an invitation refused at the seat limit', async () => {
    const t = await api.tenantWithOwner('trial', 'events'); // trial: 1 seat, taken by the owner
    await expect
      .poll(async () => (await feed(`tenantId=${t.tenantId}`)).items.map((e) => e['detail-type']), { timeout: 30_000 })
      .toEqual(['tenant.created', 'member.invited', 'member.activated']);

    const refused = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email: `full-${unique()}@e2e.test`, role: 'agent' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('seat-limit-reached');

    const upgraded = await api.call('PATCH', `/v1/platform/tenants/${t.tenantId}`, {
      headers: api.platform,
      body: { plan: 'starter' },
    });
    expect(upgraded.status).toBe(200);
    const email = `ev-${unique()}@e2e.test`;
    const invited = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, role: 'agent' },
    });
    expect(invited.status).toBe(201);

    await expect.poll(async () => (await feed(`tenantId=${t.tenantId}`)).items.length, { timeout: 30_000 }).toBe(5);
    const { items } = await feed(`tenantId=${t.tenantId}`);
    // The refused invite left no trace between the owner's activation and the plan change.
    expect(items.map((e) => e['detail-type'])).toEqual([
      'tenant.created',
      'member.invited',
      'member.activated',
      'tenant.updated',
      'member.invited',
    ]);
    const event = items[4];
    expect(event).toMatchObject({
      source: 'roster',
      'detail-type': 'member.invited',
      detail: {
        tenantId: t.tenantId,
        action: 'member.invited',
        actor: { type: 'user', id: t.ownerId },
        target: { type: 'member', id: invited.body.id },
        // Plain JSON, as the pipe's enrichment hands it to consumers.
        before: null,
        after: { email, role: 'agent', status: 'invited' },
      },
    });
    expect(event?.time).toBe(event?.detail.at);

    const filtered = await feed(`tenantId=${t.tenantId}&detailType=member.invited`);
    expect(filtered.items).toHaveLength(2);
  });
});
