import { getConnection } from '../../lib/app/sso.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { SsoConnectionPath } from '../../lib/http/schemas.ts';

export const handler = route('getSsoConnection', {
  params: SsoConnectionPath,
  run: async ({ access, params }) => ok(await getConnection(access, params.connectionId)),
});
