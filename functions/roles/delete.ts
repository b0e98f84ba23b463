import { deleteRole } from '../../lib/app/roles.ts';
import { ifMatchVersion } from '../../lib/http/preconditions.ts';
import { noContent } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { RolePath } from '../../lib/http/schemas.ts';

/** Refused with 409 (and the number of holders) while anyone still holds the role. */
export const handler = route('deleteRole', {
  params: RolePath,
  run: async ({ access, params, headers, now }) => {
    await deleteRole(access, params.roleId, now, ifMatchVersion(headers));
    return noContent();
  },
});
