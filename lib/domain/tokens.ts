/**
 * Invitation tokens: 256 random bits in the link, only a SHA-256 hash stored,
 * compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedToken {
  /** Goes into the emailed link, never stored. */
  token: string;
  /** Stored and used as the lookup key. */
  hash: string;
}

export function issueToken(): IssuedToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A well-formed token: 43 base64url characters (32 bytes). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function expiryFrom(now: Date, ttlSeconds: number): string {
  return new Date(now.getTime() + ttlSeconds * 1000).toISOString();
}

/**
 * The invitation link's token names its membership and carries the secret:
 * `<tenantId>.<memberId>.<secret>`. Only `hashToken(secret)` is stored, on the
 * member item, so a lookup is one read and a leaked table reveals no link.
 */
export interface InvitationToken {
  tenantId: string;
  memberId: string;
  secret: string;
}

const INVITATION_TOKEN = /^([a-z0-9][a-z0-9-]{0,63})\.([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/;

export function issueInvitationToken(tenantId: string, memberId: string): IssuedToken {
  const { token: secret, hash } = issueToken();
  return { token: `${tenantId}.${memberId}.${secret}`, hash };
}

export function parseInvitationToken(token: string): InvitationToken | undefined {
  const match = INVITATION_TOKEN.exec(token);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { tenantId: match[1], memberId: match[2], secret: match[3] };
}
