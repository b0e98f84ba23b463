/**
 * The jobs' scheduling decisions (lib/domain/job-scheduling.ts): backoff that
 * doubles up to its cap, a failed item set aside after the retry cap and
 * never tried again until re-driven, and each run shared fairly between
 * tenants — checked by hand and with fast-check properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  backoffDelayMs,
  fairOrder,
  type ItemFault,
  JOB_RETRY,
  mayAttempt,
  type RetryPolicy,
  TenantBudget,
} from '../../lib/domain/job-scheduling.ts';

const t0 = new Date('2026-12-07T00:00:00.000Z');
const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5_000 };

describe('backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
    expect(backoffDelayMs(1)).toBe(JOB_RETRY.baseDelayMs);
    expect(backoffDelayMs(1_000)).toBe(JOB_RETRY.maxDelayMs);
  });

  it('never shrinks as attempts grow, never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (n) => {
        expect(backoffDelayMs(n + 1)).toBeGreaterThanOrEqual(backoffDelayMs(n));
        expect(backoffDelayMs(n)).toBeLessThanOrEqual(JOB_RETRY.maxDelayMs);
      }),
    );
  });
});

describe('failures: retried after the backoff, set aside at the cap', () => {
  it('records attempts, the next attempt and the reason; not tried before it', () => {
    const first = afterFailure(undefined, 'boom', t0, policy);
    expect(first).toEqual({ attempts: 1, nextAttemptAt: '2026-12-07T00:00:01.000Z', lastError: 'boom' });
    expect(mayAttempt(first, new Date(t0.getTime() + 999))).toBe(false);
    expect(mayAttempt(first, new Date(t0.getTime() + 1_000))).toBe(true);
    expect(mayAttempt(undefined, t0)).toBe(true);
  });

  it('the cap-th failure sets the item aside with its reason; nothing tries it again', () => {
    let fault: ItemFault | undefined;
    let now = t0;
    for (let i = 0; i < policy.maxAttempts; i++) {
      expect(mayAttempt(fault, now)).toBe(true);
      fault = afterFailure(fault, `failure ${i + 1}`, now, policy);
      now = new Date(fault.nextAttemptAt);
    }
    expect(fault).toMatchObject({ attempts: 5, lastError: 'failure 5', poisonedAt: now.toISOString() });
    expect(mayAttempt(fault, new Date(t0.getTime() + 365 * 86_400_000))).toBe(false);
  });

  it('keeps a long reason to 500 characters', () => {
    expect(afterFailure(undefined, 'x'.repeat(2_000), t0).lastError).toHaveLength(500);
  });
});

describe('each run shared fairly between tenants', () => {
  it('tenants take turns; a tenant’s items keep their order; past its budget they wait', () => {
    const items = ['a1', 'a2', 'a3', 'a4', 'b1', 'c1', 'c2'];
    const { order, deferred } = fairOrder(items, (i) => i[0] as string, 3);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    expect(deferred).toBe(1);
  });

  it('one tenant’s backlog, however long, never pushes another tenant’s first item past the number of tenants', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(1_000)), { maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        (raw, budget) => {
          const items = raw.map(([tenant, n], i) => ({ tenant, id: `${tenant}${n}#${i}` }));
          const { order, deferred } = fairOrder(items, (i) => i.tenant, budget);
          const tenants = [...new Set(items.map((i) => i.tenant))];
          // Nothing invented, nothing twice; every tenant within budget; the rest counted as deferred.
          expect(new Set(order.map((i) => i.id)).size).toBe(order.length);
          for (const tenant of tenants) {
            const mine = items.filter((i) => i.tenant === tenant);
            const taken = order.filter((i) => i.tenant === tenant);
            expect(taken).toEqual(mine.slice(0, budget));
            // Its first item comes within the first round.
            expect(order.findIndex((i) => i.tenant === tenant)).toBeLessThan(tenants.length);
          }
          expect(order.length + deferred).toBe(items.length);
        },
      ),
    );
  });

  it('a per-run budget counts each tenant separately', () => {
    const budget = new TenantBudget(2);
    expect([budget.take('a'), budget.take('a'), budget.take('b'), budget.take('a'), budget.take('b')]).toEqual([
      true,
      true,
      true,
      false,
      true,
    ]);
  });
});
