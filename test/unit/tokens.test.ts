/** Invitation tokens against the product rules ("Invitations"): 256-bit random, stored only as a hash. */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expiryFrom,
  hashToken,
  issueInvitationToken,
  issueToken,
  parseInvitationToken,
  TOKEN_PATTERN,
  tokenMatches,
} from '../../lib/domain/tokens.ts';

const SEVEN_DAYS = 604_800;
const hexDigest = /^[0-9a-f]{64}$/;

describe('issueToken', () => {
  it('issues a 43-character base64url token that decodes to exactly 32 bytes', () => {
    const { token } = issueToken();
    expect(token).toHaveLength(43);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    // round-trips, so no padding or foreign characters
    expect(Buffer.from(token, 'base64url').toString('base64url')).toBe(token);
  });

  it('stores a SHA-256 hex digest of the token, never the token', () => {
    const { token, hash } = issueToken();
    expect(hash).toMatch(hexDigest);
    expect(hash).not.toBe(token);
    expect(hash).not.toContain(token);
    expect(hash).toBe(hashToken(token));
  });

  it('the issued token matches its own hash', () => {
    const { token, hash } = issueToken();
    expect(tokenMatches(token, hash)).toBe(true);
  });

  it('1,000 issues give 1,000 distinct tokens and hashes', () => {
    const issued = Array.from({ length: 1_000 }, issueToken);
    expect(new Set(issued.map((t) => t.token)).size).toBe(1_000);
    expect(new Set(issued.map((t) => t.hash)).size).toBe(1_000);
    for (const t of issued) expect(t.token).toMatch(TOKEN_PATTERN);
  });

  it('uses the whole alphabet: over many tokens every base64url character appears (not hex or a narrow range)', () => {
    const seen = new Set(Array.from({ length: 300 }, () => issueToken().token).join(''));
    expect(seen.size).toBe(64);
  });

  it('a token of another invitation does not match', () => {
    const a = issueToken();
    const b = issueToken();
    expect(tokenMatches(a.token, b.hash)).toBe(false);
    expect(tokenMatches(b.token, a.hash)).toBe(false);
  });
});

describe('hashToken', () => {
  it('is SHA-256 in lower-case hex (known vectors)', () => {
    expect(hashToken('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the UTF-8 bytes of the token', () => {
    const utf8 = createHash('sha256')
      .update(Buffer.from([0xc3, 0xa9]))
      .digest('hex');
    expect(hashToken('\u00e9')).toBe(utf8);
    expect(hashToken('\u00e9')).not.toBe(hashToken('e'));
  });

  it('property: deterministic, 64 hex characters, never the input', () => {
    fc.assert(
      fc.property(fc.string(), (token) => {
        const hash = hashToken(token);
        expect(hash).toMatch(hexDigest);
        expect(hashToken(token)).toBe(hash);
        expect(hash).not.toBe(token);
      }),
    );
  });
});

describe('tokenMatches', () => {
  const { token, hash } = issueToken();

  it('true for the right token', () => {
    expect(tokenMatches(token, hash)).toBe(true);
  });

  it('false for a token differing in one character', () => {
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokenMatches(`${token.slice(0, -1)}${last}`, hash)).toBe(false);
  });

  it('false for a truncated or extended token', () => {
    expect(tokenMatches(token.slice(0, -1), hash)).toBe(false);
    expect(tokenMatches(`${token}A`, hash)).toBe(false);
    expect(tokenMatches('', hash)).toBe(false);
  });

  it('false when the token is presented as its own hash (the stored value is not a credential)', () => {
    expect(tokenMatches(hash, hash)).toBe(false);
  });

  it('false, without throwing, for a stored hash of the wrong length', () => {
    expect(() => tokenMatches(token, hash.slice(0, 32))).not.toThrow();
    expect(tokenMatches(token, hash.slice(0, 32))).toBe(false);
    expect(tokenMatches(token, `${hash}00`)).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
  });

  it('false, without throwing, for a stored hash that is not hex', () => {
    expect(tokenMatches(token, 'z'.repeat(64))).toBe(false);
    expect(tokenMatches(token, token)).toBe(false);
  });

  it('property: matches only its own token', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(tokenMatches(a, hashToken(a))).toBe(true);
        expect(tokenMatches(b, hashToken(a))).toBe(a === b);
      }),
    );
  });

  it('property: never throws on arbitrary stored values', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (presented, stored) => {
        expect(typeof tokenMatches(presented, stored)).toBe('boolean');
      }),
    );
  });
});

describe('TOKEN_PATTERN', () => {
  it.each([
    ['a 43-char base64url string', `${'A'.repeat(42)}_`, true],
    ['with a dash', `${'a'.repeat(42)}-`, true],
    ['42 characters', 'A'.repeat(42), false],
    ['44 characters', 'A'.repeat(44), false],
    ['base64 "+"', `${'A'.repeat(42)}+`, false],
    ['base64 "/"', `${'A'.repeat(42)}/`, false],
    ['padding', `${'A'.repeat(42)}=`, false],
    ['a trailing newline', `${'A'.repeat(43)}\n`, false],
    ['a space', ` ${'A'.repeat(42)}`, false],
    ['empty', '', false],
  ])('%s → %s', (_name, value, ok) => {
    expect(TOKEN_PATTERN.test(value)).toBe(ok);
  });
});

describe('expiryFrom', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');

  it('defaults to 7 days later with the designed TTL', () => {
    expect(expiryFrom(now, SEVEN_DAYS)).toBe('2025-03-08T10:00:00.000Z');
  });

  it('is an ISO-8601 UTC timestamp', () => {
    expect(expiryFrom(now, 60)).toBe('2025-03-01T10:01:00.000Z');
    expect(expiryFrom(now, 60)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('a TTL of 0 expires now', () => {
    expect(expiryFrom(now, 0)).toBe(now.toISOString());
  });

  it('does not change the given date', () => {
    const at = new Date(now);
    expiryFrom(at, SEVEN_DAYS);
    expect(at.getTime()).toBe(now.getTime());
  });

  it('property: expiry - now = ttl seconds, and later TTLs sort later as strings', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.nat(10 * 365 * 86_400),
        fc.nat(10 * 365 * 86_400),
        (from, a, b) => {
          expect(Date.parse(expiryFrom(from, a)) - from.getTime()).toBe(a * 1000);
          const [ea, eb] = [expiryFrom(from, a), expiryFrom(from, b)];
          expect(ea < eb).toBe(a < b);
        },
      ),
    );
  });
});

describe('invitation link tokens (<tenantId>.<memberId>.<secret>)', () => {
  /** Tenant ids as the product makes them: lower-case ULIDs or slugs (schemas.ts TenantId). */
  const tenantId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/);
  /** Member ids are Cognito subs (UUIDs). */
  const memberId = fc.uuid();

  it('the link carries a 256-bit secret and only the secret’s hash is stored', () => {
    const { token, hash } = issueInvitationToken('acme', '2f1c0b9e-1111-4222-8333-444455556666');
    const parsed = parseInvitationToken(token);
    expect(parsed).toBeDefined();
    const secret = parsed?.secret ?? '';
    expect(secret).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(hash).toMatch(hexDigest);
    expect(hash).toBe(hashToken(secret));
    expect(tokenMatches(secret, hash)).toBe(true);
    expect(hash).not.toContain(secret);
  });

  it('names the membership it belongs to', () => {
    const { token } = issueInvitationToken('acme', '2f1c0b9e-1111-4222-8333-444455556666');
    expect(parseInvitationToken(token)).toMatchObject({
      tenantId: 'acme',
      memberId: '2f1c0b9e-1111-4222-8333-444455556666',
    });
    expect(token.startsWith('acme.2f1c0b9e-1111-4222-8333-444455556666.')).toBe(true);
  });

  it('two invitations of the same member get different secrets (resend kills the old link)', () => {
    const a = issueInvitationToken('acme', 'u-1');
    const b = issueInvitationToken('acme', 'u-1');
    expect(a.token).not.toBe(b.token);
    expect(a.hash).not.toBe(b.hash);
    const secretA = parseInvitationToken(a.token)?.secret ?? '';
    expect(tokenMatches(secretA, b.hash)).toBe(false);
  });

  it('is URL-safe as a query parameter', () => {
    const { token } = issueInvitationToken('acme-2', '2f1c0b9e-1111-4222-8333-444455556666');
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('property: issue → parse round-trips for every valid tenant and member id', () => {
    fc.assert(
      fc.property(tenantId, memberId, (t, m) => {
        const { token, hash } = issueInvitationToken(t, m);
        const parsed = parseInvitationToken(token);
        expect(parsed?.tenantId).toBe(t);
        expect(parsed?.memberId).toBe(m);
        expect(tokenMatches(parsed?.secret ?? '', hash)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const secret = 'A'.repeat(43);
  it.each([
    ['empty', ''],
    ['a bare secret', secret],
    ['two parts', `acme.${secret}`],
    ['four parts', `acme.u1.x.${secret}`],
    ['a short secret', `acme.u1.${'A'.repeat(42)}`],
    ['a long secret', `acme.u1.${'A'.repeat(44)}`],
    ['a secret with "+"', `acme.u1.${'A'.repeat(42)}+`],
    ['an empty tenant', `.u1.${secret}`],
    ['an empty member', `acme..${secret}`],
    ['an upper-case tenant', `Acme.u1.${secret}`],
    ['a tenant starting with "-"', `-acme.u1.${secret}`],
    ['a "#" in the tenant (key injection)', `acme#AUDIT.u1.${secret}`],
    ['a "#" in the member', `acme.u#1.${secret}`],
    ['a tenant over 64 characters', `${'a'.repeat(65)}.u1.${secret}`],
    ['a member over 64 characters', `acme.${'u'.repeat(65)}.${secret}`],
    ['surrounding whitespace', ` acme.u1.${secret} `],
    ['a trailing newline', `acme.u1.${secret}\n`],
  ])('parse refuses %s', (_name, value) => {
    expect(parseInvitationToken(value)).toBeUndefined();
  });

  it('parse accepts the edge lengths', () => {
    expect(parseInvitationToken(`${'a'.repeat(64)}.${'u'.repeat(64)}.${secret}`)).toEqual({
      tenantId: 'a'.repeat(64),
      memberId: 'u'.repeat(64),
      secret,
    });
    expect(parseInvitationToken(`a.u.${secret}`)).toEqual({ tenantId: 'a', memberId: 'u', secret });
  });

  it('property: parse never throws and anything it accepts is re-assembled exactly', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const parsed = parseInvitationToken(value);
        if (parsed) expect(`${parsed.tenantId}.${parsed.memberId}.${parsed.secret}`).toBe(value);
      }),
    );
  });
});
