import { listConnections } from '../../lib/app/sso.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';

export const handler = route('listSsoConnections', {
  params: TenantPath,
  run: async ({ access }) => ok({ items: await listConnections(access) }),
});
