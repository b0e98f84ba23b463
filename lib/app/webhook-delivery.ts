/**
 * Delivering events to a tenant's webhook endpoints (DESIGN §1 "Events to
 * other systems"), the same code in AWS and locally:
 *
 * - `fanOut`: an event (made from a committed audit item) → one delivery per
 *   enabled endpoint subscribed to its type (written once: the delivery's id
 *   is the event's), each attempted at once;
 * - `attemptDelivery`: claims the attempt, signs (Standard Webhooks, every
 *   signing secret), sends (lib/aws/webhook-sender.ts: SSRF checks at every
 *   send), records the outcome and the next attempt of the schedule; a 410
 *   or five days of failures disables the endpoint and mails the tenant's admins;
 * - `runDueDeliveries`: the sweep of deliveries whose next attempt is due,
 *   shared fairly between tenants: each tenant gets its own lane and at most
 *   DUE_PER_TENANT attempts a sweep, so one tenant's dead endpoint (every
 *   attempt waiting out its 15 s) never delays another tenant's deliveries;
 * - the retry queue: a failed attempt whose next retry is due within
 *   MAX_QUEUE_DELAY_S is also handed to `scheduleRetry` (in AWS an SQS
 *   message with that DelaySeconds, lib/aws/webhook-retry-queue.ts; locally a
 *   timer), and `attemptQueuedRetry` makes it when the message arrives, so
 *   "5 s" means 5 s and not "at the next one-minute sweep". The queue and the
 *   sweep claim an attempt the same way (a conditional update that moves it a
 *   lease ahead), so exactly one of them sends it; the sweep stays the safety
 *   net (a lost or refused message) and makes the retries 30 min and more away.
 */
import { ulid } from 'ulid';
import { escapeHtml, send } from '../aws/mail.ts';
import { sendWebhook } from '../aws/webhook-sender.ts';
import { config } from '../config.ts';
import { fairOrder } from '../domain/job-scheduling.ts';
import {
  type AttemptResult,
  afterAttempt,
  failingTooLong,
  signatureHeader,
  signingSecrets,
  succeeded,
} from '../domain/webhooks.ts';
import { type EventEnvelope, subscribed } from '../events/envelope.ts';
import { logger } from '../log.ts';
import type { Actor } from '../store/audit.ts';
import { activeAdmins } from '../store/upkeep.ts';
import {
  claimAttempt,
  type DeliveryRecord,
  dueDeliveries,
  getWebhook,
  insertDelivery,
  listWebhooks,
  recordOutcome,
  setFailingSince,
  type WebhookRecord,
  writeWebhookChange,
} from '../store/webhooks.ts';

export const DELIVERY_ACTOR: Actor = { type: 'system', id: 'webhook-delivery', name: 'Roster webhooks' };

/** Attempts one tenant may use in one sweep (the rest wait for the next sweep). */
export const DUE_PER_TENANT = 25;
/** Deliveries one sweep reads. */
export const DUE_PER_SWEEP = 500;
/** Attempts in flight at once within one tenant's lane. */
export const LANE_CONCURRENCY = 4;

const policy = () => ({ allowPrivate: config().webhookAllowPrivateTargets });

/** SQS's longest per-message delay (DelaySeconds): retries further away are the sweep's. */
export const MAX_QUEUE_DELAY_S = 900;

/** A retry handed to the retry queue: which delivery, and which attempt the message makes. */
export interface RetryMessage {
  tenantId: string;
  webhookId: string;
  deliveryId: string;
  /** The attempt's number (attempts made so far + 1): a message for an attempt already made sends nothing. */
  attempt: number;
}

/** The retry queue's port: deliver `message` to `attemptQueuedRetry` in `delaySeconds` (0‥MAX_QUEUE_DELAY_S). */
export type ScheduleRetry = (message: RetryMessage, delaySeconds: number) => Promise<void>;

export interface DeliveryOptions {
  now: () => Date;
  /** The request time-out (tests shorten it). */
  timeoutMs?: number;
  /** Where retries due within 15 minutes are queued; without it they wait for the sweep. */
  scheduleRetry?: ScheduleRetry;
}

/** The retry queue's message arrived: make its attempt if it is due and still the one to make. */
export async function attemptQueuedRetry(
  message: RetryMessage,
  options: DeliveryOptions,
): Promise<DeliveryRecord | undefined> {
  return attemptDelivery(
    { tenantId: message.tenantId, webhookId: message.webhookId, id: message.deliveryId },
    { ...options, expectedAttempts: message.attempt - 1 },
  );
}

/** One event → its deliveries (one per subscribed enabled endpoint), each attempted now. */
export async function fanOut(event: EventEnvelope, options: DeliveryOptions): Promise<DeliveryRecord[]> {
  // An endpoint gets the events that happened since it was created (a replayed stream brings older ones).
  const endpoints = (await listWebhooks(event.tenantId)).filter(
    (w) => w.status === 'enabled' && subscribed(w.events, event.type) && event.occurredAt >= w.createdAt,
  );
  const body = JSON.stringify(event);
  const created = await Promise.all(
    endpoints.map(async (endpoint) => {
      const delivery = newDelivery(endpoint, event, body, options.now());
      return (await insertDelivery(delivery)) ? delivery : undefined;
    }),
  );
  const fresh = created.filter((d): d is DeliveryRecord => !!d);
  return Promise.all(fresh.map((d) => attemptDelivery(d, options).then((done) => done ?? d)));
}

export function newDelivery(endpoint: WebhookRecord, event: EventEnvelope, body: string, now: Date): DeliveryRecord {
  const at = now.toISOString();
  return {
    tenantId: endpoint.tenantId,
    webhookId: endpoint.id,
    id: event.id,
    eventType: event.type,
    body,
    status: 'pending',
    attempt: 0,
    nextAttemptAt: at,
    responseStatus: null,
    durationMs: null,
    lastError: null,
    lastAttemptAt: null,
    createdAt: at,
  };
}

/** A test event for one endpoint: delivered like any other, never in the feed (no change was made). */
export function testEvent(endpoint: WebhookRecord, actor: Actor, now: Date): EventEnvelope {
  return {
    specversion: '1',
    id: ulid(now.getTime()),
    type: 'roster.test',
    occurredAt: now.toISOString(),
    tenantId: endpoint.tenantId,
    actor: {
      type: actor.type === 'platform' || actor.type === 'system' ? actor.type : 'user',
      id: actor.id,
      name: actor.name ?? null,
    },
    data: { target: { type: 'webhook', id: endpoint.id }, version: endpoint.version, before: null, after: null },
  };
}

/**
 * One attempt of a delivery, if it is due (or `force`: a manual retry) and
 * no one else claimed it: the delivery as recorded after it, or undefined
 * when not attempted.
 */
export async function attemptDelivery(
  key: Pick<DeliveryRecord, 'tenantId' | 'webhookId' | 'id'>,
  options: DeliveryOptions & { force?: boolean; expectedAttempts?: number },
): Promise<DeliveryRecord | undefined> {
  const claimed = await claimAttempt(key, options.now(), options.force, options.expectedAttempts);
  if (!claimed) return undefined;
  const endpoint = await getWebhook(key.tenantId, key.webhookId);
  if (endpoint?.status !== 'enabled') {
    const done: DeliveryRecord = {
      ...claimed,
      status: 'failed',
      nextAttemptAt: null,
      lastError: endpoint ? 'The endpoint is disabled' : 'The endpoint was deleted',
      lastAttemptAt: options.now().toISOString(),
    };
    await recordOutcome(claimed, { ...done, lastAttemptAt: done.lastAttemptAt as string });
    return done;
  }
  const sentAt = options.now();
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  const result = await sendWebhook(
    {
      url: endpoint.url,
      headers: {
        'webhook-id': claimed.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(
          signingSecrets(endpoint.secrets, sentAt),
          claimed.id,
          timestamp,
          claimed.body,
        ),
      },
      body: claimed.body,
    },
    policy(),
    options.timeoutMs,
  );
  const now = options.now();
  const next = afterAttempt(claimed.attempt, result, now);
  const done: DeliveryRecord = {
    ...claimed,
    status: next.status,
    nextAttemptAt: next.nextAttemptAt,
    responseStatus: 'status' in result ? result.status : null,
    durationMs: result.durationMs,
    lastError: describe(result),
    lastAttemptAt: now.toISOString(),
  };
  await recordOutcome(claimed, { ...done, lastAttemptAt: done.lastAttemptAt as string });
  await queueRetry(done, now, options.scheduleRetry);
  await afterEndpointOutcome(endpoint, result, next.disableEndpoint, now);
  return done;
}

/** A retry due within MAX_QUEUE_DELAY_S to the retry queue; if the queue refuses it, the sweep still makes it. */
async function queueRetry(d: DeliveryRecord, now: Date, scheduleRetry?: ScheduleRetry): Promise<void> {
  if (!scheduleRetry || d.status !== 'pending' || !d.nextAttemptAt) return;
  // Rounded up: a message never arrives before its attempt is due.
  const delaySeconds = Math.max(0, Math.ceil((Date.parse(d.nextAttemptAt) - now.getTime()) / 1000));
  if (delaySeconds > MAX_QUEUE_DELAY_S) return;
  const message: RetryMessage = {
    tenantId: d.tenantId,
    webhookId: d.webhookId,
    deliveryId: d.id,
    attempt: d.attempt + 1,
  };
  try {
    await scheduleRetry(message, delaySeconds);
  } catch (error) {
    logger.warn('webhook retry not queued', { ...message, error: String(error) });
  }
}

function describe(result: AttemptResult): string | null {
  if (succeeded(result)) return null;
  if ('error' in result) return result.error;
  if (result.status >= 300 && result.status < 400) return `Answered ${result.status} (redirects are not followed)`;
  return `Answered ${result.status}`;
}

/** The endpoint's health after an attempt: a success ends a failing streak; 410 or 5 days of failures disable it. */
async function afterEndpointOutcome(endpoint: WebhookRecord, result: AttemptResult, gone: boolean, now: Date) {
  if (succeeded(result)) {
    if (endpoint.failingSince) await setFailingSince(endpoint, null);
    return;
  }
  if (gone) return disable(endpoint, 'The receiver answered 410 Gone', now);
  if (failingTooLong(endpoint.failingSince, now)) {
    return disable(endpoint, `Every delivery failed since ${endpoint.failingSince}`, now);
  }
  await setFailingSince(endpoint, now.toISOString());
}

async function disable(endpoint: WebhookRecord, reason: string, now: Date): Promise<void> {
  const current = await getWebhook(endpoint.tenantId, endpoint.id);
  if (!current || current.status === 'disabled') return;
  const { failingSince: _failing, ...rest } = current;
  const next: WebhookRecord = {
    ...rest,
    status: 'disabled',
    disabledReason: reason,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  try {
    await writeWebhookChange(current, next, DELIVERY_ACTOR, 'webhook.disabled');
  } catch (error) {
    // Changed meanwhile (edited, rotated): the next failure decides again.
    logger.warn('webhook not disabled: it changed meanwhile', { tenantId: endpoint.tenantId, webhookId: endpoint.id });
    return void error;
  }
  logger.warn('webhook endpoint disabled', { tenantId: endpoint.tenantId, webhookId: endpoint.id, reason });
  await mailAdmins(next, reason).catch((error: unknown) =>
    logger.error('webhook disabled mail failed', { tenantId: endpoint.tenantId, error: String(error) }),
  );
}

async function mailAdmins(endpoint: WebhookRecord, reason: string): Promise<void> {
  const admins = await activeAdmins(endpoint.tenantId);
  const link = `${config().appUrl}/settings`;
  const subject = 'A webhook endpoint was disabled';
  const text = [
    `Roster stopped sending events to ${endpoint.url}.`,
    '',
    `Why: ${reason}.`,
    '',
    `Fix the receiver, then enable the endpoint again and retry its failed deliveries: ${link}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif"><p>Roster stopped sending events to <strong>${escapeHtml(endpoint.url)}</strong>.</p><p>Why: ${escapeHtml(reason)}.</p><p><a href="${escapeHtml(link)}" target="_blank" rel="noopener">Fix the receiver, then enable the endpoint again and retry its failed deliveries</a></p></body></html>`;
  for (const admin of admins) await send(admin.email, subject, text, html);
}

export interface SweepSummary {
  due: number;
  attempted: number;
  /** Due deliveries left for the next sweep (their tenant's share of this one used up). */
  deferred: number;
}

/**
 * Attempts every due delivery, fairly: tenants in parallel lanes, each lane
 * at most LANE_CONCURRENCY at once and DUE_PER_TENANT a sweep.
 */
export async function runDueDeliveries(options: DeliveryOptions): Promise<SweepSummary> {
  const due = await dueDeliveries(options.now(), DUE_PER_SWEEP);
  const { order, deferred } = fairOrder(due, (d) => d.tenantId, DUE_PER_TENANT);
  const lanes = new Map<string, typeof order>();
  for (const d of order) lanes.set(d.tenantId, [...(lanes.get(d.tenantId) ?? []), d]);
  let attempted = 0;
  await Promise.all(
    [...lanes.values()].map((lane) =>
      inParallel(lane, LANE_CONCURRENCY, async (d) => {
        try {
          if (await attemptDelivery(d, options)) attempted += 1;
        } catch (error) {
          // The lease brings it back; log and go on with the others.
          logger.error('webhook attempt failed', {
            tenantId: d.tenantId,
            webhookId: d.webhookId,
            error: String(error),
          });
        }
      }),
    ),
  );
  return { due: due.length, attempted, deferred };
}

/** Runs `work` over `items`, at most `limit` at once. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
