/**
 * DESIGN §2a rules 5 and 10 over HTTP: invitations follow the address (an
 * email change moves the link, sends are rate-limited, names that go into
 * mail refuse URLs) and the platform can always recover a tenant whose owner
 * never accepted.
 */
import { describe, expect, it } from 'vitest';
import { expireInvitation } from '../../lib/app/expiry.ts';
import { getMember } from '../../lib/store/members.ts';
import { sesMessages } from '../support/http.ts';
import { PASSWORD, type Res, unique } from './client.ts';
import { identitySuite } from './identity-kit.ts';

const { api, kit } = identitySuite();

const preview = (token: string) => api.call('POST', '/v1/invitations/preview', { body: { token } });

/** Names an attacker would put into someone else's inbox. */
const URL_NAMES = [
  'Claim your prize at https://evil.example/win',
  'Visit www.evil.example today',
  'Log in at evil-bank.com',
];

function expectNameRefused(res: Res): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.code).toBe('validation-failed');
}

describe('rule 5: invitations follow the address', () => {
  it("changing a pending invitee's email kills the old link and mails a working one to the new address", async () => {
    const t = await api.tenantWithOwner('growth', 'follow');
    const oldEmail = `typo-${unique()}@e2e.test`;
    const newEmail = `right-${unique()}@e2e.test`;
    const invited = await kit.invite(t, oldEmail, { name: 'Invitee' });
    const oldLink = await api.invitationToken(oldEmail);
    const oldMails = (await sesMessages(undefined, oldEmail)).length;

    const patched = await api.call('PATCH', `${kit.users(t)}/${invited.id}`, {
      token: t.ownerToken,
      body: { email: newEmail },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ email: newEmail, status: 'invited' });

    // Whoever holds the old mail holds nothing any more.
    expect((await preview(oldLink)).status).toBe(410);
    const stolen = await kit.accept({ token: oldLink, name: 'Old Mailbox', password: 'OldMailbox1Pass!' });
    expect(stolen.status, JSON.stringify(stolen.body)).toBe(410);
    expect(stolen.body.code).toBe('invitation-invalid');
    expect(await sesMessages(undefined, oldEmail)).toHaveLength(oldMails);

    const newLink = await api.invitationToken(newEmail);
    expect(newLink).not.toBe(oldLink);
    const shown = await preview(newLink);
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(shown.body).toMatchObject({ email: newEmail, hasLogin: false });
    const accepted = await kit.accept({ token: newLink, name: 'Invitee', password: PASSWORD });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ email: newEmail, status: 'active' });
    await kit.signIn(newEmail, PASSWORD);
    await kit.expectNoSignIn(oldEmail, 'OldMailbox1Pass!');
    const updated = await kit.auditOf(t, 'member.updated', invited.id);
    expect(updated[0]).toMatchObject({ before: { email: oldEmail }, after: { email: newEmail } });
  });

  it('resends are rate-limited per invitation: 429 with Retry-After, and a refused resend mails and writes nothing', async () => {
    const t = await api.tenantWithOwner('growth', 'resend-limit');
    const email = `spammed-${unique()}@e2e.test`;
    const invited = await kit.invite(t, email);
    const on = `${kit.users(t)}/${invited.id}/resend-invitation`;

    let limited: Res | undefined;
    for (let attempt = 0; attempt < 12 && !limited; attempt++) {
      const res = await api.call('POST', on, { token: t.ownerToken });
      if (res.status === 429) limited = res;
      else expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect(limited, 'twelve resends in a row were all sent').toBeDefined();
    expect(limited?.body.code).toBe('too-many-requests');
    const retryAfter = limited?.headers.get('retry-after') ?? '';
    const wait = /^\d+$/.test(retryAfter) ? Number(retryAfter) : (Date.parse(retryAfter) - Date.now()) / 1000;
    expect(wait, `Retry-After: ${retryAfter}`).toBeGreaterThan(0);

    const untouched = await kit.watch(t, [invited.id]);
    const mails = (await sesMessages(undefined, email)).length;
    const again = await api.call('POST', on, { token: t.ownerToken });
    expect(again.status).toBe(429);
    await untouched();
    expect(await sesMessages(undefined, email)).toHaveLength(mails);
    // The last link that was sent still works, and other invitations are not held up.
    expect((await preview(await api.invitationToken(email))).status).toBe(200);
    const other = await kit.invite(t, `other-${unique()}@e2e.test`);
    const resent = await api.call('POST', `${kit.users(t)}/${other.id}/resend-invitation`, { token: t.ownerToken });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
  });

  it('tenant names with a URL or a domain are refused wherever a tenant is named', async () => {
    for (const name of URL_NAMES) {
      const ownerEmail = `url-owner-${unique()}@e2e.test`;
      const created = await api.call('POST', '/v1/platform/tenants', {
        headers: api.platform,
        body: { name, plan: 'starter', owner: { email: ownerEmail, name: 'Owner' } },
      });
      expectNameRefused(created);
      expect(await sesMessages(undefined, ownerEmail)).toEqual([]);
    }
    const t = await api.tenantWithOwner('growth', 'url-tenant');
    const untouched = await kit.watch(t, []);
    for (const name of URL_NAMES) {
      expectNameRefused(await api.call('PATCH', `/v1/tenants/${t.tenantId}`, { token: t.ownerToken, body: { name } }));
      expectNameRefused(
        await api.call('PATCH', `/v1/platform/tenants/${t.tenantId}`, { headers: api.platform, body: { name } }),
      );
    }
    await untouched();
    expect((await api.call('GET', `/v1/tenants/${t.tenantId}`, { token: t.ownerToken })).body.name).toBe(
      'url-tenant Co',
    );
  });

  it('person names with a URL or a domain are refused: invitee, new user, edit, accept, owner', async () => {
    const t = await api.tenantWithOwner('growth', 'url-person');
    const agent = await kit.join(t, 'agent');
    const pendingEmail = `pending-${unique()}@e2e.test`;
    const pending = await kit.invite(t, pendingEmail);
    const link = await api.invitationToken(pendingEmail);
    const untouched = await kit.watch(t, [agent.id, pending.id]);

    for (const name of URL_NAMES) {
      const email = `named-${unique()}@e2e.test`;
      expectNameRefused(
        await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
          token: t.ownerToken,
          body: { email, role: 'agent', name },
        }),
      );
      expectNameRefused(
        await api.call('POST', kit.users(t), {
          token: t.ownerToken,
          body: { email, role: 'agent', name, password: 'Initial1Password!' },
        }),
      );
      expect(await sesMessages(undefined, email)).toEqual([]);
      expectNameRefused(
        await api.call('PATCH', `${kit.users(t)}/${agent.id}`, { token: t.ownerToken, body: { name } }),
      );
      expectNameRefused(await kit.accept({ token: link, name, password: PASSWORD }));
      const ownerEmail = `url-owner-${unique()}@e2e.test`;
      expectNameRefused(
        await api.call('POST', '/v1/platform/tenants', {
          headers: api.platform,
          body: { name: 'Honest Co', plan: 'starter', owner: { email: ownerEmail, name } },
        }),
      );
    }
    await untouched();
    expect((await preview(link)).status).toBe(200);
  });
});

describe('rule 10: the platform can always recover a tenant', () => {
  const ownerInvitation = (tenantId: string, body: unknown) =>
    api.call('POST', `/v1/platform/tenants/${tenantId}/owner-invitation`, { headers: api.platform, body });

  it('re-sends the invitation of an owner who never accepted in time: the old link dies, the new one works, then 409', async () => {
    const p = await kit.pendingTenant('starter', 'recover');
    const oldLink = await api.invitationToken(p.ownerEmail);
    // The owner never accepted: the invitation lapses (what the expiry job does once it is due).
    const record = await getMember(p.tenantId, p.ownerId);
    if (!record?.invitation) throw new Error('the owner has no pending invitation');
    const lapsed = new Date(Date.parse(record.invitation.expiresAt) + 1_000);
    expect(await expireInvitation(record, lapsed)).toBe(true);
    expect((await preview(oldLink)).status).toBe(410);

    const resent = await ownerInvitation(p.tenantId, {});
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ id: p.ownerId, email: p.ownerEmail, status: 'invited' });
    const newLink = await api.invitationToken(p.ownerEmail);
    expect(newLink).not.toBe(oldLink);
    expect((await preview(oldLink)).status).toBe(410);
    const token = await api.acceptAndLogin(p.ownerEmail, 'Late Owner', PASSWORD);
    const me = await api.call('GET', '/v1/me', { token });
    expect(me.body.memberships).toEqual([
      expect.objectContaining({ tenant: expect.objectContaining({ id: p.tenantId }), owner: true }),
    ]);

    // Once the owner is in, the platform can no longer hand the tenant to anyone.
    for (const body of [{}, { email: `usurper-${unique()}@e2e.test`, name: 'Usurper' }]) {
      const refused = await ownerInvitation(p.tenantId, body);
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.code).toBe('conflict');
    }
    const tenant = await api.call('GET', `/v1/platform/tenants/${p.tenantId}`, { headers: api.platform });
    expect(tenant.body.ownerId).toBe(p.ownerId);
    await kit.signIn(p.ownerEmail, PASSWORD);
  });

  it('gives the ownership invitation to a new address while nobody accepted', async () => {
    const p = await kit.pendingTenant('starter', 'reowner');
    const oldLink = await api.invitationToken(p.ownerEmail);
    const newEmail = `real-owner-${unique()}@e2e.test`;

    const moved = await ownerInvitation(p.tenantId, { email: newEmail, name: 'Real Owner' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ email: newEmail, status: 'invited', role: 'admin' });
    expect((await preview(oldLink)).status).toBe(410);
    const stolen = await kit.accept({ token: oldLink, name: 'Old Address', password: PASSWORD });
    expect(stolen.status).toBe(410);

    const token = await api.acceptAndLogin(newEmail, 'Real Owner', PASSWORD);
    const me = await api.call('GET', '/v1/me', { token });
    expect(me.body.memberships).toEqual([
      expect.objectContaining({ tenant: expect.objectContaining({ id: p.tenantId }), owner: true }),
    ]);
    const tenant = await api.call('GET', `/v1/platform/tenants/${p.tenantId}`, { headers: api.platform });
    expect(tenant.body.ownerId).toBe(moved.body.id);
    await kit.expectNoSignIn(p.ownerEmail, PASSWORD);

    const late = await ownerInvitation(p.tenantId, {});
    expect(late.status).toBe(409);
    const anonymous = await api.call('POST', `/v1/platform/tenants/${p.tenantId}/owner-invitation`, { body: {} });
    expect([401, 403]).toContain(anonymous.status);
  });
});
