/**
 * The console's one cache. What the signed-in person may do and the tenant's
 * seats (their membership, GET /v1/tenants/{t}/me) stay current without a
 * reload: refetched when the window regains focus, every minute, after every
 * change the person makes (whatever it was) and after any 401 or 403 — a
 * refusal usually means their rights changed — so the console adapts at once.
 */
import { focusManager, MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiProblem } from '../api/problem';

/** How often the membership (rights and seats) is fetched again while the console is open. */
export const MEMBERSHIP_REFRESH_MS = 60_000;

const isMembership = (key: QueryKey): boolean => (key[0] === 'tenant' && key[2] === 'me') || key[0] === 'me';
const refused = (error: unknown): boolean =>
  error instanceof ApiProblem && (error.status === 401 || error.status === 403);

export function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A refused membership read refreshes the others (e.g. the list of organisations that says why).
      onError: (error, query) => {
        if (refused(error)) void refreshMembership(client, query.queryHash);
      },
    }),
    mutationCache: new MutationCache({
      onSettled: () => void refreshMembership(client),
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A refusal will not change on retry; only network failures and 5xx are retried.
        retry: (count, error) => count < 2 && !(error instanceof ApiProblem && error.status < 500),
      },
    },
  });
  return client;
}

/** Fetches the person's memberships (and so their rights and the seats) again. */
export function refreshMembership(client: QueryClient, except?: string): Promise<void> {
  return client.invalidateQueries({
    predicate: (query) => isMembership(query.queryKey) && query.queryHash !== except,
  });
}

/**
 * TanStack Query v5 hears only `visibilitychange`; a person who comes back to
 * the window from another one (both visible) regains focus without it. Both count.
 */
export function listenForWindowFocus(): void {
  focusManager.setEventListener((focused) => {
    const onVisibility = () => focused(document.visibilityState === 'visible');
    const onFocus = () => focused(true);
    const onBlur = () => focused(false);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('focus', onFocus);
    window.addEventListener('blur', onBlur);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('blur', onBlur);
    };
  });
}
