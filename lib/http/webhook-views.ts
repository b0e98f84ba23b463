/**
 * Response shapes of the webhooks area (issue 21) and the event envelope,
 * for the OpenAPI document: its operations and its `webhooks` section (one
 * entry per event type, each with the envelope's schema and that type).
 */
import * as z from 'zod';
import type { DeliveryView as DeliveryViewType, WebhookView as WebhookViewType } from '../app/webhooks.ts';
import {
  EVENT_TYPES,
  type EventEnvelope as EventEnvelopeType,
  SPEC_VERSION,
  TEST_EVENT_TYPE,
} from '../events/envelope.ts';

const Time = z.iso.datetime().meta({ example: '2026-03-01T09:30:00.000Z' });

export const WebhookView = z
  .object({
    id: z.string().meta({ example: '01jnq7x4m2a8b6c9d0e1f2g3h4' }),
    url: z.string().meta({ example: 'https://crm.acme.example/hooks/roster' }),
    description: z.string(),
    events: z.array(z.string()).meta({ example: ['member.invited', 'member.deactivated'] }),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Why deliveries stopped (410 Gone, 5 days failing, a member)' }),
    failingSince: Time.nullable().meta({ description: 'Deliveries have failed since then with no success' }),
    secretCreatedAt: Time,
    previousSecretExpiresAt: Time.nullable().meta({ description: 'Until then the rotated-out secret signs too' }),
    createdAt: Time,
    updatedAt: Time,
    version: z.number().int(),
  })
  .meta({ id: 'Webhook' });

export const WebhookWithSecret = WebhookView.extend({
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+=*$/)
    .meta({ description: 'The signing secret (Standard Webhooks `whsec_…`): shown in this response only' }),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookList = z
  .object({ items: z.array(WebhookView), nextCursor: z.null() })
  .meta({ id: 'WebhookList', description: 'Every endpoint of the tenant (at most 20)' });

export const DeliveryView = z
  .object({
    id: z.string().meta({ description: 'The delivery: the event’s id (the `webhook-id` header)' }),
    eventId: z.string(),
    eventType: z.string().meta({ example: 'member.invited' }),
    status: z
      .enum(['pending', 'succeeded', 'failed'])
      .meta({ description: 'pending = will be (re)tried at nextAttemptAt' }),
    attempt: z.number().int().meta({ description: 'Attempts made' }),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The last attempt’s HTTP status; null: no answer' }),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable().meta({ description: 'Why the last attempt failed (never the response body)' }),
    lastAttemptAt: Time.nullable(),
    nextAttemptAt: Time.nullable(),
    createdAt: Time,
  })
  .meta({ id: 'WebhookDelivery' });

export const DeliveryPage = z
  .object({
    items: z.array(DeliveryView),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .meta({ id: 'WebhookDeliveryPage' });

const Target = z.object({ type: z.string().meta({ example: 'member' }), id: z.string() });

function envelope(type?: string) {
  return z.object({
    specversion: z.literal(SPEC_VERSION).meta({ description: 'The envelope’s version' }),
    id: z.string().meta({ description: 'Unique and stable: the `webhook-id` header, the receiver’s idempotency key' }),
    type: type ? z.literal(type) : z.string().meta({ example: 'member.invited' }),
    occurredAt: Time,
    tenantId: z.string(),
    actor: z.object({
      type: z.enum(['user', 'apiKey', 'scim', 'platform', 'system']),
      id: z.string(),
      name: z.string().nullable().meta({ description: 'As recorded when the change was made' }),
    }),
    data: z.object({
      target: Target,
      version: z.number().int().nullable().meta({ description: 'The resource’s version after the change' }),
      before: z.unknown().meta({ description: 'The changed fields before (null when created)' }),
      after: z.unknown().meta({ description: 'The changed fields after (null when deleted)' }),
    }),
  });
}

export const EventEnvelope = envelope().meta({ id: 'Event', description: `Event envelope v${SPEC_VERSION}` });

export const EventPage = z
  .object({
    items: z.array(EventEnvelope),
    nextCursor: z.string().meta({ description: 'Always present: pass as `after` to get the events after these' }),
  })
  .meta({ id: 'EventPage' });

/** One schema per event type: the envelope with that `type` (the `webhooks` section of the document). */
export const EVENT_SCHEMAS = Object.fromEntries(
  [...EVENT_TYPES, TEST_EVENT_TYPE].map((type) => [
    type,
    envelope(type).meta({ id: `Event_${type.replace(/[^A-Za-z]+/g, '_')}_v${SPEC_VERSION}` }),
  ]),
);

// The views the code builds and their schemas must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameWebhook: Same<z.infer<typeof WebhookView>, WebhookViewType> = true;
const sameDelivery: Same<z.infer<typeof DeliveryView>, DeliveryViewType> = true;
const sameEnvelope: Same<z.infer<typeof EventEnvelope>['actor'], EventEnvelopeType['actor']> = true;
void [sameWebhook, sameDelivery, sameEnvelope];
