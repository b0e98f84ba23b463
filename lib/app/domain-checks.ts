/**
 * The daily re-check of verified domains (DESIGN §1 "Enterprise sign-in"): a
 * scheduled job looks each verified domain's TXT record up again once a day.
 * A record that disappeared flags the domain (`domain.flagged`, audited; the
 * admins see it on the Domains panel) and starts its grace period
 * (`DOMAIN_GRACE_DAYS`, default 7), after which it enables neither JIT
 * provisioning nor auto-join; a record that comes back clears the flag
 * (`domain.restored`). Work is shared fairly between tenants
 * (lib/domain/job-scheduling.ts) and a failed lookup (a DNS time-out) is
 * retried with backoff, never taken for a missing record.
 */
import { fairOrder } from '../domain/job-scheduling.ts';
import type { Actor } from '../store/audit.ts';
import { dueDomainChecks, getDomain } from '../store/domains.ts';
import { checkDomain } from './domains.ts';
import { type JobItemCounts, openJobRun } from './job-items.ts';

export const DOMAIN_CHECK_ACTOR: Actor = { type: 'system', id: 'check-domains' };

/** Domains one tenant may have re-checked per run (each tenant has at most MAX_DOMAINS). */
export const CHECKS_PER_TENANT = 20;
const PAGE = 500;

export interface DomainCheckSummary extends JobItemCounts {
  checked: number;
  flagged: number;
  restored: number;
  /** Due, but past their tenant's budget for this run. */
  deferred: number;
}

export async function recheckDomains(options: {
  now: Date;
  shouldStop?: () => boolean;
  perTenant?: number;
}): Promise<DomainCheckSummary> {
  const { now } = options;
  const run = await openJobRun('checkDomains', () => now);
  const due = await dueDomainChecks(now, PAGE);
  const { order, deferred } = fairOrder(due, (d) => d.tenantId, options.perTenant ?? CHECKS_PER_TENANT);
  const summary: DomainCheckSummary = { checked: 0, flagged: 0, restored: 0, deferred, ...run.counts };
  for (const item of order) {
    if (options.shouldStop?.()) break;
    const result = await run.attempt(item.tenantId, `domain#${item.domain}`, async () => {
      // The index lags the table: the item as it is now decides (removed, or already checked: nothing to do).
      const current = await getDomain(item.tenantId, item.domain);
      if (current?.status !== 'verified' || (current.nextCheckAt ?? '') > now.toISOString()) return;
      return { before: current, after: await checkDomain(current, DOMAIN_CHECK_ACTOR, now) };
    });
    if (!result.ok || !result.value) continue;
    const { before, after } = result.value;
    summary.checked += 1;
    if (after.flaggedAt && !before.flaggedAt) summary.flagged += 1;
    if (before.flaggedAt && !after.flaggedAt) summary.restored += 1;
  }
  return { ...summary, ...run.counts };
}
