/**
 * The expiry job's use case: every invitation past its expiry becomes
 * `expired` (its seat freed, `invitation.expired` audited), one transaction
 * per member. Drains any backlog one page at a time — memory stays bounded by
 * the page size — and stops cleanly when told to (the Lambda's time limit).
 */
import { TenantBudget } from '../domain/job-scheduling.ts';
import { findTransition } from '../domain/lifecycle.ts';
import type { MemberRecord } from '../domain/records.ts';
import type { Actor } from '../store/audit.ts';
import { dueInvitations, type PageKey, writeExpiry } from '../store/expiry.ts';
import { INVITE_SHARDS } from '../store/keys.ts';
import { type JobItemCounts, NO_COUNTS, openJobRun } from './job-items.ts';

export const EXPIRY_ACTOR: Actor = { type: 'system', id: 'expire-invitations' };

export interface ExpiryOptions {
  now: Date;
  /** Invitations read per query. */
  pageSize?: number;
  /** Asked before every read and write; true stops the run (the rest waits for the next one). */
  shouldStop?: () => boolean;
  /** Invitations per tenant per run (default EXPIRY_PER_TENANT). */
  perTenant?: number;
}

export interface ExpirySummary extends JobItemCounts {
  expired: number;
  /** Due when read, but accepted, resent or revoked meanwhile: left as they are now. */
  skipped: number;
  /** Index pages read. */
  pages: number;
  /** Due, but past their tenant's budget for this run: the next run takes them. */
  deferred: number;
  /** True when the run stopped before it knew every due invitation was handled. */
  remaining: boolean;
}

const DEFAULT_PAGE_SIZE = 100;
/** Invitations one tenant may have expired per run: its backlog never uses up another tenant's turn. */
export const EXPIRY_PER_TENANT = 500;

/**
 * Expires one invitation as it was read. The member's version is the
 * condition, so a stale read (the index lags the table) or a concurrent
 * accept or resend makes this a no-op returning false — never a broken member.
 */
export async function expireInvitation(member: MemberRecord, now: Date): Promise<boolean> {
  const step = findTransition(member.status, 'expire');
  if (!step || !member.invitation || Date.parse(member.invitation.expiresAt) > now.getTime()) return false;
  const at = now.toISOString();
  // The invitation keeps its expiry and send count for the member view; its
  // link is dead because only `invited` members accept, and a resend issues a
  // new token. memberItem drops the pending-invitation index keys.
  const next: MemberRecord = { ...member, status: 'expired', updatedAt: at, version: member.version + 1 };
  return writeExpiry({ current: member, next, actor: EXPIRY_ACTOR, action: step.audit, at });
}

/**
 * Every invitation due at `now`, shard by shard in turn (one page each), so
 * a run cut short by the time limit still makes progress on every shard.
 * Fair between tenants (DESIGN §9): at most EXPIRY_PER_TENANT per tenant per
 * run; an invitation whose expiry throws is retried after a backoff and set
 * aside after the cap (lib/app/job-items.ts), never blocking the rest.
 */
export async function expireDueInvitations(options: ExpiryOptions): Promise<ExpirySummary> {
  const { now } = options;
  const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const shouldStop = options.shouldStop ?? (() => false);
  const before = now.toISOString();
  if (shouldStop()) return { expired: 0, skipped: 0, pages: 0, deferred: 0, remaining: true, ...NO_COUNTS };
  const run = await openJobRun('expireInvitations', () => now);
  const budget = new TenantBudget(options.perTenant ?? EXPIRY_PER_TENANT);
  const summary: ExpirySummary = { expired: 0, skipped: 0, pages: 0, deferred: 0, remaining: false, ...run.counts };
  const done = (remaining: boolean): ExpirySummary => ({
    ...summary,
    ...run.counts,
    remaining: remaining || summary.deferred > 0,
  });
  // Shards still to read, each with where its next page starts.
  const cursors = new Map<number, PageKey | undefined>(
    Array.from({ length: INVITE_SHARDS }, (_, shard) => [shard, undefined]),
  );

  while (cursors.size > 0) {
    for (const [shard, start] of cursors) {
      if (shouldStop()) return done(true);
      const page = await dueInvitations(shard, before, { limit, start });
      summary.pages += 1;
      for (const member of page.members) {
        if (shouldStop()) return done(true);
        if (!run.due(member.tenantId, member.id)) continue;
        if (!budget.take(member.tenantId)) {
          summary.deferred += 1;
          continue;
        }
        const result = await run.attempt(member.tenantId, member.id, () => expireInvitation(member, now));
        if (result.ok && result.value) summary.expired += 1;
        else if (result.ok) summary.skipped += 1;
      }
      if (page.next) cursors.set(shard, page.next);
      else cursors.delete(shard);
    }
  }
  return done(false);
}
