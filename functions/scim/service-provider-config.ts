import { scimBaseUrl } from '../../lib/app/scim.ts';
import { config } from '../../lib/config.ts';
import { serviceProviderConfig } from '../../lib/domain/scim/discovery.ts';
import { scim, scimRoute } from '../../lib/http/scim-route.ts';

export const handler = scimRoute('scimServiceProviderConfig', {
  run: async () => scim(200, serviceProviderConfig(scimBaseUrl(), `${config().appUrl}/docs`)),
});
