import { listJoinableTenants } from '../../lib/app/auto-join.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';

/** The organisation the caller's proven address lets them join (auto-join on, domain verified); nothing else. */
export const handler = route('listJoinableTenants', {
  run: async ({ identity, now }) => ok(await listJoinableTenants(identity, now)),
});
