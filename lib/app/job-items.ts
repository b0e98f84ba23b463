/**
 * One job run's handling of its items (DESIGN §9 "One tenant never slows
 * another"): the run reads its job's fault records once; each item is tried
 * only when its backoff has passed and it is not set aside; a failure is
 * recorded with its next attempt (exponential backoff) or, at the cap, set
 * aside — logged at ERROR with tenant, item and reason, and counted in the
 * `Roster/JobItemsSetAside` metric the CDK alarms on. A success clears the
 * item's record. The decisions are lib/domain/job-scheduling.ts's.
 */
import { afterFailure, type ItemFault, mayAttempt } from '../domain/job-scheduling.ts';
import { logger } from '../log.ts';
import { emitMetric, SET_ASIDE_METRIC } from '../metrics.ts';
import { clearJobFault, faultKey, type JobFault, jobFaults, saveJobFault } from '../store/job-faults.ts';

export type JobName = 'releaseAssignments' | 'expireInvitations' | 'accessUpkeep' | 'checkDomains';

export { SET_ASIDE_METRIC };

export interface JobItemCounts {
  /** Items that failed this run (each retried later with backoff, or set aside). */
  failed: number;
  /** Items set aside this run (their retry cap reached). */
  setAside: number;
  /** Items not tried this run: in backoff, or set aside earlier. */
  backedOff: number;
}

/** The counts of a run that tried nothing. */
export const NO_COUNTS: Readonly<JobItemCounts> = { failed: 0, setAside: 0, backedOff: 0 };

export interface JobRun {
  readonly job: JobName;
  readonly now: () => Date;
  readonly counts: JobItemCounts;
  /** Whether `itemId` of `tenantId` may be tried now (counts it as backed off when not). */
  due(tenantId: string, itemId: string): boolean;
  /**
   * Runs `work` for the item: false (and nothing run) while it backs off or is
   * set aside; a throw is recorded as a failed attempt and answered false.
   */
  attempt<T>(tenantId: string, itemId: string, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }>;
}

export async function openJobRun(job: JobName, now: () => Date): Promise<JobRun> {
  const faults = await jobFaults(job);
  const counts: JobItemCounts = { failed: 0, setAside: 0, backedOff: 0 };
  const tried = new Set<string>();
  const fault = (tenantId: string, itemId: string): ItemFault | undefined => faults.get(faultKey(tenantId, itemId));
  const due = (tenantId: string, itemId: string) => {
    const key = faultKey(tenantId, itemId);
    // Never twice in one run: a failure waits for its backoff.
    if (tried.has(key) && faults.has(key)) return false;
    if (mayAttempt(fault(tenantId, itemId), now())) return true;
    counts.backedOff += 1;
    return false;
  };
  return {
    job,
    now,
    counts,
    due,
    async attempt(tenantId, itemId, work) {
      if (!due(tenantId, itemId)) return { ok: false };
      const key = faultKey(tenantId, itemId);
      tried.add(key);
      try {
        const value = await work();
        if (faults.has(key)) {
          await clearJobFault(job, tenantId, itemId);
          faults.delete(key);
        }
        return { ok: true, value };
      } catch (error) {
        const reason = describeError(error);
        const next: JobFault = { job, tenantId, itemId, ...afterFailure(faults.get(key), reason, now()) };
        faults.set(key, next);
        await saveJobFault(next);
        counts.failed += 1;
        if (next.poisonedAt) {
          counts.setAside += 1;
          reportSetAside(next);
        } else {
          logger.warn('job item failed; retried after backoff', { ...next });
        }
        return { ok: false };
      }
    },
  };
}

/** What an operator sees when an item is set aside: an ERROR line and one count of the alarmed metric. */
export function reportSetAside(fault: JobFault): void {
  logger.error('job item set aside', {
    job: fault.job,
    tenantId: fault.tenantId,
    itemId: fault.itemId,
    attempts: fault.attempts,
    reason: fault.lastError,
  });
  emitMetric(SET_ASIDE_METRIC, 1, { Job: fault.job }, { tenantId: fault.tenantId, itemId: fault.itemId });
}

/** An error as one line for a log or a fault record. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}

/** A unit of work that could not finish: recorded as a failed attempt of its item. */
export class ItemFailed extends Error {
  override readonly name = 'ItemFailed';
}
