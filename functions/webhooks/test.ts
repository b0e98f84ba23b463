import { sendTestEvent } from '../../lib/app/webhooks.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { WebhookPath } from '../../lib/http/webhook-schemas.ts';

/** A `roster.test` event, sent now; the answer is the delivery as it went (a failure is retried on schedule). */
export const handler = route('testWebhook', {
  params: WebhookPath,
  run: async ({ access, params }) => ok(await sendTestEvent(access, params.webhookId, () => new Date())),
});
