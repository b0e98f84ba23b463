import { readWebhook, webhookView } from '../../lib/app/webhooks.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { WebhookPath } from '../../lib/http/webhook-schemas.ts';

export const handler = route('getWebhook', {
  params: WebhookPath,
  run: async ({ access, params, now }) => {
    const webhook = await readWebhook(access, params.webhookId);
    return ok(webhookView(webhook, now), { etag: etagOf(webhook.version) });
  },
});
