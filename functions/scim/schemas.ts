import { scimBaseUrl } from '../../lib/app/scim.ts';
import { schemas } from '../../lib/domain/scim/discovery.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';

export const handler = scimRoute('scimSchemas', {
  run: async () => scim(200, schemas(scimBaseUrl())),
});
