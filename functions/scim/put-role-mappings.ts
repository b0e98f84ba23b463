import { writeRoleMappings } from '../../lib/app/scim.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { RoleMappingsBody } from '../../lib/http/scim-schemas-v1.ts';

export const handler = route('putScimRoleMappings', {
  params: TenantPath,
  body: RoleMappingsBody,
  run: async ({ access, body, now }) => ok(await writeRoleMappings(access, body, now)),
});
