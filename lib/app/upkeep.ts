/**
 * The access upkeep job (DESIGN §1, "access that stays right over time"):
 * removes timed grants that ended (authorisation ignored them from their
 * first expired instant; this makes the records say so) and, in every tenant
 * that set `autoSuspendInactiveDays`, suspends the active members who have
 * not signed in for that long — never the owner, never the last active admin
 * — then mails the tenant's admins one digest of who was suspended and how to
 * undo it. Each removal and each suspension is its own transaction with its
 * audit item, written like the expiry job's (`writeExpiry`: a change that lost
 * a race is skipped, not failed, and judged again next run); everything is
 * found through indexes one page at a time, so memory stays bounded and a run
 * cut short by the time limit resumes next time. A digest is delivered at
 * least once: if SES fails part-way, the next run mails it again.
 */
import { DIGEST_LISTED, sendSuspensionDigest, usersLink } from '../aws/mail.ts';
import { DomainError } from '../domain/errors.ts';
import { expiredGrants, liveGrants } from '../domain/grants.ts';
import {
  autoSuspendPeriod,
  autoSuspension,
  inactiveSince,
  inactivityCutoff,
  suspensionReason,
} from '../domain/inactivity.ts';
import { TenantBudget } from '../domain/job-scheduling.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { logger } from '../log.ts';
import type { Actor } from '../store/audit.ts';
import { writeExpiry } from '../store/expiry.ts';
import { INVITE_SHARDS } from '../store/keys.ts';
import { readMembers } from '../store/members.ts';
import { getTenant } from '../store/tenants.ts';
import { releaseTicketPut } from '../store/tickets.ts';
import {
  activeAdmins,
  autoSuspendingTenants,
  digestEntry,
  digestSent,
  inactiveActiveMembers,
  membersWithDueGrants,
  type PageKey,
  pendingDigest,
} from '../store/upkeep.ts';
import { type JobItemCounts, type JobRun, NO_COUNTS, openJobRun } from './job-items.ts';

export const UPKEEP_ACTOR: Actor = { type: 'system', id: 'access-upkeep' };

export interface UpkeepOptions {
  /** The run's clock (a test's fake one): every expiry and cutoff is judged by it. */
  now: Date;
  /** Index entries read per query. */
  pageSize?: number;
  /** Asked before every read and write; true stops the run (the rest waits for the next one). */
  shouldStop?: () => boolean;
  /** Changes (grant removals, suspensions) per tenant per run (default UPKEEP_PER_TENANT). */
  perTenant?: number;
}

/** Changes one tenant may have made per run: its backlog never uses up another tenant's turn. */
export const UPKEEP_PER_TENANT = 200;

export interface UpkeepSummary extends JobItemCounts {
  /** Timed grants removed (each member's removal one audited transaction). */
  grantsRemoved: number;
  suspended: number;
  /** Members found inactive but kept: the owner, the last active admin, or reactivated within the period. */
  kept: number;
  /** Changed since they were read (signed in, edited): left for the next run to judge again. */
  skipped: number;
  /** Tenants whose admins were sent a digest (one per tenant per run, a copy to each active admin). */
  digests: number;
  /** Due, but past their tenant's budget for this run: the next run takes them. */
  deferred: number;
  /** True when the run stopped before it knew every due item was handled. */
  remaining: boolean;
}

const DEFAULT_PAGE_SIZE = 100;

/** What every part of one run shares: its clock, stop, page size, fault records and tenants' budgets. */
type RunState = Required<Pick<UpkeepOptions, 'now' | 'pageSize' | 'shouldStop'>> & {
  run: JobRun;
  budget: TenantBudget;
};

/** Removes the member's ended grants, audited with their ends; false when the member changed meanwhile. */
export async function removeEndedGrants(member: MemberRecord, now: Date): Promise<number> {
  const ended = expiredGrants(member.grants, now);
  if (ended.length === 0) return 0;
  const at = now.toISOString();
  const next: MemberRecord = {
    ...member,
    grants: liveGrants(member.grants, now),
    updatedAt: at,
    version: member.version + 1,
  };
  const reason = `Time-limited grant ended: ${ended.map((g) => `${g.permission} at ${g.expiresAt}`).join(', ')}.`;
  const written = await writeExpiry({
    current: member,
    next,
    actor: UPKEEP_ACTOR,
    action: 'member.grant_expired',
    at,
    reason,
  });
  return written ? ended.length : 0;
}

/**
 * Suspends one member found inactive, if they still are: the transaction is
 * conditioned on the version read and on no sign-in since the cutoff (a
 * sign-in does not move the version), and guards the last active admin itself.
 */
export async function suspendInactive(tenant: TenantRecord, member: MemberRecord, now: Date, days: number) {
  const at = now.toISOString();
  // Like any suspension, it ends the person's sessions in this tenant only (DESIGN §2a rule 11).
  const next: MemberRecord = {
    ...member,
    status: 'suspended',
    sessionsValidAfter: now.getTime(),
    updatedAt: at,
    version: member.version + 1,
  };
  try {
    return await writeExpiry({
      current: member,
      next,
      actor: UPKEEP_ACTOR,
      action: 'member.suspended',
      at,
      reason: suspensionReason(member, days),
      condition: { expression: 'inactiveSince < :cutoff', values: { ':cutoff': inactivityCutoff(now, days) } },
      // Like a suspension by an admin, their open conversations go back to their teams' queues: the release
      // job drains the ticket (one assigned meanwhile is caught too).
      extra: [digestEntry(tenant.id, member.id), releaseTicketPut(tenant.id, member.id, at, 'assignee.suspended')],
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'last-admin') return false;
    throw error;
  }
}

/** Mails the tenant's admins the members its pending digest holds, then empties it; false when there was none. */
export async function sendPendingDigest(tenant: TenantRecord, days: number): Promise<boolean> {
  const ids = await pendingDigest(tenant.id);
  if (ids.length === 0) return false;
  const admins = await activeAdmins(tenant.id);
  if (admins.length === 0) {
    logger.warn('suspension digest kept: the tenant has no active admin to mail', { tenantId: tenant.id });
    return false;
  }
  const listed = await readMembers(tenant.id, ids.slice(0, DIGEST_LISTED));
  await sendSuspensionDigest({
    to: admins.map((a) => a.email),
    tenantName: tenant.name,
    days,
    total: ids.length,
    suspended: listed.map((m) => ({
      name: m.name,
      email: m.email,
      lastLoginAt: m.lastLoginAt,
      inactiveSince: inactiveSince(m),
    })),
    usersLink: usersLink('suspended'),
    reactivateRoute: `POST /v1/tenants/${tenant.id}/users/{userId}/reactivate`,
  });
  await digestSent(tenant.id, ids);
  return true;
}

/** Verdicts that keep a member whom the index still shows inactive and active: the rules, not a lag. */
const KEPT_BY_RULE: ReadonlySet<string> = new Set(['owner', 'last-admin', 'recently-reactivated']);

/** One tenant's auto-suspension: its inactive active members page by page, then its digest. */
async function upkeepTenant(listed: TenantRecord, options: RunState, summary: UpkeepSummary): Promise<void> {
  const { now, pageSize, shouldStop, run, budget } = options;
  // The index may lag: the tenant as it is now decides (days, owner, admins).
  const read = await run.attempt(listed.id, 'tenant', () => getTenant(listed.id));
  if (!read.ok) return;
  const tenant = read.value;
  const days = autoSuspendPeriod(tenant?.autoSuspendInactiveDays);
  if (tenant?.status !== 'active' || typeof days !== 'number') return;
  const cutoff = inactivityCutoff(now, days);
  let admins = tenant.activeAdmins;
  const kept: Record<string, number> = {};
  let start: PageKey | undefined;
  pages: do {
    if (shouldStop()) {
      summary.remaining = true;
      return;
    }
    const page = await inactiveActiveMembers(tenant.id, cutoff, { limit: pageSize, start });
    for (const member of page.items) {
      if (shouldStop()) {
        summary.remaining = true;
        return;
      }
      const verdict = autoSuspension(member, { ownerId: tenant.ownerId, activeAdmins: admins }, now, days);
      if (!verdict.suspend) {
        kept[verdict.because] = (kept[verdict.because] ?? 0) + 1;
        if (KEPT_BY_RULE.has(verdict.because)) summary.kept += 1;
        continue;
      }
      if (!run.due(tenant.id, `suspend#${member.id}`)) continue;
      if (!budget.take(tenant.id)) {
        // This tenant's share of the run is used: the others go first, the rest next run.
        summary.deferred += 1;
        break pages;
      }
      const suspended = await run.attempt(tenant.id, `suspend#${member.id}`, () =>
        suspendInactive(tenant, member, now, days),
      );
      if (suspended.ok && suspended.value) {
        summary.suspended += 1;
        if (member.role === 'admin') admins -= 1;
      } else if (suspended.ok) summary.skipped += 1;
    }
    start = page.next;
  } while (start);
  if (Object.keys(kept).length) logger.info('inactive members kept', { tenantId: tenant.id, ...kept });
  const digest = await run.attempt(tenant.id, 'digest', () => sendPendingDigest(tenant, days));
  if (digest.ok && digest.value) summary.digests += 1;
}

/** Every member with a timed grant that ended, shard by shard (one page each in turn). */
async function removeDueGrants(options: RunState, summary: UpkeepSummary): Promise<boolean> {
  const { now, pageSize, shouldStop, run, budget } = options;
  const before = now.toISOString();
  const cursors = new Map<number, PageKey | undefined>(
    Array.from({ length: INVITE_SHARDS }, (_, shard) => [shard, undefined]),
  );
  while (cursors.size > 0) {
    for (const [shard, start] of cursors) {
      if (shouldStop()) return false;
      const page = await membersWithDueGrants(shard, before, { limit: pageSize, start });
      for (const member of page.items) {
        if (shouldStop()) return false;
        if (!run.due(member.tenantId, `grants#${member.id}`)) continue;
        if (!budget.take(member.tenantId)) {
          summary.deferred += 1;
          continue;
        }
        const removed = await run.attempt(member.tenantId, `grants#${member.id}`, () => removeEndedGrants(member, now));
        if (!removed.ok) continue;
        if (removed.value > 0) summary.grantsRemoved += removed.value;
        else if (expiredGrants(member.grants, now).length > 0) summary.skipped += 1;
      }
      if (page.next) cursors.set(shard, page.next);
      else cursors.delete(shard);
    }
  }
  return true;
}

/**
 * One run: ended grants, then each auto-suspending tenant in turn. Fair
 * between tenants (DESIGN §9): at most `perTenant` changes per tenant per run
 * (grant removals and suspensions together); a grant removal, suspension,
 * tenant read or digest that throws is retried after a backoff and set aside
 * after the cap (lib/app/job-items.ts), never blocking the rest.
 */
export async function runAccessUpkeep(options: UpkeepOptions): Promise<UpkeepSummary> {
  if (options.shouldStop?.()) {
    const none = { grantsRemoved: 0, suspended: 0, kept: 0, skipped: 0, digests: 0, deferred: 0 };
    return { ...none, ...NO_COUNTS, remaining: true };
  }
  const run = await openJobRun('accessUpkeep', () => options.now);
  const resolved: RunState = {
    now: options.now,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    shouldStop: options.shouldStop ?? (() => false),
    run,
    budget: new TenantBudget(options.perTenant ?? UPKEEP_PER_TENANT),
  };
  const summary: UpkeepSummary = {
    grantsRemoved: 0,
    suspended: 0,
    kept: 0,
    skipped: 0,
    digests: 0,
    deferred: 0,
    remaining: false,
    ...run.counts,
  };
  const done = (remaining: boolean): UpkeepSummary => ({
    ...summary,
    ...run.counts,
    remaining: remaining || summary.remaining || summary.deferred > 0,
  });
  if (!(await removeDueGrants(resolved, summary))) return done(true);
  let start: PageKey | undefined;
  do {
    if (resolved.shouldStop()) return done(true);
    const page = await autoSuspendingTenants({ limit: 25, start });
    for (const tenant of page.items) {
      await upkeepTenant(tenant, resolved, summary);
      if (summary.remaining) return done(true);
    }
    start = page.next;
  } while (start);
  return done(false);
}
