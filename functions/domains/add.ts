import { addDomain } from '../../lib/app/domains.ts';
import { created } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DomainBody, TenantPath } from '../../lib/http/schemas.ts';

/** Admins only: a pending domain and the TXT record that proves it (free-mail and public suffixes refused). */
export const handler = route('addDomain', {
  params: TenantPath,
  body: DomainBody,
  run: async ({ access, body, now }) => {
    const view = await addDomain(access, body, now);
    return created(view, { location: `/v1/tenants/${access.tenant.id}/domains/${view.domain}` });
  },
});
