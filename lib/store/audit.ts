/**
 * Audit items: who did what to whom, before/after, when — always written in
 * the same transaction as the change they describe.
 */
import { ulid } from 'ulid';
import { config } from '../config.ts';
import { keys } from './keys.ts';
import { put, type TxItem } from './transact.ts';

export type Actor =
  | { type: 'user'; id: string }
  | { type: 'platform'; id: string }
  | { type: 'system'; id: string }
  | { type: 'invitee'; id: string };

export interface AuditEntry {
  tenantId: string;
  actor: Actor;
  /** `<entity>.<past participle>`, e.g. `member.invited`. */
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  at: string;
}

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
      expiresAtEpoch: Math.floor(Date.parse(entry.at) / 1000) + retentionSeconds,
    },
  });
}
