import * as z from 'zod';
import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TenantPath } from '../../lib/http/schemas.ts';
import { listAuditEvents } from '../../lib/store/audit.ts';

const Id = z.string().min(1).max(128);
const Query = Pagination.extend({
  actorId: Id.optional(),
  targetId: Id.optional(),
  action: z
    .string()
    .regex(/^[a-z][A-Za-z_]*\.[a-z_]+$/, 'An action such as member.invited')
    .optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
})
  .strict()
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: 'since must be before until', path: ['since'] });

export const handler = route('listAuditEvents', {
  params: TenantPath,
  query: Query,
  run: async ({ access, query: { limit, cursor, ...filter } }) =>
    ok(await listAuditEvents(access.tenant.id, { limit, cursor }, filter)),
});
