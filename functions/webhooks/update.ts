import * as z from 'zod';
import { updateWebhook, webhookView } from '../../lib/app/webhooks.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { WebhookFields, WebhookPath } from '../../lib/http/webhook-schemas.ts';

const Body = z
  .object({
    ...WebhookFields,
    enabled: z.boolean().meta({ description: 'false stops deliveries; true resumes them (new events only)' }),
  })
  .partial()
  .strict();

export const handler = route('updateWebhook', {
  params: WebhookPath,
  body: Body,
  run: async ({ access, params, body, headers, now }) => {
    const webhook = await updateWebhook(access, params.webhookId, body, now, ifMatchVersion(headers));
    return ok(webhookView(webhook, now), { etag: etagOf(webhook.version) });
  },
});
