/**
 * Cursor paging with Previous as well as Next. The API's cursors only go
 * forward, so the cursors of the pages before this one ride on the history
 * entry (history.state) while the filters and this page's cursor stay in the
 * URL: Previous steps back along the trail, Back, Forward and a reload keep
 * it. A link to a later page opened afresh has no trail: it offers "First page",
 * and Previous once the person has paged on from there.
 */
import { historyState, setQuery } from '../router';

/** The cursors of the pages before `cursor`, oldest first ('' is the first page); [] when unknown. */
export function trailOf(state: unknown, cursor: string | undefined): string[] {
  if (!cursor || typeof state !== 'object' || state === null) return [];
  const { pagerCursor, pagerTrail } = state as { pagerCursor?: unknown; pagerTrail?: unknown };
  if (pagerCursor !== cursor || !Array.isArray(pagerTrail)) return [];
  return pagerTrail.every((c) => typeof c === 'string') ? (pagerTrail as string[]) : [];
}

export function Pager({
  label,
  query,
  cursor,
  nextCursor,
}: {
  /** Names the navigation landmark, e.g. "Pages of users". */
  label: string;
  /** The filters to keep (without the cursor). */
  query: Record<string, string | undefined>;
  cursor: string | undefined;
  nextCursor: string | null | undefined;
}) {
  const trail = trailOf(historyState(), cursor);
  const go = (to: string | undefined, before: string[]) =>
    setQuery({ ...query, cursor: to }, { state: to ? { pagerCursor: to, pagerTrail: before } : null });
  const previous = trail.at(-1);
  // Counted only along a trail that starts at the first page.
  const page = !cursor ? 1 : trail[0] === '' ? trail.length + 1 : undefined;
  const showPage = page !== undefined && (page > 1 || Boolean(nextCursor));

  return (
    <nav className="pager" aria-label={label}>
      {cursor && previous !== '' ? (
        <button type="button" onClick={() => go(undefined, [])}>
          First page
        </button>
      ) : null}
      {cursor && previous !== undefined ? (
        <button type="button" onClick={() => go(previous || undefined, trail.slice(0, -1))}>
          Previous page
        </button>
      ) : null}
      {showPage ? <span className="page-number">Page {page}</span> : null}
      {nextCursor ? (
        <button type="button" onClick={() => go(nextCursor, cursor ? [...trail, cursor] : [''])}>
          Next page
        </button>
      ) : null}
    </nav>
  );
}
