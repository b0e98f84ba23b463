/**
 * Audit items: who did what to whom, before/after, when — always written in
 * the same transaction as the change they describe.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { decodeCursor, filteredScope, pageOf } from './cursor.ts';
import { keys } from './keys.ts';
import { TABLE_KEYS } from './table.ts';
import { put, type TxItem } from './transact.ts';

/** `name`: who acted as people read it, recorded at write time (a member's name or email, the platform principal). */
export type Actor =
  | { type: 'user'; id: string; name?: string }
  | { type: 'platform'; id: string; name?: string }
  | { type: 'system'; id: string; name?: string }
  | { type: 'invitee'; id: string; name?: string }
  /** A tenant's identity provider, through one of its SCIM tokens (the token's id and name). */
  | { type: 'scim'; id: string; name: string }
  /** A tenant's API key (DESIGN §1): its id and its name when it acted. */
  | { type: 'apiKey'; id: string; name: string };

export interface AuditEntry {
  tenantId: string;
  actor: Actor;
  /** `<entity>.<past participle>`, e.g. `member.invited`. */
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  at: string;
  /** The target's version after the change, when it has one (events carry it: DESIGN §1 "Events to other systems"). */
  version?: number;
}

/** Monotonic: audit items written in the same millisecond keep their order (ids sort as written). */
const ulid = monotonicFactory();

export function auditPut(entry: AuditEntry): TxItem {
  const id = ulid(Date.parse(entry.at));
  const retentionSeconds = config().auditRetentionDays * 86_400;
  return put({
    Item: {
      ...keys.audit(entry.tenantId, entry.at, id),
      entity: 'audit',
      id,
      tenantId: entry.tenantId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before: entry.before ?? null,
      after: entry.after ?? null,
      at: entry.at,
      ...(entry.version !== undefined ? { version: entry.version } : {}),
      expiresAtEpoch: Math.floor(Date.parse(entry.at) / 1000) + retentionSeconds,
    },
    // Append-only: an audit item is never written over (IAM denies updating or deleting one).
    ConditionExpression: 'attribute_not_exists(pk)',
  });
}

export interface AuditFilter {
  actorId?: string;
  targetId?: string;
  action?: string;
  /** Inclusive lower bound, ISO time. */
  since?: string;
  /** Exclusive upper bound, ISO time. */
  until?: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
}

const AUDIT_READ_BUDGET = 500;

/**
 * One page of a tenant's audit trail, newest first, in ONE query: the time
 * window is the key condition; actor/target/action filter a bounded slice
 * (a filtered page may come back short, with a cursor to continue).
 */
export async function listAuditEvents(
  tenantId: string,
  page: { limit: number; cursor?: string },
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  const partition = keys.auditPartition(tenantId);
  const scope = filteredScope(`AUDIT#${tenantId}`, { ...filter });
  const from = filter.since ?? '0';
  // ULIDs sort after '#', so `until#` excludes events at exactly `until`; '~' sorts after every ISO time.
  const to = filter.until ? `${filter.until}#` : '~';
  // A cursor resumes inside the time window it was issued for: one outside it (other filters) is a 400.
  const start = decodeCursor(scope, page.cursor, {
    attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey],
    partition: { attribute: TABLE_KEYS.partitionKey, value: partition },
    sort: { attribute: TABLE_KEYS.sortKey, from, to },
  });
  const values: Record<string, unknown> = { ':pk': partition, ':from': from, ':to': to };
  const names: Record<string, string> = {};
  const conditions: string[] = [];
  if (filter.actorId) {
    conditions.push('actor.id = :actor');
    values[':actor'] = filter.actorId;
  }
  if (filter.targetId) {
    conditions.push('#target.id = :target');
    names['#target'] = 'target';
    values[':target'] = filter.targetId;
  }
  if (filter.action) {
    conditions.push('#action = :action');
    names['#action'] = 'action';
    values[':action'] = filter.action;
  }
  const filtered = conditions.length > 0;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ...(filtered ? { FilterExpression: conditions.join(' AND ') } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: filtered ? AUDIT_READ_BUDGET : page.limit,
      ExclusiveStartKey: start,
    }),
  );
  const { items, nextCursor } = pageOf(scope, out.Items ?? [], page.limit, out.LastEvaluatedKey);
  return {
    items: items.map((i) => ({
      id: String(i.id),
      at: String(i.at),
      actor: i.actor as Actor,
      action: String(i.action),
      target: i.target as AuditEvent['target'],
      before: i.before ?? null,
      after: i.after ?? null,
    })),
    nextCursor,
  };
}
