/**
 * `Idempotency-Key` for creating POSTs: the first request's response is stored
 * in the same transaction as its change; a retry with the same key and body
 * gets that response back, and nothing runs twice. Records expire after 24 h.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { keys } from './keys.ts';
import { put, type TxItem } from './transact.ts';

const TTL_SECONDS = 86_400;

export interface Idempotency {
  tenantId: string;
  operation: string;
  /** Who sent it: a record answers only its own caller (DESIGN §2a rule 8). */
  callerId: string;
  key: string;
  requestHash: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function idempotencyOf(
  tenantId: string,
  operation: string,
  callerId: string,
  key: string,
  body: unknown,
): Idempotency {
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { tenantId, operation, callerId, key, requestHash };
}

const recordKey = (i: Idempotency) => keys.idempotency(i.tenantId, i.operation, i.callerId, i.key);

/** A record past its expiry is gone, whether or not TTL has deleted it yet. */
const expired = (item: Record<string, unknown>, now: Date) =>
  typeof item.expiresAtEpoch === 'number' && item.expiresAtEpoch * 1000 <= now.getTime();

/** The stored response of an earlier request with this key; 409 when the key was used for another body. */
export async function replay(i: Idempotency, now = new Date()): Promise<StoredResponse | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: recordKey(i), ConsistentRead: true }),
  );
  if (!Item || expired(Item, now)) return undefined;
  if (Item.requestHash !== i.requestHash) {
    throw new DomainError('conflict', 'This Idempotency-Key was already used with a different request body.');
  }
  return Item.response as StoredResponse;
}

/** The record, written in the change's transaction; a concurrent twin makes the transaction fail. */
export function recordResponse(i: Idempotency, response: StoredResponse, now: Date): TxItem {
  return put(
    {
      Item: {
        ...recordKey(i),
        entity: 'idempotency',
        requestHash: i.requestHash,
        response,
        expiresAtEpoch: Math.floor(now.getTime() / 1000) + TTL_SECONDS,
      },
      // An expired record not yet removed by TTL is replaced.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAtEpoch <= :now',
      ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
    },
    () => new DomainError('conflict', 'A request with this Idempotency-Key is already being processed; retry shortly.'),
  );
}
