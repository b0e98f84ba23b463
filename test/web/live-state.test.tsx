/**
 * Issue 18 item 2: the person's rights and the tenant's seats stay current —
 * refetched on window focus, every minute, after every mutation and after any
 * 401/403 — with the console's own query client and membership query.
 */
import { focusManager, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ok } from '../../web/src/api/client';
import { MEMBERSHIP_REFRESH_MS, makeQueryClient } from '../../web/src/data/query-client';
import { myMembershipQuery } from '../../web/src/data/tenant';
import { membership, stubApi } from './fixtures';

const ME = 'GET /v1/tenants/t1/me';

function watched() {
  const calls = stubApi({ [ME]: membership(['users:view']) });
  const client = makeQueryClient();
  // As QueryClientProvider does: the client listens to focus and network.
  client.mount();
  const observer = new QueryObserver(client, myMembershipQuery('t1'));
  const stop = observer.subscribe(() => {});
  const fetches = () => calls.filter((c) => `${c.method} ${c.path}` === ME).length;
  return { client, calls, fetches, stop };
}

afterEach(() => {
  focusManager.setFocused(undefined);
  vi.useRealTimers();
});

describe('the membership (rights and seats) stays current', () => {
  it('is refetched at least every minute and when the window regains focus', async () => {
    const options = myMembershipQuery('t1');
    expect(options.refetchInterval).toBeLessThanOrEqual(60_000);
    expect(MEMBERSHIP_REFRESH_MS).toBeLessThanOrEqual(60_000);
    const { fetches, stop } = watched();
    await vi.waitFor(() => expect(fetches()).toBe(1));
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await vi.waitFor(() => expect(fetches()).toBe(2));
    stop();
  });

  it('is refetched after every mutation, whatever it changed', async () => {
    const { client, fetches, stop } = watched();
    await vi.waitFor(() => expect(fetches()).toBe(1));
    await client
      .getMutationCache()
      .build(client, { mutationFn: async () => 'renamed a team' })
      .execute(undefined);
    await vi.waitFor(() => expect(fetches()).toBe(2));
    stop();
  });

  it('is refetched after any 403 (the person’s rights changed)', async () => {
    const { client, fetches, stop } = watched();
    await vi.waitFor(() => expect(fetches()).toBe(1));
    // The stub answers anything it does not know with a problem; make this one a 403.
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request) =>
        new URL(input.url).pathname === '/v1/tenants/t1/me'
          ? new Response(JSON.stringify(membership(['users:view'])), {
              headers: { 'content-type': 'application/json' },
            })
          : new Response(JSON.stringify({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'No.' }), {
              status: 403,
              headers: { 'content-type': 'application/problem+json' },
            }),
      ),
    );
    const meFetches = () =>
      (fetch as unknown as { mock: { calls: [Request][] } }).mock.calls.filter(
        ([r]) => new URL(r.url).pathname === '/v1/tenants/t1/me',
      ).length;
    await client
      .fetchQuery({
        queryKey: ['tenant', 't1', 'roles'],
        queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/roles', { params: { path: { tenantId: 't1' } } })),
        retry: false,
      })
      .catch(() => undefined);
    await vi.waitFor(() => expect(meFetches()).toBe(1));
    expect(fetches()).toBe(1);
    stop();
  });
});
