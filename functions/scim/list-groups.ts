import { listGroups } from '../../lib/app/scim.ts';
import { LIST_SCHEMA } from '../../lib/domain/scim/users.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';
import { ScimListQuery } from '../../lib/http/scim-schemas.ts';

export const handler = scimRoute('scimListGroups', {
  query: ScimListQuery,
  run: async ({ access, query }) => scim(200, { schemas: [LIST_SCHEMA], ...(await listGroups(access, query)) }),
});
