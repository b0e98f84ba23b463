import { catalogueView } from '../../lib/domain/roles.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';

/** The permission catalogue and the built-in roles: the same for every tenant (the only read is the session check). */
export const handler = route('listPermissions', {
  run: async () => ok(catalogueView()),
});
