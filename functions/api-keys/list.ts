import { listTenantApiKeys } from '../../lib/app/api-keys.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listApiKeys', {
  params: TenantPath,
  query: Pagination,
  run: async ({ access, query }) => ok(await listTenantApiKeys(access, query)),
});
