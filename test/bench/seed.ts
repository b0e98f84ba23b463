/**
 * Direct seeding for the scale benchmarks: thousands of items shaped exactly
 * as the store writes them (memberItem, tenantItem), written with BatchWrite
 * in parallel — seconds instead of thousands of API calls.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, type BatchWriteCommandOutput, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { SEAT_HOLDING } from '../../lib/domain/lifecycle.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { keys } from '../../lib/store/keys.ts';
import { memberItem } from '../../lib/store/member-items.ts';

const table = () => process.env.TABLE_NAME as string;

/** Writes every item, 25 per request, `concurrency` requests at a time, retrying unprocessed items. */
export async function batchWrite(items: readonly Record<string, unknown>[], concurrency = 4): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  async function worker(): Promise<void> {
    while (next < batches.length) {
      let pending: Record<string, unknown>[] = batches[next++] as Record<string, unknown>[];
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 10) throw new Error('seed: BatchWrite kept leaving items unprocessed');
        const out: BatchWriteCommandOutput = await dynamo().send(
          new BatchWriteCommand({ RequestItems: { [table()]: pending.map((Item) => ({ PutRequest: { Item } })) } }),
        );
        pending = (out.UnprocessedItems?.[table()] ?? []).map((r) => r.PutRequest?.Item as Record<string, unknown>);
        if (pending.length) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A member as the store keeps it; `overrides` sets status, invitation and the like. */
export function member(tenantId: string, n: number, at: string, overrides: Partial<MemberRecord> = {}): MemberRecord {
  const id = `bench-${n}-${randomBytes(4).toString('hex')}`;
  return {
    tenantId,
    id,
    email: `member-${n}-${id.slice(-8)}@bench.test`,
    name: `Member ${String(n).padStart(5, '0')}`,
    status: 'active',
    role: 'agent',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: at,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

/** Member items and their email claims (as insertMember writes them), without audit items. */
export function memberItems(members: readonly MemberRecord[]): Record<string, unknown>[] {
  return members.flatMap((m) => [
    memberItem(m),
    { ...keys.emailClaim(m.tenantId, m.email), entity: 'emailClaim', memberId: m.id },
  ]);
}

/** Adds seat-holding seeded members to the tenant's counter, so the seat invariant still holds. */
export async function addSeats(tenantId: string, seats: number): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.tenant(tenantId),
      UpdateExpression: 'ADD seatsUsed :n',
      ExpressionAttributeValues: { ':n': seats },
    }),
  );
}

/** Every member of a tenant, by status (one consistent query, paged). */
export async function membersByStatus(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ':prefix': keys.memberPrefix },
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) counts[String(item.status)] = (counts[String(item.status)] ?? 0) + 1;
    start = out.LastEvaluatedKey;
  } while (start);
  return counts;
}

export const seatHolders = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([status]) => SEAT_HOLDING.has(status as MemberRecord['status']))
    .reduce((sum, [, n]) => sum + n, 0);
