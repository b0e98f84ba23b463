import { rotateSecret } from '../../lib/app/webhooks.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { WebhookPath } from '../../lib/http/webhook-schemas.ts';

/** The new secret, shown once; for 24 hours every delivery carries a signature with each secret. */
export const handler = route('rotateWebhookSecret', {
  params: WebhookPath,
  run: async ({ access, params, headers, now }) => {
    const webhook = await rotateSecret(access, params.webhookId, now, ifMatchVersion(headers));
    return ok(webhook, { etag: etagOf(webhook.version) });
  },
});
