/** Request schemas of the webhooks area (issue 21), beside the shared ones in schemas.ts. */
import * as z from 'zod';
import { TenantId } from './schemas.ts';

export const WebhookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A webhook id');
export const DeliveryId = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/, 'A delivery id');
export const WebhookPath = z.object({ tenantId: TenantId, webhookId: WebhookId }).strict();
export const DeliveryPath = z.object({ tenantId: TenantId, webhookId: WebhookId, deliveryId: DeliveryId }).strict();

const EventType = z.string().regex(/^(\*|[a-z]+\.[a-z_]+)$/, 'An event type such as member.invited, or *');

export const WebhookFields = {
  url: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .meta({ description: 'Where events are POSTed: https (and a public address) in AWS.' }),
  events: z
    .array(EventType)
    .min(1)
    .max(100)
    .meta({ description: 'The event types to deliver (e.g. member.invited), or ["*"] for every one.' }),
  description: z.string().trim().max(500).optional(),
};

export const EventsQuery = z
  .object({
    after: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: 'The nextCursor of the previous page: events after it' }),
    types: z
      .string()
      .regex(/^[a-z]+\.[a-z_]+(,[a-z]+\.[a-z_]+)*$/, 'Comma-separated event types')
      .max(2000)
      .optional()
      .meta({ description: 'Only these event types, comma-separated' }),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
