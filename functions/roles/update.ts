import * as z from 'zod';
import { updateRole } from '../../lib/app/roles.ts';
import { roleView } from '../../lib/domain/records.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { RoleFields, RolePath } from '../../lib/http/schemas.ts';

/** Any of name, description, permissions; a permission change reaches every holder on their next request. */
const Body = z.object(RoleFields).partial().strict();

export const handler = route('updateRole', {
  params: RolePath,
  body: Body,
  run: async ({ access, params, body, headers, now }) => {
    const role = await updateRole(access, params.roleId, body, now, ifMatchVersion(headers));
    return ok(roleView(role), { etag: etagOf(role.version) });
  },
});
