import { operationsOf, patchUser } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimBody, ScimResourcePath } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimPatchUser', {
  params: ScimResourcePath,
  body: ScimBody,
  run: async ({ access, params, body, now }) => {
    const user = await patchUser(access, params.id, operationsOf(body), now);
    return scim(200, user, { etag: user.meta.version });
  },
});
