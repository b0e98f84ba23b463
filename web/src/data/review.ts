/** The access review: a page of it as JSON for the screen, and the whole review as one CSV file. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { keys } from './keys';

export type AccessReview = components['schemas']['AccessReview'];
export type ReviewRow = components['schemas']['AccessReviewRow'];
export const REVIEW_PAGE = 25;
/** The largest page the API gives (the file is fetched in as few requests as it allows). */
const CSV_PAGE = 1000;

export function useAccessReview(tenantId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: keys.review(tenantId, cursor),
    // The same URL answers CSV too; asked for JSON (openapi-fetch's default), the body is the JSON review.
    queryFn: async () =>
      (await ok(
        api.GET('/v1/tenants/{tenantId}/access-review', {
          params: { path: { tenantId }, query: { limit: REVIEW_PAGE, ...(cursor ? { cursor } : {}) } },
          headers: { accept: 'application/json' },
        }),
      )) as AccessReview,
    placeholderData: keepPreviousData,
  });
}

/** The `cursor` of a `Link: <…>; rel="next"` header, if there is a next page. */
export function nextFromLink(link: string | null): string | undefined {
  const target = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '')?.[1];
  return target ? (new URL(target, 'http://roster').searchParams.get('cursor') ?? undefined) : undefined;
}

/** The file name a `Content-Disposition: attachment; filename="…"` header gives, if any. */
export function attachmentName(disposition: string | null): string | undefined {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1];
}

/**
 * The whole review as the API writes it (`Accept: text/csv`, RFC 4180): every
 * page, following `Link: rel="next"`, joined into one file with the header line once.
 */
export async function fetchReviewCsv(tenantId: string): Promise<{ filename: string; csv: string }> {
  let csv = '';
  let filename = `access-review-${tenantId}.csv`;
  let cursor: string | undefined;
  do {
    const { data, response } = await api.GET('/v1/tenants/{tenantId}/access-review', {
      params: { path: { tenantId }, query: { limit: CSV_PAGE, ...(cursor ? { cursor } : {}) } },
      headers: { accept: 'text/csv' },
      parseAs: 'text',
    });
    const text = data ?? '';
    // The header line has no quoted field, so the first CRLF ends it.
    csv += csv === '' ? text : text.slice(text.indexOf('\r\n') + 2);
    filename = attachmentName(response.headers.get('content-disposition')) ?? filename;
    cursor = nextFromLink(response.headers.get('link'));
  } while (cursor);
  return { filename, csv };
}

/** Hands `text` to the browser as a download named `filename`. */
export function saveFile(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started; the object URL is only released later to be safe.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
