import { verifyDomain } from '../../lib/app/domains.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { DomainPath } from '../../lib/http/schemas.ts';

/** Admins only: looks the TXT record up now; verified, failed, or 409 when another organisation verified it. */
export const handler = route('verifyDomain', {
  params: DomainPath,
  run: async ({ access, params, now }) => ok(await verifyDomain(access, params.domain, now)),
});
