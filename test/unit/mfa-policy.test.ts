/**
 * The MFA policy's rules (lib/domain/mfa.ts) with a clock the test holds:
 * the grace period runs from when MFA became required, an enrolled login
 * always passes, SSO sessions are exempt unless the tenant includes them.
 * (test/e2e/mfa.test.ts proves the same over HTTP with a grace of 0 days.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_GRACE_DAYS,
  type MfaPolicy,
  mfaBlocks,
  mfaEnforcedFrom,
  mfaPolicyChanged,
  nextMfaPolicy,
  otpauthUri,
} from '../../lib/domain/mfa.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-12-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('the grace period', () => {
  it('refuses a login without MFA from requiredAt + graceDays on, never before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_GRACE_DAYS }), fc.integer({ min: -5 * DAY, max: 5 * DAY }), (g, d) => {
        const policy = nextMfaPolicy(undefined, { required: true, graceDays: g }, T0);
        const now = at(g * DAY + d);
        expect(mfaBlocks(policy, {}, {}, now)).toBe(d >= 0);
        expect(mfaBlocks(policy, { mfaEnrolledAt: T0.toISOString() }, {}, now)).toBe(false);
      }),
    );
  });

  it('starts when MFA becomes required: editing the grace later does not restart it; turning it off and on does', () => {
    const first = nextMfaPolicy(undefined, { required: true, graceDays: 14 }, T0);
    const edited = nextMfaPolicy(first, { required: true, graceDays: 3 }, at(10 * DAY));
    expect(edited.requiredAt).toBe(T0.toISOString());
    expect(mfaEnforcedFrom(edited)).toBe(at(3 * DAY).toISOString());
    const off = nextMfaPolicy(edited, { required: false }, at(11 * DAY));
    expect(off.requiredAt).toBeUndefined();
    expect(mfaBlocks(off, {}, {}, at(100 * DAY))).toBe(false);
    const again = nextMfaPolicy(off, { required: true }, at(12 * DAY));
    expect(again).toMatchObject({ requiredAt: at(12 * DAY).toISOString(), graceDays: 3 });
  });

  it('no policy, or one not required, refuses nobody', () => {
    expect(mfaBlocks(undefined, {}, {}, at(1000 * DAY))).toBe(false);
    expect(mfaEnforcedFrom(undefined)).toBeNull();
  });
});

describe('SSO sessions', () => {
  const policy: MfaPolicy = { required: true, graceDays: 0, requiredAt: T0.toISOString(), includeSso: false };
  it('are exempt unless the tenant includes them; password sessions never are', () => {
    expect(mfaBlocks(policy, {}, { sso: true }, at(DAY))).toBe(false);
    expect(mfaBlocks(policy, {}, { sso: false }, at(DAY))).toBe(true);
    expect(mfaBlocks({ ...policy, includeSso: true }, {}, { sso: true }, at(DAY))).toBe(true);
  });
});

describe('what counts as a change (rule 14 judges only changes)', () => {
  it('the stored policy sent back unchanged is no change; any differing field is', () => {
    const stored: MfaPolicy = { required: true, graceDays: 7, requiredAt: T0.toISOString(), includeSso: false };
    expect(mfaPolicyChanged(stored, { required: true, graceDays: 7, includeSso: false })).toBe(false);
    expect(mfaPolicyChanged(stored, { required: true })).toBe(false);
    expect(mfaPolicyChanged(stored, { required: false })).toBe(true);
    expect(mfaPolicyChanged(stored, { required: true, graceDays: 8 })).toBe(true);
    expect(mfaPolicyChanged(stored, { required: true, includeSso: true })).toBe(true);
    expect(mfaPolicyChanged(undefined, { required: false })).toBe(false);
  });
});

describe('the otpauth URI', () => {
  it('names Roster and the address, and carries the secret', () => {
    const uri = otpauthUri('ann+x@acme.example', 'JBSWY3DPEHPK3PXP');
    expect(uri.startsWith('otpauth://totp/Roster:ann%2Bx%40acme.example?')).toBe(true);
    const query = new URLSearchParams(uri.split('?')[1]);
    expect(query.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(query.get('issuer')).toBe('Roster');
  });
});
