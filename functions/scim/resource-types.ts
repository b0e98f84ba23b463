import { scimBaseUrl } from '../../lib/app/scim.ts';
import { resourceTypes } from '../../lib/domain/scim/discovery.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';

export const handler = scimRoute('scimResourceTypes', {
  run: async () => scim(200, resourceTypes(scimBaseUrl())),
});
