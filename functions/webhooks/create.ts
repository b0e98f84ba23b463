import * as z from 'zod';
import { createWebhook } from '../../lib/app/webhooks.ts';
import { created, etagOf } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { WebhookFields } from '../../lib/http/webhook-schemas.ts';

const Body = z.object(WebhookFields).strict();

/** 201 with the signing secret: the only response that shows it (besides a rotation's). */
export const handler = route('createWebhook', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, now }) => {
    const webhook = await createWebhook(access, body, now);
    return created(webhook, {
      etag: etagOf(webhook.version),
      location: `/v1/tenants/${access.tenant.id}/webhooks/${webhook.id}`,
    });
  },
});
