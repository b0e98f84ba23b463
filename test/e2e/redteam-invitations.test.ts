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

describe('names that go into mail carry no link, however it is spelled (rule 5)', () => {
  const bypasses = [
    'Verify at paypal-support.рф',
    'paypal．com',
    'Win at prizes.みんな',
    'bank。com',
    'bank\u200b.com',
  ];

  it.each(bypasses)('a tenant named %s is refused (400) and nothing is made', async (name) => {
    const owner = `named-${unique()}@e2e.test`;
    const res = await api.call('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: { name, plan: 'growth', owner: { email: owner, name: 'Owner' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
    expect(await sesMessages(undefined, owner)).toEqual([]);
  });

  it.each(bypasses)('an invitee named %s is refused (400) and nothing is sent', async (name) => {
    const t = await api.tenantWithOwner('growth', 'named-invitee');
    const email = `invitee-${unique()}@e2e.test`;
    const res = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, role: 'agent', name },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(await sesMessages(undefined, email)).toEqual([]);
  });

  it("an inviter without a name: the mail names nobody — never the inviter's address", async () => {
    const t = await api.tenantWithOwner('growth', 'nameless');
    const other = await api.tenantWithOwner('growth', 'nameless-home');
    // An existing login joins without giving a name: the membership's name stays empty.
    await kit.invite(t, other.ownerEmail, { role: 'admin' });
    const joined = await api.call('POST', '/v1/invitations/accept', {
      body: { token: await api.invitationToken(other.ownerEmail), password: PASSWORD },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    const victim = `nameless-victim-${unique()}@e2e.test`;
    const sent = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: other.ownerToken,
      body: { email: victim, role: 'agent' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const [mail] = await sesMessages(undefined, victim);
    expect(mail?.subject).toBe(`You are invited to nameless Co`);
    for (const part of [mail?.subject, mail?.body.text, mail?.body.html]) {
      expect(part).not.toContain(other.ownerEmail);
      expect(part).not.toContain('@');
    }
    const preview = await api.call('POST', '/v1/invitations/preview', {
      body: { token: await api.invitationToken(victim) },
    });
    expect(preview.body.inviterName).toBeNull();
  });
});

describe('one tenant cannot mail-bomb an address (issue 17)', () => {
  it('invite → delete → invite in a loop: the third mail waits (429, Retry-After), and the refusal writes and sends nothing', async () => {
    const t = await api.tenantWithOwner('growth', 'bomb');
    const target = `bombed-${unique()}@e2e.test`;
    const users = `/v1/tenants/${t.tenantId}/users`;
    let refused: Awaited<ReturnType<typeof api.call>> | undefined;
    for (let round = 0; round < 6 && !refused; round++) {
      const res = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
        token: t.ownerToken,
        body: { email: target, role: 'agent' },
      });
      if (res.status === 429) refused = res;
      else {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect((await api.call('DELETE', `${users}/${res.body.id}`, { token: t.ownerToken })).status).toBe(204);
      }
    }
    expect(refused?.body.code).toBe('too-many-requests');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Two mails (the first, and a corrected resend's worth), not one per loop.
    expect(await sesMessages(undefined, target)).toHaveLength(2);
    const listed = await api.call('GET', `${users}?q=bombed-`, { token: t.ownerToken });
    expect(listed.body.items).toEqual([]);
    const trail = await kit.audit(t);
    const aboutTarget = trail.filter((e) => (e.after as { email?: string } | null)?.email === target);
    expect(aboutTarget.filter((e) => e.action === 'member.invited')).toHaveLength(2);

    // Direct creation is the same door: no welcome mail, no member.
    const created = await api.call('POST', users, {
      token: t.ownerToken,
      body: { email: target, role: 'agent', name: 'Bombed', password: PASSWORD },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(429);
    expect(await sesMessages(undefined, target)).toHaveLength(2);

    // Another tenant is not limited by this one's sends.
    const other = await api.tenantWithOwner('growth', 'bomb-other');
    await kit.invite(other, target);
    expect(await sesMessages(undefined, target)).toHaveLength(3);
  });

  it('each tenant has a daily invitation budget by plan: past it, 429 until the next UTC day, and nothing is sent', async () => {
    const t = await api.tenantWithOwner('starter', 'budget');
    const users = `/v1/tenants/${t.tenantId}/users`;
    // starter: 50 a day; the owner's own invitation came from the platform, not the tenant.
    for (let i = 0; i < 50; i++) {
      const res = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
        token: t.ownerToken,
        body: { email: `budget-${i}-${unique()}@e2e.test`, role: 'agent' },
      });
      expect(res.status, `invitation ${i}: ${JSON.stringify(res.body)}`).toBe(201);
      expect((await api.call('DELETE', `${users}/${res.body.id}`, { token: t.ownerToken })).status).toBe(204);
    }
    const over = `budget-over-${unique()}@e2e.test`;
    const res = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email: over, role: 'agent' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(429);
    expect(res.body.code).toBe('too-many-requests');
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    expect(await sesMessages(undefined, over)).toEqual([]);
  });
});

describe('direct creation tells the creator whether the address already has a login (kept, bounded: docs/security.md)', () => {
  it('a probe of an address with a login elsewhere is an invitation: the person is mailed, the tenant audits it, the budget counts it', async () => {
    const t = await api.tenantWithOwner('growth', 'probe');
    const elsewhere = await api.tenantWithOwner('growth', 'probed');
    const before = (await sesMessages(undefined, elsewhere.ownerEmail)).length;
    const probe = await api.call('POST', `/v1/tenants/${t.tenantId}/users`, {
      token: t.ownerToken,
      body: { email: elsewhere.ownerEmail, role: 'agent', name: 'Probed', password: 'Probed1Password!' },
    });
    expect(probe.status, JSON.stringify(probe.body)).toBe(201);
    expect(probe.body.status).toBe('invited');
    // Not silent: the probed person gets "probe Co invited you", and the probe is on the prober's record.
    const mails = await sesMessages(undefined, elsewhere.ownerEmail);
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)?.subject).toContain('probe Co');
    expect(await kit.auditOf(t, 'member.invited', probe.body.id)).toHaveLength(1);
    // The login was not touched: the creator's password opens nothing.
    await kit.expectNoSignIn(elsewhere.ownerEmail, 'Probed1Password!');
    await kit.signIn(elsewhere.ownerEmail, PASSWORD);
    // Probing the same address again at once is spaced like any send (and every probe spends the daily budget).
    expect(
      (await api.call('DELETE', `/v1/tenants/${t.tenantId}/users/${probe.body.id}`, { token: t.ownerToken })).status,
    ).toBe(204);
    const again = await api.call('POST', `/v1/tenants/${t.tenantId}/users`, {
      token: t.ownerToken,
      body: { email: elsewhere.ownerEmail, role: 'agent', name: 'Probed', password: 'Probed1Password!' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(
      (await api.call('DELETE', `/v1/tenants/${t.tenantId}/users/${again.body.id}`, { token: t.ownerToken })).status,
    ).toBe(204);
    const third = await api.call('POST', `/v1/tenants/${t.tenantId}/users`, {
      token: t.ownerToken,
      body: { email: elsewhere.ownerEmail, role: 'agent', name: 'Probed', password: 'Probed1Password!' },
    });
    expect(third.status, JSON.stringify(third.body)).toBe(429);
  });
});
