/**
 * Webhook endpoints and their deliveries, in the tenant's partition.
 *
 * - An endpoint: `WEBHOOK#<id>`, versioned; each change is one transaction
 *   with its audit item.
 * - A delivery: `WHDELIVERY#<webhookId>#<deliveryId>` (deliveryId = the
 *   event's id, so fanning one event out twice writes it once), kept 30 days
 *   (TTL). While pending it sits in the due list (GSI2 `WEBHOOKS_DUE`,
 *   ordered by next attempt): what the delivery job sweeps. Claiming an
 *   attempt moves it a lease into the future, so an attempt that dies midway
 *   is retried, never lost, and two workers never send the same attempt.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { DELIVERY_RETENTION_DAYS, type DeliveryStatus, type EndpointSecret } from '../domain/webhooks.ts';
import { type Actor, auditPut } from './audit.ts';
import { queryPage, sortKeyStartsWith } from './query.ts';
import { put, remove, transact } from './transact.ts';

export interface WebhookRecord {
  tenantId: string;
  id: string;
  url: string;
  description: string;
  /** Event types, or `['*']` for every one. */
  events: string[];
  status: 'enabled' | 'disabled';
  disabledReason?: string;
  /** Current secret first; a rotated-out one carries `expiresAt`. */
  secrets: EndpointSecret[];
  /** When its deliveries started failing with no success since (absent while healthy). */
  failingSince?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DeliveryRecord {
  tenantId: string;
  webhookId: string;
  /** The event's id (a test event's own id). */
  id: string;
  eventType: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempt: number;
  nextAttemptAt: string | null;
  responseStatus: number | null;
  durationMs: number | null;
  /** Why the last attempt failed, in a few words (never the response body). */
  lastError: string | null;
  lastAttemptAt: string | null;
  createdAt: string;
}

export const MAX_WEBHOOKS_PER_TENANT = 20;

export const webhookKey = (tenantId: string, id: string) => ({ pk: `TENANT#${tenantId}`, sk: `WEBHOOK#${id}` });
const WEBHOOK_PREFIX = 'WEBHOOK#';
export const deliveryKey = (tenantId: string, webhookId: string, id: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `WHDELIVERY#${webhookId}#${id}`,
});
const deliveryPrefix = (webhookId: string) => `WHDELIVERY#${webhookId}#`;
export const DUE_PARTITION = 'WEBHOOKS_DUE';
const dueKey = (d: Pick<DeliveryRecord, 'tenantId' | 'webhookId' | 'id'>, at: string) => ({
  gsi2pk: DUE_PARTITION,
  gsi2sk: `${at}#${d.tenantId}#${d.webhookId}#${d.id}`,
});

const table = () => config().tableName;

function webhookItem(w: WebhookRecord) {
  return { ...webhookKey(w.tenantId, w.id), entity: 'webhook', ...w };
}

function webhookFrom(item: Record<string, unknown>): WebhookRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as WebhookRecord;
}

function deliveryFrom(item: Record<string, unknown>): DeliveryRecord {
  const { pk: _pk, sk: _sk, entity: _e, gsi2pk: _g, gsi2sk: _s, expiresAtEpoch: _x, leaseUntil: _l, ...rest } = item;
  return rest as unknown as DeliveryRecord;
}

/** What the audit trail shows of an endpoint (never a secret). */
export const shownWebhook = (w: WebhookRecord) => ({
  url: w.url,
  description: w.description,
  events: w.events,
  status: w.status,
  ...(w.disabledReason ? { disabledReason: w.disabledReason } : {}),
});

export async function getWebhook(tenantId: string, id: string): Promise<WebhookRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: webhookKey(tenantId, id), ConsistentRead: true }),
  );
  return Item?.entity === 'webhook' ? webhookFrom(Item) : undefined;
}

/** Every endpoint of the tenant (at most MAX_WEBHOOKS_PER_TENANT), in ONE query. */
export async function listWebhooks(tenantId: string): Promise<WebhookRecord[]> {
  const range = sortKeyStartsWith('sk', WEBHOOK_PREFIX);
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: `pk = :pk AND ${range.condition}`,
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ...range.values },
      Limit: MAX_WEBHOOKS_PER_TENANT + 1,
    }),
  );
  return (out.Items ?? []).map(webhookFrom);
}

const changed = () => new DomainError('precondition-failed', 'The webhook changed since you read it (ETag mismatch).');

export async function insertWebhook(w: WebhookRecord, actor: Actor, extra: ReturnType<typeof put>[] = []) {
  await transact([
    put({ Item: webhookItem(w), ConditionExpression: 'attribute_not_exists(pk)' }),
    auditPut({
      tenantId: w.tenantId,
      actor,
      action: 'webhook.created',
      target: { type: 'webhook', id: w.id },
      after: shownWebhook(w),
      at: w.createdAt,
      version: w.version,
    }),
    ...extra,
  ]);
}

/** Writes `next` over `current` (same id, version + 1) with its audit item, if `current` is still what is stored. */
export async function writeWebhookChange(
  current: WebhookRecord,
  next: WebhookRecord,
  actor: Actor,
  action: 'webhook.updated' | 'webhook.secret_rotated' | 'webhook.disabled',
): Promise<void> {
  await transact([
    put(
      {
        Item: webhookItem(next),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': current.version },
      },
      changed,
    ),
    auditPut({
      tenantId: current.tenantId,
      actor,
      action,
      target: { type: 'webhook', id: current.id },
      before: action === 'webhook.secret_rotated' ? null : shownWebhook(current),
      after: action === 'webhook.secret_rotated' ? { secretRotatedAt: next.updatedAt } : shownWebhook(next),
      at: next.updatedAt,
      version: next.version,
    }),
  ]);
}

export async function deleteWebhook(current: WebhookRecord, actor: Actor, at: string): Promise<void> {
  await transact([
    remove(
      {
        Key: webhookKey(current.tenantId, current.id),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': current.version },
      },
      changed,
    ),
    auditPut({
      tenantId: current.tenantId,
      actor,
      action: 'webhook.deleted',
      target: { type: 'webhook', id: current.id },
      before: shownWebhook(current),
      after: null,
      at,
    }),
  ]);
}

/** Records a failing streak's start (if none) or its end, without a version bump (bookkeeping, not a change). */
export async function setFailingSince(w: WebhookRecord, failingSince: string | null): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: webhookKey(w.tenantId, w.id),
        UpdateExpression: failingSince ? 'SET failingSince = if_not_exists(failingSince, :at)' : 'REMOVE failingSince',
        ConditionExpression: 'attribute_exists(pk)',
        ...(failingSince ? { ExpressionAttributeValues: { ':at': failingSince } } : {}),
      }),
    )
    .catch((error: unknown) => {
      // Deleted meanwhile: nothing to record.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
}

// ── deliveries ─────────────────────────────────────────────────────────

/** Writes a new pending delivery, due at once; false when this event was already fanned out to this endpoint. */
export async function insertDelivery(d: DeliveryRecord): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...deliveryKey(d.tenantId, d.webhookId, d.id),
          entity: 'webhookDelivery',
          ...d,
          ...(d.nextAttemptAt ? dueKey(d, d.nextAttemptAt) : {}),
          expiresAtEpoch: Math.floor(Date.parse(d.createdAt) / 1000) + DELIVERY_RETENTION_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function getDelivery(tenantId: string, webhookId: string, id: string) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: deliveryKey(tenantId, webhookId, id), ConsistentRead: true }),
  );
  return Item ? deliveryFrom(Item) : undefined;
}

/** An attempt in flight may take this long before the delivery is due again (a worker that died midway). */
export const ATTEMPT_LEASE_MS = 60_000;

/**
 * Claims the delivery's next attempt: only while pending and due at `now`
 * (or `force`: a manual retry, whatever its state), counting the attempt and
 * moving it a lease into the future. undefined when someone else claimed it
 * or it is not due.
 */
export async function claimAttempt(
  d: Pick<DeliveryRecord, 'tenantId' | 'webhookId' | 'id'>,
  now: Date,
  force = false,
  /** Only if exactly this many attempts were made (a queued retry for an attempt made meanwhile claims nothing). */
  expectedAttempts?: number,
): Promise<DeliveryRecord | undefined> {
  const lease = new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString();
  const onlyAttempt = expectedAttempts === undefined ? '' : ' AND attempt = :expected';
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: deliveryKey(d.tenantId, d.webhookId, d.id),
        UpdateExpression:
          'SET attempt = attempt + :one, #status = :pending, nextAttemptAt = :lease, gsi2pk = :due, gsi2sk = :dueAt',
        ConditionExpression:
          (force
            ? 'attribute_exists(pk) AND (#status <> :pending OR nextAttemptAt <= :now)'
            : 'attribute_exists(pk) AND #status = :pending AND nextAttemptAt <= :now') + onlyAttempt,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':pending': 'pending',
          ':lease': lease,
          ':now': now.toISOString(),
          ':due': DUE_PARTITION,
          ':dueAt': dueKey(d, lease).gsi2sk,
          ...(expectedAttempts === undefined ? {} : { ':expected': expectedAttempts }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? deliveryFrom(out.Attributes) : undefined;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

/** A manual retry: the delivery becomes pending and due now, its attempts counted (and scheduled) afresh. */
export async function makeDue(d: DeliveryRecord, now: Date): Promise<void> {
  const at = now.toISOString();
  await dynamo().send(
    new UpdateCommand({
      TableName: table(),
      Key: deliveryKey(d.tenantId, d.webhookId, d.id),
      UpdateExpression: 'SET #status = :pending, attempt = :zero, nextAttemptAt = :at, gsi2pk = :due, gsi2sk = :dueAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':zero': 0,
        ':at': at,
        ':due': DUE_PARTITION,
        ':dueAt': dueKey(d, at).gsi2sk,
      },
    }),
  );
}

/** The attempt's outcome: pending with its next attempt (back in the due list), or done (out of it). */
export async function recordOutcome(
  d: DeliveryRecord,
  outcome: Pick<DeliveryRecord, 'status' | 'nextAttemptAt' | 'responseStatus' | 'durationMs' | 'lastError'> & {
    lastAttemptAt: string;
  },
): Promise<void> {
  const due = outcome.status === 'pending' && outcome.nextAttemptAt;
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: deliveryKey(d.tenantId, d.webhookId, d.id),
        UpdateExpression: `SET #status = :status, nextAttemptAt = :next, responseStatus = :code, durationMs = :ms, lastError = :error, lastAttemptAt = :at${
          due ? ', gsi2pk = :due, gsi2sk = :dueAt' : ' REMOVE gsi2pk, gsi2sk'
        }`,
        // Only the attempt this worker claimed (a manual retry may have started another).
        ConditionExpression: 'attempt = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':next': outcome.nextAttemptAt,
          ':code': outcome.responseStatus,
          ':ms': outcome.durationMs,
          ':error': outcome.lastError,
          ':at': outcome.lastAttemptAt,
          ':attempt': d.attempt,
          ...(due ? { ':due': DUE_PARTITION, ':dueAt': dueKey(d, due).gsi2sk } : {}),
        },
      }),
    )
    .catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
}

/** Deliveries due at `now` (all tenants), oldest due first, at most `limit`. */
export async function dueDeliveries(
  now: Date,
  limit: number,
): Promise<Pick<DeliveryRecord, 'tenantId' | 'webhookId' | 'id'>[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
      ExpressionAttributeValues: { ':pk': DUE_PARTITION, ':now': `${now.toISOString()}#\u{10FFFF}` },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((item) => {
    const [, tenantId = '', webhookId = '', id = ''] = String(item.gsi2sk).split('#');
    return { tenantId, webhookId, id };
  });
}

/** A page of one endpoint's deliveries, newest first (ids are ULIDs). */
export async function listDeliveries(tenantId: string, webhookId: string, page: { limit: number; cursor?: string }) {
  const result = await queryPage({
    scope: `WHDELIVERIES#${tenantId}#${webhookId}`,
    partition: `TENANT#${tenantId}`,
    sortPrefix: deliveryPrefix(webhookId),
    newestFirst: true,
    page,
  });
  return { items: result.items.map(deliveryFrom), nextCursor: result.nextCursor };
}

export const webhookNotFound = () => notFound('The webhook');
