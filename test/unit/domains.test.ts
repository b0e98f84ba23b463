/** Verified domains and auto-join as pure rules (lib/domain/domains.ts, lib/domain/auto-join.ts, afterLookup). */
import { describe, expect, it } from 'vitest';
import { afterLookup } from '../../lib/app/domains.ts';
import { mergeAutoJoin } from '../../lib/domain/auto-join.ts';
import {
  challengeFound,
  type DomainRecord,
  domainEnables,
  emailDomain,
  parseDomain,
} from '../../lib/domain/domains.ts';
import { DomainError } from '../../lib/domain/errors.ts';

const refused = (input: string) => {
  try {
    parseDomain(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('validation-failed');
    return true;
  }
  return false;
};

describe('parseDomain', () => {
  it('keeps an organisation’s domain (or a subdomain of one), normalised', () => {
    expect(parseDomain('  Acme.COM. ')).toBe('acme.com');
    expect(parseDomain('eu.acme.co.uk')).toBe('eu.acme.co.uk');
    expect(parseDomain('acme.github.io')).toBe('acme.github.io');
  });

  it.each([
    ['free mail (the email-providers list)', ['gmail.com', 'googlemail.com', 'yahoo.co.jp', 'mail.ru', 'proton.me']],
    ['public suffixes (the Public Suffix List)', ['com', 'co.uk', 'github.io', 'herokuapp.com', 'blogspot.com']],
    ['names under no known TLD', ['acme.test', 'acme.local', 'localhost', 'acme.invalid']],
    ['IP literals', ['10.0.0.1', '[::1]', '::1', '1.2.3.4']],
    [
      'malformed names',
      [
        '',
        '.',
        'acme..com',
        '-acme.com',
        'acme-.com',
        'ac me.com',
        'acme.com/x',
        'a@acme.com',
        `${'a'.repeat(64)}.com`,
      ],
    ],
  ])('refuses %s', (_kind, names) => {
    for (const name of names) expect(refused(name), name).toBe(true);
  });
});

describe('the challenge and the grace period', () => {
  it('matches the TXT value exactly, even split into several strings', () => {
    expect(challengeFound([['roster-verification=', 'abc']], 'roster-verification=abc')).toBe(true);
    expect(challengeFound([['roster-verification=abcd']], 'roster-verification=abc')).toBe(false);
    expect(challengeFound([], 'roster-verification=abc')).toBe(false);
  });

  it('a flagged domain enables sign-in features until its grace period ends, not after', () => {
    const now = new Date('2030-01-10T00:00:00Z');
    expect(domainEnables(undefined, now)).toBe(false);
    expect(domainEnables({}, now)).toBe(true);
    expect(domainEnables({ graceEndsAt: '2030-01-10T00:00:01Z' }, now)).toBe(true);
    expect(domainEnables({ graceEndsAt: '2030-01-10T00:00:00Z' }, now)).toBe(false);
  });

  it('emailDomain takes the part after the last @, lower-cased', () => {
    expect(emailDomain('Ann@Acme.COM')).toBe('acme.com');
    expect(emailDomain('"a@b"@acme.com')).toBe('acme.com');
    expect(emailDomain('nobody')).toBeUndefined();
  });
});

describe('afterLookup', () => {
  const base: DomainRecord = {
    tenantId: 't',
    domain: 'acme.com',
    status: 'pending',
    challenge: 'roster-verification=x',
    createdAt: '2030-01-01T00:00:00.000Z',
    createdBy: 'u',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
  };
  const now = new Date('2030-01-02T00:00:00.000Z');

  it('pending → verified (audited), with the next check a day later', () => {
    const { next, action } = afterLookup(base, true, now, 7);
    expect(action).toBe('domain.verified');
    expect(next).toMatchObject({
      status: 'verified',
      verifiedAt: now.toISOString(),
      nextCheckAt: '2030-01-03T00:00:00.000Z',
    });
  });

  it('pending → failed once (a repeated failure is not audited again)', () => {
    const failed = afterLookup(base, false, now, 7);
    expect(failed).toMatchObject({ action: 'domain.failed', next: { status: 'failed' } });
    expect(afterLookup(failed.next, false, now, 7).action).toBeUndefined();
  });

  it('verified and gone → flagged with a grace period that a later miss does not restart; back → restored', () => {
    const verified = afterLookup(base, true, now, 7).next;
    const flagged = afterLookup(verified, false, now, 7);
    expect(flagged.action).toBe('domain.flagged');
    expect(flagged.next.status).toBe('verified');
    expect(flagged.next.graceEndsAt).toBe('2030-01-09T00:00:00.000Z');
    const later = afterLookup(flagged.next, false, new Date('2030-01-05T00:00:00.000Z'), 7);
    expect(later.action).toBeUndefined();
    expect(later.next.graceEndsAt).toBe(flagged.next.graceEndsAt);
    const back = afterLookup(later.next, true, new Date('2030-01-06T00:00:00.000Z'), 7);
    expect(back.action).toBe('domain.restored');
    expect(back.next.flaggedAt).toBeUndefined();
    expect(back.next.graceEndsAt).toBeUndefined();
    expect(back.next.verifiedAt).toBe(verified.verifiedAt);
  });
});

describe('mergeAutoJoin', () => {
  const roles = { r1: ['contacts:view'] };
  it('merges a partial patch; a custom default role must be the tenant’s own', () => {
    expect(mergeAutoJoin(undefined, { mode: 'request' }, roles)).toEqual({ mode: 'request', defaultRole: 'agent' });
    expect(mergeAutoJoin(undefined, { defaultRole: 'custom', roleId: 'r1' }, roles)).toEqual({
      mode: 'off',
      defaultRole: 'custom',
      roleId: 'r1',
    });
    expect(
      mergeAutoJoin({ mode: 'automatic', defaultRole: 'custom', roleId: 'r1' }, { mode: 'request' }, roles),
    ).toEqual({
      mode: 'request',
      defaultRole: 'custom',
      roleId: 'r1',
    });
    expect(
      mergeAutoJoin({ mode: 'automatic', defaultRole: 'custom', roleId: 'r1' }, { defaultRole: 'agent' }, roles),
    ).toEqual({
      mode: 'automatic',
      defaultRole: 'agent',
    });
    expect(() => mergeAutoJoin(undefined, { defaultRole: 'custom' }, roles)).toThrow(DomainError);
    expect(() => mergeAutoJoin(undefined, { defaultRole: 'custom', roleId: 'other' }, roles)).toThrow(DomainError);
  });
});
