import { replaceUser } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimBody, ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimReplaceUser', {
  params: ScimResourcePath,
  body: ScimBody,
  run: async ({ access, params, body, now }) => {
    const user = await replaceUser(access, params.id, body, now);
    return scim(200, user, { etag: user.meta.version });
  },
});
