import { removeWebhook } from '../../lib/app/webhooks.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { WebhookPath } from '../../lib/http/webhook-schemas.ts';

export const handler = route('deleteWebhook', {
  params: WebhookPath,
  run: async ({ access, params, headers, now }) => {
    await removeWebhook(access, params.webhookId, now, ifMatchVersion(headers));
    return noContent();
  },
});
