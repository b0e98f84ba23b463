/**
 * SCIM tokens (DESIGN §2a rule 12): `rsc_<tenant>.<token id>.<secret>` — 256
 * random bits, shown once, stored only as a sha256 hash; the tenant and the
 * token item are named by the token itself, so nothing else says which
 * tenant a request acts in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCIM_TOKEN_PREFIX = 'rsc_';
/** How long API Gateway (and the local gateway) caches the SCIM authorizer's answer per Authorization header. */
export const SCIM_AUTHORIZER_TTL_SECONDS = 300;
const SHAPE = /^rsc_([a-z0-9][a-z0-9-]{0,63})\.([0-9a-z]{26})\.([A-Za-z0-9_-]{43})$/;

export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function issueScimToken(tenantId: string, tokenId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${SCIM_TOKEN_PREFIX}${tenantId}.${tokenId}.${secret}`, hash: hashSecret(secret) };
}

export interface ParsedScimToken {
  tenantId: string;
  tokenId: string;
  secret: string;
}

/** The parts of a presented token (`Authorization: Bearer rsc_…`), or undefined when it is not one. */
export function parseScimToken(authorization: string | undefined): ParsedScimToken | undefined {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  const match = token ? SHAPE.exec(token) : null;
  if (!match) return undefined;
  return { tenantId: match[1] as string, tokenId: match[2] as string, secret: match[3] as string };
}

/** Whether a secret is the one whose hash is stored (constant time). */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
