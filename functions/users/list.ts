import * as z from 'zod';
import { STATUSES } from '../../lib/domain/lifecycle.ts';
import { memberView } from '../../lib/domain/records.ts';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { InactiveDays, Pagination, RoleName, TenantPath } from '../../lib/http/schemas.ts';
import { listMembers } from '../../lib/store/members.ts';

const Query = Pagination.extend({
  status: z.enum(STATUSES).optional(),
  role: RoleName.optional(),
  team: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(100).optional().meta({
    description:
      'Words, each the start of a word of the name or the email (split at spaces and `@ . - _ +`; case-insensitive, NFKC): `agent` finds "Ann Agent". Ordered by the word matched; `sort` does not apply',
  }),
  inactiveDays: z.coerce.number().pipe(InactiveDays).optional().meta({
    description: 'Only members with no sign-in for this many days (never signed in: since invited or created)',
  }),
  sort: z.enum(['lastLoginAt', '-lastLoginAt']).optional().meta({
    description:
      'By last sign-in: `lastLoginAt` least recent first (never signed in first), `-lastLoginAt` most recent first. Default: by name (case-insensitive), or with `inactiveDays` least recent first',
  }),
}).strict();

/** Also the inbox backend's (platform twin): the tenant's people. */
export const handler = route('listMembers', {
  params: TenantPath,
  query: Query,
  run: async ({ access, query: { limit, cursor, sort, ...filter }, now }) => {
    const page = await listMembers(access.tenant.id, { limit, cursor }, filter, { sort, now });
    return ok({ items: page.items.map((m) => memberView(m, now)), nextCursor: page.nextCursor });
  },
});
