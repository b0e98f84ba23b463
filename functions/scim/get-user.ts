import { getUser } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimGetQuery, ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimGetUser', {
  params: ScimResourcePath,
  query: ScimGetQuery,
  run: async ({ access, params }) => {
    const user = await getUser(access, params.id);
    return scim(200, user, { etag: user.meta.version });
  },
});
