import { deleteConnection } from '../../lib/app/sso.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { SsoConnectionPath } from '../../lib/http/schemas.ts';

export const handler = route('deleteSsoConnection', {
  params: SsoConnectionPath,
  run: async ({ access, params, now }) => {
    await deleteConnection(access, params.connectionId, now);
    return noContent();
  },
});
