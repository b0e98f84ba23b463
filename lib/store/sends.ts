/**
 * Issue 17 (mail-bomb): the records that bound how often one tenant mails
 * one address, and how much it mails in a day. Read with the email claim in
 * ONE BatchGetItem before anything is written or created; written inside the
 * transaction of the change that sends, conditioned on what was read, so a
 * refusal — here or in a race — writes nothing and sends nothing.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import {
  type AddressSends,
  addressSendWait,
  budgetDay,
  dailyBudgetSpent,
  nextAddressSends,
  tooManySendsToAddress,
} from '../domain/identity.ts';
import type { TenantRecord } from '../domain/records.ts';
import { keys } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import { put, type TxItem, update } from './transact.ts';

/** What one send of `tenant` to `email` checked: the address record and today's count as read. */
export interface SendGate {
  tenantId: string;
  email: string;
  sends: AddressSends | undefined;
  day: string;
  limit: number;
}

/**
 * Reads the email claim, the address record and today's budget in one round
 * trip; refuses (429 with `Retry-After`) when either limit is reached.
 */
export async function openSendGate(
  tenant: Pick<TenantRecord, 'id' | 'plan'>,
  email: string,
  now: Date,
): Promise<{ gate: SendGate; emailClaimed: boolean }> {
  const table = config().tableName;
  const day = budgetDay(now);
  const claimKey = keys.emailClaim(tenant.id, email);
  const sendsKey = keys.addressSends(tenant.id, email);
  const budgetKey = keys.sendBudget(tenant.id, day);
  const out = await dynamo().send(
    new BatchGetCommand({
      RequestItems: { [table]: { Keys: [claimKey, sendsKey, budgetKey], ConsistentRead: true } },
    }),
  );
  const items = out.Responses?.[table] ?? [];
  const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const record = find(sendsKey);
  const sends = record
    ? { sendCount: Number(record.sendCount ?? 0), lastSentAt: String(record.lastSentAt ?? '') }
    : undefined;
  const limit = config().invitationDailyBudget[tenant.plan];
  const gate: SendGate = { tenantId: tenant.id, email, sends, day, limit };
  assertSendAllowed(gate, Number(find(budgetKey)?.sent ?? 0), now);
  return { gate, emailClaimed: find(claimKey) !== undefined };
}

function assertSendAllowed(gate: SendGate, sentToday: number, now: Date): void {
  if (sentToday >= gate.limit) throw dailyBudgetSpent(gate.limit, now);
  const wait = addressSendWait(
    gate.sends,
    now,
    config().invitationResendIntervalSeconds,
    config().invitationAddressWindowSeconds,
  );
  if (wait > 0) throw tooManySendsToAddress(wait);
}

/** The reads a gate may need again on its own (a resend has no email claim to read). */
export async function checkSendGate(tenant: Pick<TenantRecord, 'id' | 'plan'>, email: string, now: Date) {
  return (await openSendGate(tenant, email, now)).gate;
}

/**
 * The gate's writes for one send, for the sending change's transaction: the
 * address record moved on (only if still as read) and today's count raised
 * (only below the budget). Either condition failing refuses the whole change.
 */
export function sendGateItems(gate: SendGate, now: Date): TxItem[] {
  const window = config().invitationAddressWindowSeconds;
  const next = nextAddressSends(gate.sends, now, window);
  const expiresAt = Math.ceil(now.getTime() / 1000) + window;
  const wait = () => tooManySendsToAddress(Math.max(1, config().invitationResendIntervalSeconds));
  return [
    put(
      {
        Item: {
          ...keys.addressSends(gate.tenantId, gate.email),
          entity: 'addressSends',
          ...next,
          [TTL_ATTRIBUTE]: expiresAt,
        },
        ...(gate.sends
          ? { ConditionExpression: 'lastSentAt = :read', ExpressionAttributeValues: { ':read': gate.sends.lastSentAt } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
      wait,
    ),
    update(
      {
        Key: keys.sendBudget(gate.tenantId, gate.day),
        UpdateExpression: 'SET entity = :entity, #ttl = if_not_exists(#ttl, :ttl) ADD sent :one',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':entity': 'sendBudget',
          ':ttl': Math.ceil(now.getTime() / 1000) + 2 * 86_400,
          ':one': 1,
          ':limit': gate.limit,
        },
      },
      () => dailyBudgetSpent(gate.limit, now),
    ),
  ];
}
