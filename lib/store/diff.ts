/**
 * Optimistic, minimal updates: SET what changed, REMOVE what disappeared,
 * bump `version`, and only if `version` is still the one that was read.
 * Counters (seats, admins, open assignments) are never written this way:
 * they change only through ADD in the transactions that move them.
 */
import { TABLE_KEYS } from './table.ts';

export const COUNTERS = ['seatsUsed', 'activeAdmins', 'openAssignments', 'queued'] as const;
const NEVER = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, 'version', ...COUNTERS]);

export interface VersionedUpdate {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
  /** Changed attributes (index keys and `updatedAt` included). */
  changed: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** undefined when nothing but bookkeeping would change. */
export function versionedUpdate(
  current: Record<string, unknown> & { version: number },
  next: Record<string, unknown>,
  extraCondition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): VersionedUpdate | undefined {
  const fields = [...new Set([...Object.keys(current), ...Object.keys(next)])].filter(
    (f) => !NEVER.has(f) && !same(current[f], next[f]),
  );
  if (fields.every((f) => f === 'updatedAt')) return undefined;
  const names: Record<string, string> = { '#version': 'version', ...extraCondition?.names };
  const values: Record<string, unknown> = {
    ':expected': current.version,
    ':nextVersion': current.version + 1,
    ...extraCondition?.values,
  };
  const sets = ['#version = :nextVersion'];
  const removes: string[] = [];
  fields.forEach((field, i) => {
    names[`#f${i}`] = field;
    if (next[field] === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = next[field];
      sets.push(`#f${i} = :f${i}`);
    }
  });
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: ['#version = :expected', extraCondition?.expression].filter(Boolean).join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    changed: fields,
  };
}

/** Before/after of the fields a change touched, for the audit item. */
export function auditDiff<T extends object>(current: T, next: T, fields: readonly string[]) {
  const pick = (record: T) =>
    Object.fromEntries(
      fields.filter((f) => f in current || f in next).map((f) => [f, (record as Record<string, unknown>)[f] ?? null]),
    );
  return { before: pick(current), after: pick(next) };
}
