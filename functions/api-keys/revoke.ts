import { revokeApiKey } from '../../lib/app/api-keys.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ApiKeyPath } from '../../lib/http/schemas.ts';

export const handler = route('revokeApiKey', {
  params: ApiKeyPath,
  run: async ({ access, params, now }) => {
    await revokeApiKey(access, params.keyId, now);
    return noContent();
  },
});
