/**
 * Red team (DESIGN §2a rules 7 and 9): what one tenant learns about a person's
 * use of another tenant, over HTTP against the real emulators.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD } from './client.ts';
import { identitySuite, pastIssueSecond } from './identity-kit.ts';

const { api, kit } = identitySuite();

describe('a tenant the person left (deactivated)', () => {
  it('does not see the sign-ins the person makes to work in their other tenant', async () => {
    const former = await api.tenantWithOwner('growth', 'rt-left-former');
    const current = await api.tenantWithOwner('growth', 'rt-left-current');
    const person = await kit.join(former, 'leaver');
    const inCurrent = await kit.linkInto(current, person.email);
    const deactivated = await api.call('POST', `${kit.users(former)}/${person.id}/deactivate`, {
      token: former.ownerToken,
    });
    expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
    const seenBefore = (await kit.read(former, person.id)).body.lastLoginAt;
    const before = (await kit.read(current, inCurrent)).body.lastLoginAt;

    // Weeks later the person signs in to work in their current tenant.
    const session = await kit.signIn(person.email, PASSWORD);
    await pastIssueSecond(session.accessToken);
    const after = (await kit.read(current, inCurrent)).body.lastLoginAt;
    expect(after > (before ?? ''), 'the sign-in is on record where the person works').toBe(true);

    expect(
      (await kit.read(former, person.id)).body.lastLoginAt,
      'the tenant the person left watched them sign in elsewhere',
    ).toBe(seenBefore);
  });
});
