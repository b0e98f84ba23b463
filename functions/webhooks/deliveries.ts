import { listWebhookDeliveries } from '../../lib/app/webhooks.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination } from '../../lib/http/schemas.ts';
import { WebhookPath } from '../../lib/http/webhook-schemas.ts';

export const handler = route('listWebhookDeliveries', {
  params: WebhookPath,
  query: Pagination,
  run: async ({ access, params, query }) => ok(await listWebhookDeliveries(access, params.webhookId, query)),
});
