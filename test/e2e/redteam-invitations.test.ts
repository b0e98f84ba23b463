/**
 * Red team, issue 17 §3, through the local gateway and the real emulators:
 * what a refused platform call leaves in Cognito, how often one tenant can
 * mail one address, what names may carry into mail, and what direct creation
 * tells its caller about logins elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD, unique } from './client.ts';
import { identityKit } from './identity-kit.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let kit: ReturnType<typeof identityKit>;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  kit = identityKit(api);
});
afterAll(async () => {
  await gw?.close();
});

describe('a refused platform call writes nothing, in Cognito either', () => {
  it('creating a tenant with a taken id is 409 and leaves no login behind for the owner address', async () => {
    const id = `taken-${unique()}`;
    const first = await api.call('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: { id, name: 'First Co', plan: 'growth', owner: { email: `first-${unique()}@e2e.test`, name: 'First' } },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const victim = `victim-${unique()}@e2e.test`;
    const again = await api.call('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: { id, name: 'Second Co', plan: 'growth', owner: { email: victim, name: 'Victim' } },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.code).toBe('conflict');

    // The address has no login: invited elsewhere, the person joins by link with a password of their own.
    const t = await api.tenantWithOwner('growth', 'orphan-check');
    await kit.invite(t, victim, { name: 'Victim' });
    const link = await api.invitationToken(victim);
    const preview = await api.call('POST', '/v1/invitations/preview', { body: { token: link } });
    expect(preview.body.hasLogin).toBe(false);
    const joined = await api.call('POST', '/v1/invitations/accept', {
      body: { token: link, name: 'Victim', password: PASSWORD },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toMatchObject({ status: 'active', linked: false });
    await kit.signIn(victim, PASSWORD);
    expect(await sesMessages(undefined, victim)).toHaveLength(1);
  });
});
