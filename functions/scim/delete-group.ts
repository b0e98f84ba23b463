import { deleteGroup } from '../../lib/app/scim.ts';
import { noContent } from '../../lib/http/reply.ts';
import { scimRoute } from '../../lib/http/scim-route.ts';
import { ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimDeleteGroup', {
  params: ScimResourcePath,
  run: async ({ access, params, now }) => {
    await deleteGroup(access, params.id, now);
    return noContent();
  },
});
