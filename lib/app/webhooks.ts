/**
 * A tenant's webhook endpoints (Settings → Webhooks): create (the secret is
 * shown once), list, read, edit, delete, rotate the secret (shown once; the
 * old one keeps signing for 24 h), send a test event, list deliveries and
 * re-send one now. Each change is one transaction with its audit item.
 * URLs are checked at save — form, and every address the host resolves to
 * (SSRF) — and again at every send.
 */
import { ulid } from 'ulid';
import { refusedTarget } from '../aws/webhook-sender.ts';
import { config } from '../config.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { newSecret, refusedUrl, rotated } from '../domain/webhooks.ts';
import { EVENT_TYPES } from '../events/envelope.ts';
import {
  type DeliveryRecord,
  deleteWebhook,
  getDelivery,
  getWebhook,
  insertDelivery,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  MAX_WEBHOOKS_PER_TENANT,
  makeDue,
  type WebhookRecord,
  writeWebhookChange,
} from '../store/webhooks.ts';
import { actorOf } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';
import { attemptDelivery, newDelivery, testEvent } from './webhook-delivery.ts';

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string;
}

export interface WebhookPatch {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

export interface WebhookView {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  /** When the current secret was made; `previousSecretExpiresAt` while a rotated-out one still signs. */
  secretCreatedAt: string;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function webhookView(w: WebhookRecord, now: Date): WebhookView {
  const [current, ...older] = w.secrets;
  const previous = older.find((s) => s.expiresAt && Date.parse(s.expiresAt) > now.getTime());
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    enabled: w.status === 'enabled',
    disabledReason: w.disabledReason ?? null,
    failingSince: w.failingSince ?? null,
    secretCreatedAt: current?.createdAt ?? w.createdAt,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    version: w.version,
  };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryRecord['status'];
  attempt: number;
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export const deliveryView = (d: DeliveryRecord): DeliveryView => ({
  id: d.id,
  eventId: d.id,
  eventType: d.eventType,
  status: d.status,
  attempt: d.attempt,
  responseStatus: d.responseStatus,
  durationMs: d.durationMs,
  error: d.lastError,
  lastAttemptAt: d.lastAttemptAt,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
  createdAt: d.createdAt,
});

const invalid = (path: string, message: string) =>
  new DomainError('validation-failed', `Invalid request: ${path}.`, { errors: [{ path, message }] });

/**
 * A test event or manual retry is sent within the request, which its function
 * must answer in 10 s: a receiver slower than this counts as a failed attempt
 * (retried on the schedule, with the full 15 s).
 */
export const INLINE_TIMEOUT_MS = 7_000;

const policy = () => ({ allowPrivate: config().webhookAllowPrivateTargets });

/** The URL's form, then every address its host resolves to now (SSRF). */
async function assertUrl(url: string): Promise<void> {
  const form = refusedUrl(url, policy());
  if (form) throw invalid('body.url', form);
  const target = await refusedTarget(url, policy());
  if (target) throw invalid('body.url', `Not a public address: ${target}`);
}

function eventsOf(events: string[]): string[] {
  const unique = [...new Set(events)];
  if (unique.includes('*')) return ['*'];
  const known = new Set<string>(EVENT_TYPES);
  const unknown = unique.filter((e) => !known.has(e));
  if (unknown.length) throw invalid('body.events', `Unknown event types: ${unknown.join(', ')}`);
  return unique.sort();
}

async function requireWebhook(access: TenantAccess, id: string): Promise<WebhookRecord> {
  const found = await getWebhook(access.tenant.id, id);
  if (!found) throw notFound('The webhook');
  return found;
}

function assertVersion(w: WebhookRecord, expected: number | undefined) {
  if (expected !== undefined && expected !== w.version) {
    throw new DomainError('precondition-failed', 'The webhook changed since you read it (ETag mismatch).');
  }
}

export async function createWebhook(access: TenantAccess, input: WebhookInput, now: Date) {
  const events = eventsOf(input.events);
  await assertUrl(input.url);
  if ((await listWebhooks(access.tenant.id)).length >= MAX_WEBHOOKS_PER_TENANT) {
    throw new DomainError('conflict', `A tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhook endpoints.`);
  }
  const at = now.toISOString();
  const secret = newSecret();
  const webhook: WebhookRecord = {
    tenantId: access.tenant.id,
    id: ulid(now.getTime()).toLowerCase(),
    url: input.url,
    description: input.description ?? '',
    events,
    status: 'enabled',
    secrets: [{ secret, createdAt: at }],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await insertWebhook(webhook, actorOf(access));
  return { ...webhookView(webhook, now), secret };
}

export async function listTenantWebhooks(access: TenantAccess, now: Date) {
  const items = await listWebhooks(access.tenant.id);
  return { items: items.map((w) => webhookView(w, now)), nextCursor: null };
}

export async function readWebhook(access: TenantAccess, id: string) {
  return requireWebhook(access, id);
}

export async function updateWebhook(
  access: TenantAccess,
  id: string,
  patch: WebhookPatch,
  now: Date,
  expectedVersion?: number,
): Promise<WebhookRecord> {
  const current = await requireWebhook(access, id);
  assertVersion(current, expectedVersion);
  const events = patch.events ? eventsOf(patch.events) : undefined;
  if (patch.url !== undefined && patch.url !== current.url) await assertUrl(patch.url);
  const enable = patch.enabled === true && current.status === 'disabled';
  const { disabledReason: _reason, failingSince: _failing, ...rest } = current;
  const next: WebhookRecord = {
    ...(patch.enabled === undefined ? current : rest),
    url: patch.url ?? current.url,
    events: events ?? current.events,
    description: patch.description ?? current.description,
    status: patch.enabled === undefined ? current.status : patch.enabled ? 'enabled' : 'disabled',
    ...(patch.enabled === false && current.status === 'enabled' ? { disabledReason: 'Disabled by a member' } : {}),
    ...(patch.enabled === false && current.status === 'disabled' && current.disabledReason
      ? { disabledReason: current.disabledReason }
      : {}),
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  if (enable) delete next.disabledReason;
  const same =
    next.url === current.url &&
    next.description === current.description &&
    next.status === current.status &&
    JSON.stringify(next.events) === JSON.stringify(current.events);
  if (same) return current;
  await writeWebhookChange(current, next, actorOf(access), 'webhook.updated');
  return next;
}

export async function removeWebhook(access: TenantAccess, id: string, now: Date, expectedVersion?: number) {
  const current = await requireWebhook(access, id);
  assertVersion(current, expectedVersion);
  await deleteWebhook(current, actorOf(access), now.toISOString());
}

export async function rotateSecret(access: TenantAccess, id: string, now: Date, expectedVersion?: number) {
  const current = await requireWebhook(access, id);
  assertVersion(current, expectedVersion);
  const secret = newSecret();
  const next: WebhookRecord = {
    ...current,
    secrets: rotated(current.secrets, secret, now),
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  await writeWebhookChange(current, next, actorOf(access), 'webhook.secret_rotated');
  return { ...webhookView(next, now), secret };
}

/** Sends a `roster.test` event to the endpoint now; the delivery as it went (retried on failure like any other). */
export async function sendTestEvent(access: TenantAccess, id: string, now: () => Date) {
  const endpoint = await requireWebhook(access, id);
  if (endpoint.status !== 'enabled') {
    throw new DomainError('conflict', 'The endpoint is disabled: enable it before sending a test event.');
  }
  const event = testEvent(endpoint, actorOf(access), now());
  const delivery = newDelivery(endpoint, event, JSON.stringify(event), now());
  await insertDelivery(delivery);
  const done = await attemptDelivery(delivery, { now, timeoutMs: INLINE_TIMEOUT_MS });
  return deliveryView(done ?? delivery);
}

export async function listWebhookDeliveries(
  access: TenantAccess,
  id: string,
  page: { limit: number; cursor?: string },
) {
  await requireWebhook(access, id);
  const result = await listDeliveries(access.tenant.id, id, page);
  return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
}

/** Re-sends a delivery now (whatever its state); its later failures follow the schedule again. */
export async function retryDelivery(access: TenantAccess, id: string, deliveryId: string, now: () => Date) {
  const endpoint = await requireWebhook(access, id);
  const delivery = await getDelivery(access.tenant.id, id, deliveryId);
  if (!delivery) throw notFound('The delivery');
  if (endpoint.status !== 'enabled') {
    throw new DomainError('conflict', 'The endpoint is disabled: enable it before retrying its deliveries.');
  }
  await makeDue(delivery, now());
  const done = await attemptDelivery(delivery, { now, force: true, timeoutMs: INLINE_TIMEOUT_MS });
  return deliveryView(done ?? (await getDelivery(access.tenant.id, id, deliveryId)) ?? delivery);
}
