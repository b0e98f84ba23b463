/**
 * API keys (DESIGN §1 "A tenant's own machines", §2a rule 12): a secret
 * `rst_<tenantId>.<keyId>.<43 base64url chars = 256 random bits>`. The tenant
 * and key id in the secret say where its item is (the tenant's partition), so
 * finding it is one GetItem — read in the same BatchGetItem as the tenant.
 * Only the SHA-256 of the random part is stored, compared in constant time.
 *
 * SHA-256 (not a slow password hash) is the right digest here: the secret is
 * 256 uniformly random bits, so no dictionary or brute force over its inputs
 * is possible, and a fast hash keeps the check to microseconds on every request.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { hashToken, tokenMatches } from './tokens.ts';

export const API_KEY_PREFIX = 'rst_';

export interface ApiKeyRecord {
  tenantId: string;
  id: string;
  name: string;
  /** SHA-256 (hex) of the secret's random part. */
  secretHash: string;
  permissions: string[];
  /** The member who created it (the key stays the tenant's if they leave). */
  createdBy: string;
  /** Their name when they created it (kept: the list reads no member items). */
  createdByName: string;
  createdAt: string;
  /** Absent: never expires (unless the tenant sets a maximum lifetime). */
  expiresAt?: string;
  lastUsedAt?: string;
}

/** What the list shows: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string;
  createdByName: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface ParsedApiKey {
  tenantId: string;
  keyId: string;
  secret: string;
}

const API_KEY = /^rst_([a-z0-9][a-z0-9-]{0,63})\.([a-z0-9]{26})\.([A-Za-z0-9_-]{43})$/;

/** Whether a bearer looks like an API key at all (then it is judged as one, never as a JWT). */
export const looksLikeApiKey = (bearer: string | undefined): bearer is string =>
  typeof bearer === 'string' && bearer.startsWith(API_KEY_PREFIX);

export function parseApiKey(bearer: string | undefined): ParsedApiKey | undefined {
  const match = bearer ? API_KEY.exec(bearer) : null;
  if (!match) return undefined;
  return { tenantId: match[1] as string, keyId: match[2] as string, secret: match[3] as string };
}

/** Time-ordered (the list is oldest first), lower-case: 26 of [0-9a-z]. */
export const newApiKeyId = (now: Date): string => ulid(now.getTime()).toLowerCase();

export function issueApiKey(tenantId: string, keyId: string): { secret: string; hash: string; prefix: string } {
  const random = randomBytes(32).toString('base64url');
  return {
    secret: `${API_KEY_PREFIX}${tenantId}.${keyId}.${random}`,
    hash: hashToken(random),
    prefix: prefixOf(tenantId, keyId),
  };
}

/** Enough of the secret to recognise it (its tenant and id), none of its randomness. */
export const prefixOf = (tenantId: string, keyId: string) => `${API_KEY_PREFIX}${tenantId}.${keyId}`;

/** Live: the hash matches and it has not expired. */
export function apiKeyLive(record: ApiKeyRecord | undefined, parsed: ParsedApiKey, now: Date): record is ApiKeyRecord {
  if (!record || record.tenantId !== parsed.tenantId || record.id !== parsed.keyId) return false;
  if (!tokenMatches(parsed.secret, record.secretHash)) return false;
  return !record.expiresAt || Date.parse(record.expiresAt) > now.getTime();
}

export function apiKeyView(k: ApiKeyRecord): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: prefixOf(k.tenantId, k.id),
    permissions: [...k.permissions],
    createdBy: k.createdBy,
    createdByName: k.createdByName,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt ?? null,
    lastUsedAt: k.lastUsedAt ?? null,
  };
}

/** `lastUsedAt` is written at most this often per key. */
export const LAST_USED_EVERY_MS = 60_000;
