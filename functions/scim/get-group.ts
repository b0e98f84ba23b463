import { getGroup } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimGetQuery, ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimGetGroup', {
  params: ScimResourcePath,
  query: ScimGetQuery,
  run: async ({ access, params, query }) => {
    const group = await getGroup(access, params.id, query);
    return scim(200, group, { etag: group.meta.version });
  },
});
