/**
 * A small History-API router: the location as React state, `navigate` and a
 * `Link` that is a real `<a href>` (so it opens in a new tab, and is a link to
 * assistive technology), and URL query helpers for filters and cursors.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

/** Goes to `to`; `state` rides on the history entry (e.g. a pager's trail of cursors) and survives a reload. */
export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  const state = options.state ?? null;
  if (options.replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  notify();
}

/** The state of the current history entry (null when it has none, e.g. a typed or shared URL). */
export const historyState = (): unknown => (typeof history === 'undefined' ? null : history.state);

const snapshot = () => `${location.pathname}${location.search}`;

export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot,
    snapshot,
  );
  const url = new URL(href, 'http://page');
  return { path: url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname, query: url.searchParams };
}

/** Replaces the query (empty values dropped), keeping the path; a new history entry unless `replace`. */
export function setQuery(
  values: Record<string, string | undefined>,
  options: { replace?: boolean; state?: unknown } = {},
): void {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) query.set(key, value);
  const search = query.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ''}`, options);
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
