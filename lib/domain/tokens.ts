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
