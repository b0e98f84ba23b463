import { requireRole } from '../../lib/app/roles.ts';
import { roleView } from '../../lib/domain/records.ts';
import { etagOf, ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { RolePath } from '../../lib/http/schemas.ts';

export const handler = route('getRole', {
  params: RolePath,
  run: async ({ access, params }) => {
    const role = await requireRole(access, params.roleId);
    return ok(roleView(role), { etag: etagOf(role.version) });
  },
});
