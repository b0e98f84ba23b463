import * as z from 'zod';
import { accessReview } from '../../lib/app/review.ts';
import { reviewCsv } from '../../lib/domain/review.ts';
import { preferredMedia } from '../../lib/http/negotiate.ts';
import { ok, raw } from '../../lib/http/reply.ts';
import { route } from '../../lib/http/route.ts';
import { Pagination, TenantPath } from '../../lib/http/schemas.ts';

/** A review is read whole: pages of up to 1,000 members (one query each, like any list). */
const Query = Pagination.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

/** JSON by default; `Accept: text/csv` gets the same page as an RFC 4180 file, the next page in `Link`. */
export const handler = route('getAccessReview', {
  params: TenantPath,
  query: Query,
  run: async ({ access, query, headers }) => {
    const review = await accessReview(access, query);
    if (preferredMedia(headers.accept, ['application/json', 'text/csv']) === 'application/json') {
      return ok(review, { vary: 'accept' });
    }
    const next = review.nextCursor
      ? `</v1/tenants/${review.tenantId}/access-review?limit=${query.limit}&cursor=${encodeURIComponent(review.nextCursor)}>; rel="next"`
      : undefined;
    return raw(reviewCsv(review.items), 'text/csv; charset=utf-8; header=present', {
      'content-disposition': `attachment; filename="access-review-${review.tenantId}-${review.generatedAt.slice(0, 10)}.csv"`,
      vary: 'accept',
      ...(next ? { link: next } : {}),
    });
  },
});
