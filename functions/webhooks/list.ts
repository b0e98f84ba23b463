import { listTenantWebhooks } from '../../lib/app/webhooks.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listWebhooks', {
  params: TenantPath,
  run: async ({ access, now }) => ok(await listTenantWebhooks(access, now)),
});
