/**
 * The console's one cache. What the signed-in person may do and the tenant's
 * seats (their membership, GET /v1/tenants/{t}/me) stay current without a
 * reload: refetched when the window regains focus, every minute, after every
 * change the person makes (whatever it was) and after any 401 or 403 — a
 * refusal usually means their rights changed — so the console adapts at once.
 */
import { MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiProblem } from '../api/problem';

/** How often the membership (rights and seats) is fetched again while the console is open. */
export const MEMBERSHIP_REFRESH_MS = 60_000;

const isMembership = (key: QueryKey): boolean => (key[0] === 'tenant' && key[2] === 'me') || key[0] === 'me';
const refused = (error: unknown): boolean =>
  error instanceof ApiProblem && (error.status === 401 || error.status === 403);

export function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (refused(error) && !isMembership(query.queryKey)) void refreshMembership(client);
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
export function refreshMembership(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ predicate: (query) => isMembership(query.queryKey) });
}
