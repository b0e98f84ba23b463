import { removeDomain } from '../../lib/app/domains.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DomainPath } from '../../lib/http/schemas.ts';

/** Admins only: the domain and (when verified) its claim go; JIT provisioning and auto-join stop using it. */
export const handler = route('removeDomain', {
  params: DomainPath,
  run: async ({ access, params, now }) => {
    await removeDomain(access, params.domain, now);
    return noContent();
  },
});
