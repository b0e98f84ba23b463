import { listTenantScimTokens } from '../../lib/app/scim.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listScimTokens', {
  params: TenantPath,
  run: async ({ access }) => ok(await listTenantScimTokens(access)),
});
