import { tenantView } from '../../lib/domain/records.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination } from '../../lib/http/schemas.ts';
import { listTenants } from '../../lib/store/tenants.ts';

export const handler = route('platformListTenants', {
  query: Pagination,
  run: async ({ query }) => {
    const page = await listTenants(query.limit, query.cursor);
    return ok({ items: page.items.map(tenantView), nextCursor: page.nextCursor });
  },
});
