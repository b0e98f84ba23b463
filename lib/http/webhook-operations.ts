/** The webhooks area's entries of lib/http/operations.ts (kept apart to merge cleanly). */
import type { OperationDoc } from './operations.ts';
import * as view from './webhook-views.ts';

const webhook = { status: 200, description: 'The endpoint', schema: view.WebhookView, etag: true } as const;
const delivery = { status: 200, description: 'The delivery after this attempt', schema: view.DeliveryView } as const;
const create = { url: 'https://crm.acme.example/hooks/roster', events: ['member.invited', 'member.deactivated'] };

export const WEBHOOK_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  listWebhooks: { ok: { status: 200, description: 'Every endpoint', schema: view.WebhookList } },
  createWebhook: {
    ok: {
      status: 201,
      description: 'Created: the signing secret is in this response only',
      schema: view.WebhookWithSecret,
      etag: true,
      location: true,
    },
    problems: ['conflict'],
    requestExample: create,
  },
  getWebhook: { ok: webhook },
  updateWebhook: { ok: webhook, ifMatch: true, requestExample: { events: ['*'] } },
  deleteWebhook: { ok: { status: 204, description: 'Deleted' }, ifMatch: true },
  rotateWebhookSecret: {
    ok: {
      status: 200,
      description: 'The new secret, in this response only; the old one signs too for 24 hours',
      schema: view.WebhookWithSecret,
      etag: true,
    },
    ifMatch: true,
  },
  testWebhook: { ok: delivery, problems: ['conflict'] },
  listWebhookDeliveries: { ok: { status: 200, description: 'A page of deliveries', schema: view.DeliveryPage } },
  retryWebhookDelivery: { ok: delivery, problems: ['conflict'] },
  listEvents: { ok: { status: 200, description: 'Events after the cursor, oldest first', schema: view.EventPage } },
};
