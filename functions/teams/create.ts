import * as z from 'zod';
import { createTeam } from '../../lib/app/teams.ts';
import type { TeamView } from '../../lib/domain/records.ts';
import { idempotencyFrom } from '../../lib/http/idempotency.ts';
import { etagOf, reply } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TeamFields, TenantPath } from '../../lib/http/schemas.ts';

const Body = z.object(TeamFields).strict();

export const handler = route('createTeam', {
  params: TenantPath,
  body: Body,
  run: async ({ access, body, headers, now }) => {
    const idempotency = idempotencyFrom(headers, access, 'createTeam', body);
    const stored = await createTeam(access, body, now, idempotency);
    const { id } = stored.body as TeamView;
    return {
      ...reply(stored),
      headers: { etag: etagOf(1), location: `/v1/tenants/${access.tenant.id}/teams/${id}` },
    };
  },
});
