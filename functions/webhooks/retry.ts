import { retryDelivery } from '../../lib/app/webhooks.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DeliveryPath } from '../../lib/http/webhook-schemas.ts';

/** Sends the delivery again now; the answer is the delivery as it went. */
export const handler = route('retryWebhookDelivery', {
  params: DeliveryPath,
  run: async ({ access, params }) =>
    ok(await retryDelivery(access, params.webhookId, params.deliveryId, () => new Date())),
});
