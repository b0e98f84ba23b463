import { createUser } from '../../lib/app/scim.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimBody } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimCreateUser', {
  body: ScimBody,
  run: async ({ access, body, now }) => {
    const user = await createUser(access, body, now);
    return scim(201, user, { location: user.meta.location, etag: user.meta.version });
  },
});
