/**
 * Tickets the release job works through (GSI2, oldest first): a member who
 * left or was suspended — their open conversations are released until none
 * is left — and a member who went away — their teams' away release applies
 * once the delay has passed. Each is written in the transaction that changes
 * the member.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { keys } from './keys.ts';
import { INDEXES } from './table.ts';
import { put, remove, type TxItem, transact } from './transact.ts';

/** A release ticket: this member's queue is drained until empty (written with the lifecycle change). */
export function releaseTicketPut(tenantId: string, memberId: string, at: string, reason = 'assignee.left'): TxItem {
  return put({
    Item: {
      ...keys.releaseTicket(tenantId, memberId),
      ...keys.releaseList(tenantId, memberId, at),
      entity: 'releaseTicket',
      tenantId,
      memberId,
      reason,
      createdAt: at,
    },
  });
}

export async function removeReleaseTicket(tenantId: string, memberId: string): Promise<void> {
  await transact([remove({ Key: keys.releaseTicket(tenantId, memberId) })]);
}

export interface Ticket {
  tenantId: string;
  memberId: string;
  createdAt: string;
  reason?: string;
}

async function listTickets(
  partition: string,
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ items: Ticket[]; next?: Record<string, unknown> }> {
  const { partitionKey } = INDEXES.gsi2;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi2.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => ({
      tenantId: String(i.tenantId),
      memberId: String(i.memberId),
      createdAt: String(i.createdAt),
      ...(i.reason ? { reason: String(i.reason) } : {}),
    })),
    next: out.LastEvaluatedKey,
  };
}

/** One page of open release tickets (GSI2), oldest first. */
export const listReleaseTickets = (limit: number, start?: Record<string, unknown>) =>
  listTickets(keys.releasePartition, limit, start);

/** An away ticket, written when a member goes away (removed when they come back): the job's away release list. */
export function awayTicketPut(tenantId: string, memberId: string, since: string): TxItem {
  return put({
    Item: {
      ...keys.awayTicket(tenantId, memberId),
      ...keys.awayList(tenantId, memberId, since),
      entity: 'awayTicket',
      tenantId,
      memberId,
      createdAt: since,
    },
  });
}

export const awayTicketDelete = (tenantId: string, memberId: string): TxItem =>
  remove({ Key: keys.awayTicket(tenantId, memberId) });

export async function removeAwayTicket(tenantId: string, memberId: string, since: string): Promise<void> {
  await transact([
    remove({
      Key: keys.awayTicket(tenantId, memberId),
      ConditionExpression: 'attribute_not_exists(pk) OR createdAt = :since',
      ExpressionAttributeValues: { ':since': since },
    }),
  ]).catch((error: unknown) => {
    // A newer away period wrote its own ticket meanwhile: it stays.
    if (!(error instanceof Error && error.name === 'TransactionCanceledException')) throw error;
  });
}

/** One page of away tickets (GSI2), longest away first. */
export const listAwayTickets = (limit: number, start?: Record<string, unknown>) =>
  listTickets(keys.awayPartition, limit, start);
