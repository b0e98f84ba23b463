import { ok } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { TenantPath } from '../../lib/http/schemas.ts';
import { EventsQuery } from '../../lib/http/webhook-schemas.ts';
import { eventsAfter } from '../../lib/store/events-feed.ts';

/** The feed: events after `after`, oldest first; `nextCursor` is always given (poll again with it). */
export const handler = route('listEvents', {
  params: TenantPath,
  query: EventsQuery,
  run: async ({ access, query, now }) =>
    ok(
      await eventsAfter(
        access.tenant.id,
        { limit: query.limit, after: query.after, types: query.types?.split(',') },
        now,
      ),
    ),
});
