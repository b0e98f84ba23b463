import * as z from 'zod';
import { joinTenant } from '../../lib/app/auto-join.ts';
import { created } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { PersonName, TenantId } from '../../lib/http/schemas.ts';

const Path = z.object({ tenantId: TenantId }).strict();
const Body = z.object({ name: PersonName.optional() }).strict();

/** Join at once (automatic) or ask to (request); 409 domain-unverified unless the proven address qualifies. */
export const handler = route('joinTenant', {
  params: Path,
  body: Body,
  run: async ({ identity, params, body, now }) => created(await joinTenant(identity, params.tenantId, body, now)),
});
