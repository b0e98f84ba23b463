/** The identity rules as pure functions: dominance, managed logins, sessions, proof, resends, names. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../lib/domain/errors.ts';
import {
  acceptanceNeeds,
  addressSendWait,
  assertDominates,
  assertManaged,
  containsLink,
  expiredRefusals,
  freshAfter,
  type IdentityState,
  isAccepted,
  type MemberAction,
  membershipSessionStale,
  nextAddressSends,
  type Principal,
  passwordPolicyProblems,
  resendWait,
  sessionStale,
  tenantManages,
  tokensToRefuse,
  unknownIdentity,
  untilNextDay,
} from '../../lib/domain/identity.ts';
import { STATUSES } from '../../lib/domain/lifecycle.ts';
import { ALL_PERMISSIONS, BUILT_IN_ROLE_PERMISSIONS, type Permission } from '../../lib/domain/permissions.ts';

const ACTIONS: MemberAction[] = ['edit', 'email', 'password', 'status', 'resend', 'delete'];

const principal = (id: string, role: Principal['role'], permissions?: readonly Permission[], isOwner = false) => ({
  id,
  role,
  permissions: permissions ?? (role === 'custom' ? [] : BUILT_IN_ROLE_PERMISSIONS[role]),
  isOwner,
});

const code = (f: () => void) => {
  try {
    f();
    return 'allowed';
  } catch (error) {
    return (error as DomainError).code;
  }
};

const identity = (over: Partial<IdentityState> = {}): IdentityState => ({
  ...unknownIdentity('sub-1'),
  version: 1,
  membershipCount: 1,
  ...over,
});

describe('dominance (rule 1)', () => {
  it('an admin acts on everyone but the owner’s email and password', () => {
    const admin = principal('a', 'admin');
    const owner = principal('o', 'admin', undefined, true);
    for (const action of ACTIONS) {
      for (const target of [principal('m', 'manager'), principal('g', 'agent'), principal('b', 'admin')]) {
        expect(code(() => assertDominates(admin, target, action))).toBe('allowed');
      }
      const expected = action === 'email' || action === 'password' ? 'forbidden' : 'allowed';
      expect(
        code(() => assertDominates(admin, owner, action)),
        action,
      ).toBe(expected);
    }
  });

  it('only admins act on admins, even a custom role holding every permission', () => {
    const everything = principal('c', 'custom', ALL_PERMISSIONS);
    for (const action of ACTIONS)
      expect(code(() => assertDominates(everything, principal('b', 'admin'), action))).toBe('forbidden');
  });

  it('a built-in manager acts on an agent only if it holds every agent permission (computed, not assumed)', () => {
    const manager = principal('m', 'manager');
    const agent = principal('g', 'agent');
    const missing = agent.permissions.filter((p) => !manager.permissions.includes(p));
    expect(code(() => assertDominates(manager, agent, 'edit'))).toBe(missing.length ? 'forbidden' : 'allowed');
  });

  it('property: allowed exactly when the actor holds every permission of a non-admin, non-owner target', () => {
    const perms = fc.subarray([...ALL_PERMISSIONS]);
    fc.assert(
      fc.property(perms, perms, fc.constantFrom(...ACTIONS), (mine, theirs, action) => {
        const verdict = code(() =>
          assertDominates(principal('a', 'custom', mine), principal('t', 'custom', theirs), action),
        );
        const holdsAll = theirs.every((p) => mine.includes(p));
        expect(verdict).toBe(holdsAll ? 'allowed' : 'forbidden');
      }),
    );
  });

  it('acting on oneself is not judged here', () => {
    const self = principal('s', 'custom', []);
    for (const action of ACTIONS)
      expect(code(() => assertDominates(self, { ...self, isOwner: true }, action))).toBe('allowed');
  });
});

describe('managed logins (rule 2)', () => {
  it('a tenant manages a login it created that joined nowhere else; invitations elsewhere do not count', () => {
    expect(tenantManages(identity({ managedBy: 'a', acceptedTenants: [] }), 'a')).toBe(true);
    expect(tenantManages(identity({ managedBy: 'a', acceptedTenants: ['a'] }), 'a')).toBe(true);
    expect(tenantManages(identity({ managedBy: 'a', acceptedTenants: ['a', 'b'] }), 'a')).toBe(false);
    expect(tenantManages(identity({ managedBy: 'b', acceptedTenants: ['a'] }), 'a')).toBe(false);
    expect(tenantManages(identity({ managedBy: null, acceptedTenants: ['a'] }), 'a')).toBe(false);
    expect(tenantManages(unknownIdentity('x'), 'a')).toBe(false);
    expect(code(() => assertManaged(identity({ managedBy: 'b' }), 'a', 'password'))).toBe('identity-shared');
  });

  it('accepted = active, suspended, deactivated; never invited or expired', () => {
    expect(STATUSES.filter(isAccepted)).toEqual(['active', 'suspended', 'deactivated']);
    expect(isAccepted(undefined)).toBe(false);
  });
});

describe('sessions (rule 4)', () => {
  it('a token authenticated before the stamp is stale; at or after it, not', () => {
    const stamped = { tokensValidAfter: 1_700_000_000_500 };
    expect(sessionStale(stamped, { authTime: 1_700_000_000 })).toBe(true);
    expect(sessionStale(stamped, { authTime: 1_700_000_001 })).toBe(false);
    expect(sessionStale(stamped, { issuedAt: 1_699_999_999 })).toBe(true);
    expect(sessionStale(stamped, {})).toBe(true);
    expect(sessionStale({ tokensValidAfter: 0 }, {})).toBe(false);
  });

  it('property: auth_time wins over iat, and staleness is monotone in the stamp', () => {
    fc.assert(
      fc.property(fc.nat(2e9), fc.nat(2e9), fc.nat(2e12), (authTime, issuedAt, stamp) => {
        const stale = sessionStale({ tokensValidAfter: stamp }, { authTime, issuedAt });
        expect(stale).toBe(stamp > 0 && authTime * 1000 < stamp);
        if (stale) expect(sessionStale({ tokensValidAfter: stamp + 1000 }, { authTime, issuedAt })).toBe(true);
      }),
    );
  });
});

describe('sessions per tenant (rule 11)', () => {
  const stamp = 1_700_000_000_500;

  it("a tenant's stamp refuses that tenant's sessions from before it, by auth_time (else iat); none without a stamp", () => {
    expect(membershipSessionStale({ sessionsValidAfter: stamp }, { authTime: 1_700_000_000 })).toBe(true);
    expect(membershipSessionStale({ sessionsValidAfter: stamp }, { authTime: 1_700_000_001 })).toBe(false);
    // A refresh in AWS keeps auth_time: the refreshed token is as stale as the session.
    expect(
      membershipSessionStale({ sessionsValidAfter: stamp }, { authTime: 1_699_999_000, issuedAt: 1_700_000_100 }),
    ).toBe(true);
    expect(membershipSessionStale({}, { authTime: 1 })).toBe(false);
  });

  it('a refused token id is refused whatever its times; other ids are not', () => {
    const member = { sessionsValidAfter: stamp, refusedTokens: new Set(['1700003600:jti-1']) };
    expect(membershipSessionStale(member, { authTime: 1_700_000_100, tokenId: 'jti-1' })).toBe(true);
    expect(membershipSessionStale(member, { authTime: 1_700_000_100, tokenId: 'jti-2' })).toBe(false);
    expect(membershipSessionStale(member, { authTime: 1_700_000_100 })).toBe(false);
  });

  it('a refresh that restarted auth_time is refused by id only in the tenants that ended the session', () => {
    const start = { authTime: 1_699_999_000 };
    const issued = [{ authTime: 1_700_000_100, tokenId: 'a', expiresAt: 1_700_003_700 }];
    expect(tokensToRefuse({ sessionsValidAfter: stamp }, start, issued)).toEqual(['1700003700:a']);
    // A tenant that never ended it, or ended it before the session began, records nothing.
    expect(tokensToRefuse({}, start, issued)).toEqual([]);
    expect(tokensToRefuse({ sessionsValidAfter: 1_600_000_000_000 }, start, issued)).toEqual([]);
    // Where auth_time was kept (AWS), the stamp already refuses the new token: nothing to record.
    expect(tokensToRefuse({ sessionsValidAfter: stamp }, start, [{ ...start, tokenId: 'b' }])).toEqual([]);
  });

  it('property: after recording, every issued token is stale in that tenant, and only there', () => {
    fc.assert(
      fc.property(fc.nat(2e9), fc.nat(2e9), fc.nat(2e12), (start, refreshedAt, stampMs) => {
        const member = { sessionsValidAfter: stampMs };
        const issued = [{ authTime: refreshedAt, tokenId: 't', expiresAt: refreshedAt + 3600 }];
        const entries = tokensToRefuse(member, { authTime: start }, issued);
        const after = { ...member, refusedTokens: new Set(entries) };
        const ended = stampMs > 0 && start * 1000 < stampMs;
        expect(membershipSessionStale(after, issued[0] as (typeof issued)[0])).toBe(
          ended || membershipSessionStale(member, issued[0] as (typeof issued)[0]),
        );
        expect(membershipSessionStale({}, issued[0] as (typeof issued)[0])).toBe(false);
      }),
    );
  });

  it('expired refusals are the ones whose token expired; a sign-in waits out the latest stamp of either kind', () => {
    expect(expiredRefusals(new Set(['100:a', '300:b']), 200_000)).toEqual(['100:a']);
    expect(expiredRefusals(undefined, 1)).toEqual([]);
    expect(freshAfter({ tokensValidAfter: 5, tenantStampedAt: 9 })).toBe(9);
    expect(freshAfter({ tokensValidAfter: 9, tenantStampedAt: 0 })).toBe(9);
  });
});

describe('proof before linking (rule 3)', () => {
  it('a login with a password needs its own password or token', () => {
    const withPassword = identity({ hasPassword: true });
    expect(acceptanceNeeds(withPassword, 'password')).toBe('link');
    expect(acceptanceNeeds(withPassword, 'token-of-identity')).toBe('link');
    expect(code(() => acceptanceNeeds(withPassword, 'none'))).toBe('login-required');
    expect(code(() => acceptanceNeeds(withPassword, 'token-of-other'))).toBe('login-required');
  });

  it('a login nobody has a password for is set up through the link, never with someone else’s token', () => {
    const fresh = identity({ hasPassword: false });
    expect(acceptanceNeeds(fresh, 'none')).toBe('new-login');
    expect(code(() => acceptanceNeeds(fresh, 'token-of-other'))).toBe('login-required');
  });
});

describe('resends (rule 5)', () => {
  const sentAt = '2026-01-01T00:00:00.000Z';
  const at = (seconds: number) => new Date(Date.parse(sentAt) + seconds * 1000);

  it('the first resend goes at once; later ones wait 60 s, 120 s, … up to 64 × the interval', () => {
    expect(resendWait(undefined, at(0), 60)).toBe(0);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 1 }, at(0), 60)).toBe(0);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 2 }, at(0), 60)).toBe(60);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 2 }, at(59.5), 60)).toBe(1);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 2 }, at(60), 60)).toBe(0);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 3 }, at(0), 60)).toBe(120);
    expect(resendWait({ lastSentAt: sentAt, sendCount: 50 }, at(0), 60)).toBe(60 * 64);
  });
});

describe('sends to one address from one tenant (issue 17)', () => {
  const t0 = new Date('2026-12-07T10:00:00.000Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  const DAY = 86_400;

  it('the first two sends go at once, then the spacing grows; a lapsed window starts again', () => {
    let record = nextAddressSends(undefined, t0, DAY);
    expect(record).toEqual({ sendCount: 1, lastSentAt: t0.toISOString() });
    expect(addressSendWait(record, t0, 60, DAY)).toBe(0);
    record = nextAddressSends(record, t0, DAY);
    expect(addressSendWait(record, t0, 60, DAY)).toBe(60);
    record = nextAddressSends(record, at(60), DAY);
    expect(addressSendWait(record, at(60), 60, DAY)).toBe(120);
    expect(addressSendWait(record, at(60 + DAY), 60, DAY)).toBe(0);
    expect(nextAddressSends(record, at(60 + DAY), DAY).sendCount).toBe(1);
  });

  it('property: however sends are timed, no more than 2 + log-spaced ones fit in an hour', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(120), { maxLength: 60 }), (gaps) => {
        let record: ReturnType<typeof nextAddressSends> | undefined;
        let clock = 0;
        let sent = 0;
        for (const gap of gaps) {
          clock += gap;
          if (clock > 3600) break;
          if (addressSendWait(record, at(clock), 60, DAY) > 0) continue;
          record = nextAddressSends(record, at(clock), DAY);
          sent++;
        }
        // 0, 0, +60, +120, +240, +480, +960, +1920: at most 7 within the first hour.
        expect(sent).toBeLessThanOrEqual(7);
      }),
    );
  });

  it('the daily budget resets at the next UTC midnight', () => {
    expect(untilNextDay(new Date('2026-12-07T23:59:30.000Z'))).toBe(30);
    expect(untilNextDay(new Date('2026-12-07T00:00:00.000Z'))).toBe(DAY);
  });
});

describe('names in mail carry no link (rule 5)', () => {
  it.each([
    'Claim your prize at https://evil.example/win',
    'www.evil.example',
    'evil-bank.com',
    'Support (acme.io)',
    'javascript://x',
    // Issue 17: internationalised TLDs, full-width and ideographic dots, invisible characters, addresses.
    'Verify at paypal-support.рф',
    'paypal．com',
    'evil.みんな',
    'evil。com',
    'evil｡com',
    'evil﹒com',
    'login at bank\u200b.com',
    'bank\u00ad.com',
    'ＰＡＹＰＡＬ．ＣＯＭ',
    'xn--80ak6aa92e.com',
    'mail help@evil.example',
    'secure-login.online',
    'acme.bank/verify',
    '例え.コム',
    'http://127.0.0.1/x',
  ])('refuses %s', (name) => expect(containsLink(name)).toBe(true));

  it.each([
    'Ada Lovelace',
    'St. John',
    'J.R.R. Tolkien',
    'Acme Co.',
    'O’Brien & Sons',
    'Zoë',
    'Müller GmbH',
    'São Paulo Ltda.',
    '株式会社テスト',
    'Dr. Who',
    'Ann-Marie No. 5',
    'Node.js Guild',
  ])('accepts %s', (name) => expect(containsLink(name)).toBe(false));
});

describe('password policy', () => {
  it('names each unmet rule', () => {
    expect(passwordPolicyProblems('Correct-horse-42')).toEqual([]);
    expect(passwordPolicyProblems('short')).toEqual([
      'Must be at least 12 characters',
      'Must contain an upper-case letter',
      'Must contain a digit',
    ]);
  });
});
