import * as z from 'zod';
import { createApiKey } from '../../lib/app/api-keys.ts';
import type { ApiKeyView } from '../../lib/domain/api-keys.ts';
import { idempotencyFrom } from '../../lib/http/idempotency.ts';
import { reply } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ApiKeyFields, TenantPath } from '../../lib/http/schemas.ts';

const Body = z.object(ApiKeyFields).strict();

/** The secret is in this response only: a retry with the same Idempotency-Key is a 409 naming the key. */
export const handler = route('createApiKey', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const idempotency = idempotencyFrom(headers, access, 'createApiKey', body);
    const stored = await createApiKey(access, body, now, idempotency);
    const { id } = stored.body as ApiKeyView;
    return {
      ...reply(stored),
      headers: { location: `/v1/tenants/${access.tenant.id}/api-keys/${id}`, 'cache-control': 'no-store' },
    };
  },
});
