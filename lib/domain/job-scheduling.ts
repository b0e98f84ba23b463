/**
 * How scheduled jobs treat the items they work on (DESIGN §9 "One tenant
 * never slows another"), as pure decisions the stores only make atomic:
 *
 * - an item that fails is retried with exponential backoff — never again in
 *   the same run, and not before `nextAttemptAt` — up to a cap of attempts;
 * - past the cap it is set aside (poisoned) with its reason, for an operator
 *   to look at and re-drive, and no run touches it again until then;
 * - each run shares its work fairly between tenants: one item per tenant in
 *   turn, at most a budget per tenant, so one tenant's backlog or poison
 *   cannot use up the run another tenant's due work needs.
 */

export interface RetryPolicy {
  /** Failed attempts after which an item is set aside. */
  maxAttempts: number;
  /** Wait after the first failure; doubled after each further one. */
  baseDelayMs: number;
  /** The wait never exceeds this. */
  maxDelayMs: number;
}

/** Every job's policy: 1, 2, 4, 8 minutes between attempts, set aside after the 5th failure (~15 minutes). */
export const JOB_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 };

/** What a job records about an item that failed. */
export interface ItemFault {
  attempts: number;
  /** ISO time before which no run tries it again. */
  nextAttemptAt: string;
  lastError: string;
  /** ISO time it was set aside; absent while it is still retried. */
  poisonedAt?: string;
}

/** The wait after the `attempts`-th failure: base × 2^(attempts−1), capped. */
export function backoffDelayMs(attempts: number, policy: RetryPolicy = JOB_RETRY): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
}

/** The item's record after one more failure at `now`: retried later, or set aside once the cap is reached. */
export function afterFailure(
  previous: ItemFault | undefined,
  error: string,
  now: Date,
  policy: RetryPolicy = JOB_RETRY,
): ItemFault {
  const attempts = (previous?.attempts ?? 0) + 1;
  const at = now.toISOString();
  const lastError = error.slice(0, 500);
  if (attempts >= policy.maxAttempts) return { attempts, nextAttemptAt: at, lastError, poisonedAt: at };
  return {
    attempts,
    nextAttemptAt: new Date(now.getTime() + backoffDelayMs(attempts, policy)).toISOString(),
    lastError,
  };
}

/** Whether a run at `now` may try the item: never failed, or its backoff has passed — and not set aside. */
export function mayAttempt(fault: ItemFault | undefined, now: Date): boolean {
  if (!fault) return true;
  if (fault.poisonedAt) return false;
  return Date.parse(fault.nextAttemptAt) <= now.getTime();
}

/**
 * The run's order: tenants take turns, one item each per round, in the order
 * each tenant first appears (each tenant's own items keep their order), and
 * a tenant's items beyond `perTenant` wait for the next run. Returns the
 * order and how many items were left for later.
 */
export function fairOrder<T>(
  items: readonly T[],
  tenantOf: (item: T) => string,
  perTenant: number,
): { order: T[]; deferred: number } {
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOf(item);
    const queue = queues.get(tenant) ?? [];
    queue.push(item);
    queues.set(tenant, queue);
  }
  const order: T[] = [];
  let deferred = 0;
  for (const queue of queues.values()) deferred += Math.max(0, queue.length - perTenant);
  for (let round = 0; round < perTenant; round++) {
    let any = false;
    for (const queue of queues.values()) {
      const item = queue[round];
      if (item === undefined) continue;
      order.push(item);
      any = true;
    }
    if (!any) break;
  }
  return { order, deferred };
}

/** Counts what each tenant used of its per-run budget, for jobs that meet tenants' items page by page. */
export class TenantBudget {
  private readonly used = new Map<string, number>();
  constructor(private readonly perTenant: number) {}
  /** True (and counted) when the tenant still has budget in this run. */
  take(tenantId: string): boolean {
    const used = this.used.get(tenantId) ?? 0;
    if (used >= this.perTenant) return false;
    this.used.set(tenantId, used + 1);
    return true;
  }
}
