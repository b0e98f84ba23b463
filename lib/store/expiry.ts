/**
 * Invitation expiry in the store: due invitations found through the sparse
 * GSI2 index (only invited members carry its keys, ordered by expiry, spread
 * over a few shards) — never a scan — and one expiry written as the usual
 * member change, skipped rather than failed when it lost a race.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { MemberRecord } from '../domain/records.ts';
import { memberFromItem } from './items.ts';
import { keys } from './keys.ts';
import { type MemberChange, writeMemberChange } from './members.ts';
import { INDEXES } from './table.ts';

export type PageKey = Record<string, unknown>;

export interface DuePage {
  /** As projected into the index: possibly a moment old (GSI reads are eventually consistent). */
  members: MemberRecord[];
  /** Where the next page of this shard starts; undefined when the shard is drained. */
  next?: PageKey;
}

/** One page of one shard's invitations that expired before `before` (ISO time), oldest first. */
export async function dueInvitations(
  shard: number,
  before: string,
  page: { limit: number; start?: PageKey },
): Promise<DuePage> {
  const { partitionKey, sortKey } = INDEXES.gsi2;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi2.name,
      // Sort keys are `<expiresAt>#<tenantId>#<memberId>`: every one below `before` is due.
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
      ExpressionAttributeValues: { ':pk': keys.inviteShardPartition(shard), ':before': before },
      Limit: page.limit,
      ExclusiveStartKey: page.start,
    }),
  );
  return { members: (out.Items ?? []).map(memberFromItem), next: out.LastEvaluatedKey };
}

/**
 * Writes an expiry (member, seat counter, audit: one transaction). False when
 * it lost a race — the member moved since it was read (accepted, resent,
 * revoked), its tenant is gone, or another transaction held the same items at
 * that instant — and nothing is written: a still-due invitation is picked up
 * by the next run.
 */
export async function writeExpiry(change: Omit<MemberChange, 'onStale'>): Promise<boolean> {
  const moved = new DomainError('conflict', 'The invitation changed meanwhile.');
  try {
    await writeMemberChange({ ...change, onStale: () => moved });
    return true;
  } catch (error) {
    if (error === moved || (error instanceof DomainError && error.code === 'not-found')) return false;
    const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return false;
    throw error;
  }
}
