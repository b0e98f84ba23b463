import { listTenantDomains } from '../../lib/app/domains.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

/** Admins only (DESIGN §2a rule 14): the organisation's domains with the records to publish. */
export const handler = route('listDomains', {
  params: TenantPath,
  run: async ({ access }) => ok(await listTenantDomains(access)),
});
