/**
 * Red team (DESIGN §1 "access that stays right over time", §2a rule 5, §7
 * "never a 500 for bad input"): rules the product states and a side door
 * around them, written as the caller's steps over HTTP against the real emulators.
 */
import { describe, expect, it, vi } from 'vitest';
import { sesMessages } from '../support/http.ts';
import { type Res, unique } from './client.ts';
import { identitySuite } from './identity-kit.ts';

const { api, kit } = identitySuite();

describe('someone with a time-limited grant and roles:edit', () => {
  it('cannot keep the permission past its end by writing it into their own custom role', async () => {
    const t = await api.tenantWithOwner('growth', 'rt-launder');
    const roleId = await kit.customRole(t, ['users:view', 'roles:view', 'roles:edit']);
    const editor = await kit.join(t, 'editor', { role: 'custom', roleId });
    const expiresAt = new Date(Date.now() + 6_000).toISOString();
    const granted = await api.call('PATCH', `${kit.users(t)}/${editor.id}`, {
      token: t.ownerToken,
      body: { grants: [{ permission: 'users:delete', expiresAt }] },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);

    const laundered = await api.call('PATCH', `/v1/tenants/${t.tenantId}/roles/${roleId}`, {
      token: editor.token,
      body: { permissions: ['users:view', 'roles:view', 'roles:edit', 'users:delete'] },
    });
    // The edit ran while the grant was live (else a refusal would prove nothing).
    expect(Date.now()).toBeLessThan(Date.parse(expiresAt));
    await vi.waitUntil(() => Date.now() > Date.parse(expiresAt), { timeout: 15_000, interval: 50 });

    const me = await api.call('GET', `/v1/tenants/${t.tenantId}/me`, { token: editor.token });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.grants).toEqual([]);
    expect(
      me.body.permissions,
      `the role edit (${laundered.status}) made a grant that ended into a permanent permission`,
    ).not.toContain('users:delete');
  });
});

describe('someone with users:edit (rule 5: sends are rate-limited per invitation)', () => {
  it("cannot send one invitation over and over by changing the invitee's email", async () => {
    const t = await api.tenantWithOwner('growth', 'rt-email-spam');
    const invited = await kit.invite(t, `first-${unique()}@e2e.test`);
    const run = unique();

    let limited: Res | undefined;
    let sent = 0;
    for (let attempt = 0; attempt < 12 && !limited; attempt++) {
      const to = `spam-${run}-${attempt}@e2e.test`;
      const res = await api.call('PATCH', `${kit.users(t)}/${invited.id}`, {
        token: t.ownerToken,
        body: { email: to },
      });
      if (res.status === 429) limited = res;
      else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        sent += (await sesMessages(undefined, to)).length;
      }
    }
    expect(limited, `${sent} invitation mails went out from one invitation, one per email change`).toBeDefined();
    expect(limited?.body.code).toBe('too-many-requests');
  });
});

describe('a signed-in person presenting their id token (the gateway accepts id and access tokens)', () => {
  it('gets a 4xx problem from change-password, never a 500, and their password is unchanged', async () => {
    const t = await api.tenantWithOwner('growth', 'rt-id-token');
    const person = await kit.join(t, 'holder');
    const tokens = await kit.signIn(person.email, person.password);

    const res = await api.call('POST', '/v1/auth/change-password', {
      token: tokens.idToken,
      body: { currentPassword: person.password, newPassword: 'N3w!PasswordChosen' },
    });
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    await kit.signIn(person.email, person.password);
  });
});
