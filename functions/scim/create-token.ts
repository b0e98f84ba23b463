import { createScimToken } from '../../lib/app/scim.ts';
import { created } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { ScimTokenBody } from '../../lib/http/scim-schemas-v1.ts';

export const handler = route('createScimToken', {
  params: TenantPath,
  body: ScimTokenBody,
  run: async ({ access, body, now }) => {
    const token = await createScimToken(access, body?.name, now);
    return created(token, { 'cache-control': 'no-store' });
  },
});
