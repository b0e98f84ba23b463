import { replaceGroup } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimBody, ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimReplaceGroup', {
  params: ScimResourcePath,
  body: ScimBody,
  run: async ({ access, params, body, now }) => {
    const group = await replaceGroup(access, params.id, body, now);
    return scim(200, group, { etag: group.meta.version });
  },
});
