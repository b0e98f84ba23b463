/**
 * Opaque pagination cursors bound to one scope (a tenant, the tenant list):
 * a cursor from another scope, or garbage, is a 400 — never a foreign read.
 */
import { DomainError } from '../domain/errors.ts';

type Key = Record<string, string | number>;

export function encodeCursor(scope: string, key: Key | undefined): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

/** `expectedPartition` is checked against the key's partition attribute to forbid crafted keys. */
export function decodeCursor(
  scope: string,
  cursor: string | undefined,
  expectedPartition: { attribute: string; value: string },
): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new DomainError('validation-failed', 'The cursor is not valid for this list.', {
      errors: [{ path: 'cursor', message: 'Invalid or foreign cursor' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { s, k } = (parsed ?? {}) as { s?: unknown; k?: unknown };
  if (s !== scope || typeof k !== 'object' || k === null) throw invalid();
  const entries = Object.entries(k);
  if (entries.length === 0 || entries.length > 4) throw invalid();
  if (!entries.every(([, v]) => typeof v === 'string' && v.length <= 1024)) throw invalid();
  const key = k as Key;
  if (key[expectedPartition.attribute] !== expectedPartition.value) throw invalid();
  return key;
}

/**
 * Cuts one query's items to a page. A filtered query reads a bounded slice
 * that may hold more matches than the page: the cursor then resumes right
 * after the last item returned (its table key), else where DynamoDB stopped.
 */
export function pageOf<T extends Record<string, unknown>>(
  scope: string,
  found: T[],
  limit: number,
  lastEvaluatedKey: Record<string, unknown> | undefined,
): { items: T[]; nextCursor: string | null } {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  const cut = found.length > limit && last !== undefined;
  if (!cut && lastEvaluatedKey === undefined) return { items, nextCursor: null };
  const resumeFrom = cut ? { pk: String(last.pk), sk: String(last.sk) } : (lastEvaluatedKey as Key);
  return { items, nextCursor: encodeCursor(scope, resumeFrom) };
}
