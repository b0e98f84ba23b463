import { revokeScimToken } from '../../lib/app/scim.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { ScimTokenPath } from '../../lib/http/scim-schemas-v1.ts';

export const handler = route('revokeScimToken', {
  params: ScimTokenPath,
  run: async ({ access, params, now }) => {
    await revokeScimToken(access, params.tokenId, now);
    return noContent();
  },
});
