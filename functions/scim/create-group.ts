import { createGroup } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimBody } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimCreateGroup', {
  body: ScimBody,
  run: async ({ access, body, now }) => {
    const group = await createGroup(access, body, now);
    return scim(201, group, { location: group.meta.location, etag: group.meta.version });
  },
});
