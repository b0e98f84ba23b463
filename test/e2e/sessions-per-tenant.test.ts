/**
 * DESIGN §2a rule 11 over HTTP, through the local gateway and real
 * cognito-local: a tenant ends only its own sessions. Tenant A's admin
 * deactivating, suspending or deleting a person who also belongs to tenant V
 * ends that person's access to A — on the very next request, and for good
 * for every session from before (a refreshed token included) — and never
 * their session in V. Login-wide events (password, email, sign-out
 * everywhere) are identity-sessions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD } from './client.ts';
import { identityKit, pastIssueSecond, type Tenant, type Tokens } from './identity-kit.ts';

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

/** A person who owns the victim tenant V and is an accepted member of tenant A; signed in once. */
async function personInTwoTenants(label: string) {
  const v = await api.tenantWithOwner('growth', `${label}-v`);
  const a = await api.tenantWithOwner('growth', `${label}-a`);
  const inA = await kit.linkInto(a, v.ownerEmail);
  const session = await kit.signIn(v.ownerEmail, PASSWORD);
  await pastIssueSecond(session.accessToken);
  return { v, a, inA, session };
}

async function status(tenant: { tenantId: string }, token: string) {
  const res = await api.call('GET', `/v1/tenants/${tenant.tenantId}/me`, { token });
  return { status: res.status, code: res.body?.code as string | undefined };
}

/** The session still works in V (tenant and login-wide routes) and its refresh is not refused. */
async function expectAliveInV(v: Tenant, session: Tokens): Promise<string> {
  expect(await status(v, session.accessToken), "V's session after A's action").toEqual({
    status: 200,
    code: undefined,
  });
  expect((await api.call('GET', '/v1/me', { token: session.accessToken })).status).toBe(200);
  const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
  expect(refreshed.status, `refresh refused login-wide: ${JSON.stringify(refreshed.body)}`).toBe(200);
  const token = refreshed.body.accessToken as string;
  expect(await status(v, token), 'the refreshed token in V').toEqual({ status: 200, code: undefined });
  return token;
}

describe('rule 11: a tenant ends only its own sessions', () => {
  it("A's deactivate + reactivate ends the person's old sessions in A only; V's session lives on", async () => {
    const { v, a, inA, session } = await personInTwoTenants('deact');
    expect(await status(a, session.accessToken)).toEqual({ status: 200, code: undefined });
    const trailOfV = (await kit.audit(v)).map((e) => e.id);

    const off = await api.call('POST', `${kit.users(a)}/${inA}/deactivate`, { token: a.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const on = await api.call('POST', `${kit.users(a)}/${inA}/reactivate`, { token: a.ownerToken });
    expect(on.status, JSON.stringify(on.body)).toBe(200);

    // A: the session from before is over there, even though the membership is active again.
    expect(await status(a, session.accessToken)).toEqual({ status: 401, code: 'session-revoked' });
    // V: untouched — and nothing about A's action is on V's record.
    const refreshed = await expectAliveInV(v, session);
    // A refresh continues the same session: it does not bring A back.
    expect(await status(a, refreshed)).toEqual({ status: 401, code: 'session-revoked' });
    expect(
      (await kit.audit(v)).map((e) => e.id),
      "A's action is not on V's record",
    ).toEqual(trailOfV);

    // A fresh sign-in is a new session: A again.
    const back = await kit.signIn(v.ownerEmail, PASSWORD);
    expect(await status(a, back.accessToken)).toEqual({ status: 200, code: undefined });
    expect(await status(v, back.accessToken)).toEqual({ status: 200, code: undefined });
  });

  it("A's suspend + reactivate ends the person's old sessions in A only", async () => {
    const { v, a, inA, session } = await personInTwoTenants('susp');
    const off = await api.call('POST', `${kit.users(a)}/${inA}/suspend`, { token: a.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const on = await api.call('POST', `${kit.users(a)}/${inA}/reactivate`, { token: a.ownerToken });
    expect(on.status, JSON.stringify(on.body)).toBe(200);

    expect(await status(a, session.accessToken)).toEqual({ status: 401, code: 'session-revoked' });
    const refreshed = await expectAliveInV(v, session);
    expect(await status(a, refreshed)).toEqual({ status: 401, code: 'session-revoked' });
  });

  it("A's deletion ends the person's access to A only; re-joining A needs a new session there", async () => {
    const { v, a, inA, session } = await personInTwoTenants('del');
    const removed = await api.call('DELETE', `${kit.users(a)}/${inA}`, { token: a.ownerToken });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);

    expect((await status(a, session.accessToken)).status).toBe(404);
    await expectAliveInV(v, session);
  });

  it('a deactivation in A while the person works in V: their next request in V succeeds, in A it is refused', async () => {
    const { v, a, inA, session } = await personInTwoTenants('live');
    const off = await api.call('POST', `${kit.users(a)}/${inA}/deactivate`, { token: a.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(await status(a, session.accessToken)).toEqual({ status: 403, code: 'forbidden' });
    expect(await status(v, session.accessToken)).toEqual({ status: 200, code: undefined });
  });
});
