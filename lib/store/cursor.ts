/**
 * Opaque pagination cursors bound to one scope (a tenant, the tenant list)
 * and to the query that issued them: a cursor from another scope, a crafted
 * key or garbage is a 400 — never a foreign read, never a 500.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';

type Key = Record<string, string | number>;

export function encodeCursor(scope: string, key: Key | undefined): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

/**
 * A list's cursor scope bound to its filters as well: a cursor is valid only
 * for the list and the filters that issued it, so one reused with other
 * filters is a 400 instead of a page of a different list. Absent or empty
 * filters leave the scope as it is.
 */
export function filteredScope(scope: string, filter: Readonly<Record<string, string | undefined>>): string {
  const set = Object.entries(filter)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (set.length === 0) return scope;
  return `${scope}?${createHash('sha256').update(JSON.stringify(set)).digest('base64url').slice(0, 22)}`;
}

/**
 * Where a page of one query may resume: a position carries exactly the key
 * attributes of what is queried (the table's, plus the index's when the query
 * reads one), lies in the query's partition and within its sort key condition.
 * Anything else — a crafted or foreign key — is a 400, never DynamoDB's
 * ValidationException (a 500).
 */
export interface ResumeBounds {
  attributes: readonly string[];
  partition: { attribute: string; value: string };
  sort?: { attribute: string; prefix?: string; from?: string; to?: string };
  /**
   * For a query of an index: the position's table key must still name an item of the listed kind (its
   * partition and sort key prefix), or DynamoDB would resume from a crafted item of another kind.
   */
  item?: { partition: { attribute: string; value: string }; sort: { attribute: string; prefix: string } };
}

/** The 400 of a cursor that is not this list's. */
export const invalidCursor = () =>
  new DomainError('validation-failed', 'The cursor is not valid for this list.', {
    errors: [{ path: 'cursor', message: 'Invalid or foreign cursor' }],
  });

/** DynamoDB's limit for a sort key value (a partition key may take 2048; no position here needs more). */
const MAX_KEY_BYTES = 1024;

/** Not UTF-8 encodable, so never a stored key. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** DynamoDB orders string keys by their UTF-8 bytes. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function withinSort(value: string, sort: NonNullable<ResumeBounds['sort']>): boolean {
  if (sort.prefix !== undefined && !value.startsWith(sort.prefix)) return false;
  if (sort.from !== undefined && byteOrder(value, sort.from) < 0) return false;
  if (sort.to !== undefined && byteOrder(value, sort.to) > 0) return false;
  return true;
}

export function decodeCursor(scope: string, cursor: string | undefined, bounds: ResumeBounds): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = invalidCursor;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { s, k } = (parsed ?? {}) as { s?: unknown; k?: unknown };
  if (s !== scope || typeof k !== 'object' || k === null || Array.isArray(k)) throw invalid();
  const key = k as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== bounds.attributes.length || !bounds.attributes.every((a) => Object.hasOwn(key, a))) {
    throw invalid();
  }
  const usable = (v: unknown): v is string =>
    typeof v === 'string' && v !== '' && !LONE_SURROGATE.test(v) && Buffer.byteLength(v, 'utf8') <= MAX_KEY_BYTES;
  if (!names.every((name) => usable(key[name]))) throw invalid();
  if (key[bounds.partition.attribute] !== bounds.partition.value) throw invalid();
  if (bounds.sort && !withinSort(key[bounds.sort.attribute] as string, bounds.sort)) throw invalid();
  if (bounds.item) {
    const { partition, sort } = bounds.item;
    if (key[partition.attribute] !== partition.value) throw invalid();
    if (!(key[sort.attribute] as string).startsWith(sort.prefix)) throw invalid();
  }
  return key as Key;
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
  /** The key attributes of a position: the table's, plus the index's when the query read one. */
  keyAttributes: readonly string[] = ['pk', 'sk'],
): { items: T[]; nextCursor: string | null } {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  const cut = found.length > limit && last !== undefined;
  if (!cut && lastEvaluatedKey === undefined) return { items, nextCursor: null };
  const resumeFrom = cut
    ? Object.fromEntries(keyAttributes.map((name) => [name, String(last[name])]))
    : (lastEvaluatedKey as Key);
  return { items, nextCursor: encodeCursor(scope, resumeFrom) };
}
