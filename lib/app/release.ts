/**
 * Releasing a member's open conversations back to their teams' queues (or to
 * nobody, when a conversation has no team): when they leave (deactivated,
 * deleted), are suspended, or stay away longer than a team's
 * `awayReleaseSeconds`. Batched, one transaction per batch, each conversation
 * audited; resumable — a request releases what its time allows and the
 * release job (scheduled) finishes, applies away releases and sweeps every
 * team whose queue still waits. Released conversations drain to whoever has room.
 */
import { awayReleaseDue, type QueueReason } from '../domain/assignment.ts';
import { fairOrder } from '../domain/job-scheduling.ts';
import type { AssignmentRecord, MemberRecord, TenantRecord } from '../domain/records.ts';
import {
  type AssignmentWrite,
  Contended,
  getAssignment,
  listAssigneeQueue,
  MemberChanged,
  type Move,
  type ReleaseRule,
  refOf,
  writeAssignments,
} from '../store/assignments.ts';
import type { Actor } from '../store/audit.ts';
import { getMember } from '../store/members.ts';
import { listQueuedTeams, unmarkQueuedTeam } from '../store/queue.ts';
import { existingTeams } from '../store/teams.ts';
import { getTenant } from '../store/tenants.ts';
import { listAwayTickets, listReleaseTickets, removeAwayTicket, removeReleaseTicket } from '../store/tickets.ts';
import { drainTeam, drainTeams } from './drain.ts';
import { handedBack, noteGoneTeam } from './gone-teams.ts';
import { describeError, ItemFailed, type JobItemCounts, NO_COUNTS, openJobRun } from './job-items.ts';
import { isContention } from './retry.ts';

export const RELEASE_ACTOR: Actor = { type: 'system', id: 'release-assignments' };
const MAX_ITEMS = 100;
/** Batches in a row that others beat before one release call gives up (the job records a failed attempt). */
const MAX_FRUITLESS = 20;

type Tenant = Pick<TenantRecord, 'id' | 'rolePermissions'>;

export interface ReleaseSummary {
  released: number;
  /** Drained to others afterwards. */
  drained: number;
  /** True when it stopped (time) or the index had not caught up: the release job continues. */
  remaining: boolean;
  /** Set when it gave up: every batch in a row was beaten (the job counts a failed attempt, with this reason). */
  stuck?: string;
}

export interface ReleaseOptions {
  now: () => Date;
  shouldStop?: () => boolean;
  actor?: Actor;
  reason?: QueueReason;
  /** How the member must still be: not active (left, suspended; the default) or away since a time. */
  rule?: ReleaseRule;
  /** Only conversations of these teams (an away release). */
  teams?: ReadonlySet<string>;
}

/** Conversations per transaction: each takes its assignment, queue entry and audit item. */
function batchSize(member: MemberRecord | undefined, conversations: readonly { teamId?: string }[]): number {
  const teams = new Set(conversations.map((c) => c.teamId).filter(Boolean)).size;
  return Math.max(1, Math.floor((MAX_ITEMS - 1 - (member?.teamIds.length ?? 0) - teams) / 3));
}

function stillHolds(member: MemberRecord | undefined, options: ReleaseOptions): boolean {
  const rule = options.rule ?? { kind: 'not-active' };
  if (!member) return true; // deleted: everything they held goes
  if (rule.kind === 'not-active') return member.status !== 'active';
  return member.availability === 'away' && member.awaySince === rule.since;
}

/**
 * Returns the member's open conversations (all, or those of `teams`) to their
 * team queues page by page, one transaction per batch, until `shouldStop`.
 * A release ticket (left or suspended) is removed once nothing is left, or
 * when the member is active again (they keep what they still hold). Then the
 * teams the conversations went back to drain.
 */
export async function releaseAssignments(
  tenant: Tenant,
  memberId: string,
  options: ReleaseOptions,
): Promise<ReleaseSummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const actor = options.actor ?? RELEASE_ACTOR;
  const reason = options.reason ?? 'assignee.left';
  const ticketed = options.teams === undefined;
  const touched = new Set<string>();
  const gone = new Set<string>();
  let fruitless = 0;
  const summary: ReleaseSummary = { released: 0, drained: 0, remaining: false };
  let cursor: string | undefined;
  let passStart = 0;
  const finish = async (remaining: boolean) => {
    summary.remaining = remaining;
    if (touched.size && !shouldStop()) {
      const drained = await drainTeams(tenant, touched, { actor, budget: { shouldStop } });
      summary.drained = drained.drained;
    }
    return summary;
  };
  for (;;) {
    if (shouldStop()) return finish(true);
    const [page, member] = await Promise.all([
      listAssigneeQueue(tenant.id, memberId, { limit: 100, cursor }),
      getMember(tenant.id, memberId),
    ]);
    if (!stillHolds(member, options)) {
      if (ticketed) await removeReleaseTicket(tenant.id, memberId);
      return finish(false);
    }
    let batch = page.items.filter(
      (a) => a.assigneeId === memberId && (!options.teams || (a.teamId !== undefined && options.teams.has(a.teamId))),
    );
    while (batch.length > 0) {
      const size = batchSize(member, batch);
      const slice = batch.slice(0, size);
      try {
        await writeRelease(tenant.id, member, slice, { ...options, actor, reason, gone });
        summary.released += slice.length;
        for (const a of slice) if (a.teamId && !gone.has(a.teamId)) touched.add(a.teamId);
        batch = batch.slice(size);
        fruitless = 0;
      } catch (error) {
        if (await noteGoneTeam(tenant.id, error, gone)) continue; // write again: that team's ones go unassigned
        if (++fruitless >= MAX_FRUITLESS) {
          summary.stuck = `${MAX_FRUITLESS} release batches in a row failed; last: ${describeError(error)}`;
          return finish(true);
        }
        // A conversation reassigned meanwhile is no longer theirs to release: drop it, keep the rest.
        if (error instanceof Contended && error.conversationId) {
          const fresh = await getAssignment(tenant.id, error.conversationId);
          batch = batch.filter((a) => a.conversationId !== error.conversationId);
          if (fresh?.assigneeId === memberId) batch.unshift(fresh);
          continue;
        }
        if (error instanceof MemberChanged || isContention(error)) break; // re-read the member and the page
        throw error;
      }
      if (shouldStop()) return finish(true);
    }
    if (batch.length > 0) continue; // contention: read this page again
    if (page.nextCursor) {
      cursor = page.nextCursor;
      continue;
    }
    if (!ticketed) return finish(false);
    // The index is eventually consistent: only an exact zero counter (or no member) means done.
    const fresh = await getMember(tenant.id, memberId);
    if (fresh && (fresh.openAssignments ?? 0) > 0 && stillHolds(fresh, options)) {
      // A whole pass that released nothing: the index has not caught up yet; the job comes back.
      if (summary.released === passStart) return finish(true);
      passStart = summary.released;
      cursor = undefined;
      continue;
    }
    await removeReleaseTicket(tenant.id, memberId);
    return finish(false);
  }
}

async function writeRelease(
  tenantId: string,
  member: MemberRecord | undefined,
  conversations: readonly AssignmentRecord[],
  options: ReleaseOptions & { actor: Actor; reason: QueueReason; gone: ReadonlySet<string> },
): Promise<void> {
  const at = options.now().toISOString();
  const memberId = conversations[0]?.assigneeId as string;
  const moves: Move[] = conversations.map((current) => ({
    current,
    ...handedBack(current, options.reason, at, options.gone),
    action: 'conversation.unassigned',
  }));
  const write: AssignmentWrite = {
    tenantId,
    actor: options.actor,
    at,
    moves,
    members: new Map([[memberId, member ? refOf(member) : null]]),
    release: options.rule ?? { kind: 'not-active' },
    ...(options.gone.size ? { goneTeams: options.gone } : {}),
  };
  await writeAssignments(write);
}

export interface ReleaseJobSummary extends JobItemCounts {
  /** Members whose release tickets were worked on. */
  members: number;
  released: number;
  /** Members away past a team's awayReleaseSeconds whose conversations went back. */
  awayMembers: number;
  awayReleased: number;
  /** Teams swept, and conversations drained by the sweep. */
  teams: number;
  drained: number;
  /** Items past a tenant's budget for this run, left for the next. */
  deferred: number;
  /** True when the run stopped before everything was done. */
  remaining: boolean;
}

/** Entries read from each list per run (the rest waits for the next run). */
const LIST_LIMIT = 1_000;
/** Items of one kind (release, away, sweep) one tenant may take in one run: its backlog never uses up another's turn. */
export const RELEASE_PER_TENANT = 25;
/** Longest one item may work before the run moves on (it continues next run). */
const ITEM_MS = 30_000;

type Work =
  | { kind: 'release'; tenantId: string; memberId: string; reason?: string }
  | { kind: 'away'; tenantId: string; memberId: string; createdAt: string }
  | { kind: 'sweep'; tenantId: string; teamId: string };

const itemIdOf = (w: Work) => (w.kind === 'sweep' ? `sweep#${w.teamId}` : `${w.kind}#${w.memberId}`);

async function readList<T>(
  list: (limit: number, start?: Record<string, unknown>) => Promise<{ items: T[]; next?: Record<string, unknown> }>,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await list(100, start);
    items.push(...page.items);
    start = page.next;
  } while (start && items.length < LIST_LIMIT);
  return { items, more: start !== undefined };
}

/**
 * The release job: (1) finishes releasing members who left or were suspended
 * (their tickets), (2) applies the teams' away release to members away long
 * enough, (3) sweeps every team whose queue may wait — reading every member's
 * own item, so nothing a missed trigger or a stale card left waits longer
 * than one run — and takes a team off the list once its queue is empty.
 *
 * Fair between tenants (DESIGN §9): the three lists are read first, then the
 * tenants take turns, one item of each kind each (releases, away releases,
 * sweeps), at most RELEASE_PER_TENANT of a kind per run, each item bounded
 * in time. An item that throws or gets nowhere is a failed attempt:
 * retried after a backoff, set aside after the cap (lib/app/job-items.ts).
 */
export async function runReleaseJob(options: {
  shouldStop?: () => boolean;
  now?: () => Date;
  /** The time an item may work (tests shorten it). */
  itemMs?: number;
}): Promise<ReleaseJobSummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const now = options.now ?? (() => new Date());
  if (shouldStop()) {
    const none = { members: 0, released: 0, awayMembers: 0, awayReleased: 0, teams: 0, drained: 0, deferred: 0 };
    return { ...none, ...NO_COUNTS, remaining: true };
  }
  const run = await openJobRun('releaseAssignments', now);
  const summary: ReleaseJobSummary = {
    members: 0,
    released: 0,
    awayMembers: 0,
    awayReleased: 0,
    teams: 0,
    drained: 0,
    deferred: 0,
    remaining: false,
    ...run.counts,
  };
  const done = (remaining: boolean): ReleaseJobSummary => ({
    ...summary,
    ...run.counts,
    remaining: summary.remaining || remaining,
  });
  const tenants = new Map<string, Tenant | undefined>();
  const tenantOf = async (id: string) => {
    if (!tenants.has(id)) tenants.set(id, await getTenant(id));
    return tenants.get(id);
  };

  const [releases, aways, queues] = await Promise.all([
    readList(listReleaseTickets),
    readList(listAwayTickets),
    readList(listQueuedTeams),
  ]);
  if (releases.more || aways.more || queues.more) summary.remaining = true;
  const work: Work[] = [
    ...releases.items.map((t): Work => ({ kind: 'release', ...t })),
    ...aways.items.map((t): Work => ({ kind: 'away', ...t })),
    ...queues.items.map((q): Work => ({ kind: 'sweep', ...q })),
  ].filter((w) => run.due(w.tenantId, itemIdOf(w)));
  // Turns per tenant and kind: a tenant's away tickets never use up the budget its queue sweep needs.
  const { order, deferred } = fairOrder(work, (w) => `${w.tenantId}#${w.kind}`, RELEASE_PER_TENANT);
  summary.deferred = deferred;
  if (deferred > 0) summary.remaining = true;

  for (const item of order) {
    if (shouldStop()) return done(true);
    const deadline = Date.now() + (options.itemMs ?? ITEM_MS);
    const itemStop = () => shouldStop() || Date.now() >= deadline;
    await run.attempt(item.tenantId, itemIdOf(item), async () => {
      const tenant = await tenantOf(item.tenantId);
      if (!tenant) return;
      if (item.kind === 'release') {
        const result = await releaseAssignments(tenant, item.memberId, {
          now,
          shouldStop: itemStop,
          reason: (item.reason as QueueReason | undefined) ?? 'assignee.left',
        });
        summary.members += 1;
        summary.released += result.released;
        summary.drained += result.drained;
        if (result.stuck) throw new ItemFailed(result.stuck);
        if (result.remaining) summary.remaining = true;
      } else if (item.kind === 'away') {
        const released = await awayRelease(item, now, itemStop, tenantOf);
        if (released === undefined) return;
        summary.awayMembers += 1;
        summary.awayReleased += released.released;
        summary.drained += released.drained;
        if (released.stuck) throw new ItemFailed(released.stuck);
        if (released.remaining) summary.remaining = true;
      } else {
        const outcome = await drainTeam(tenant, item.teamId, {
          actor: RELEASE_ACTOR,
          authoritative: true,
          budget: { shouldStop: itemStop, limit: Number.POSITIVE_INFINITY },
        });
        summary.teams += 1;
        summary.drained += outcome.drained;
        if (outcome.remaining) summary.remaining = true;
        else await unmarkQueuedTeam(item.tenantId, item.teamId);
      }
    });
  }
  return done(false);
}

/** One away ticket: releases what the member holds of teams whose delay has passed; undefined when nothing is due. */
async function awayRelease(
  ticket: { tenantId: string; memberId: string; createdAt: string },
  now: () => Date,
  shouldStop: () => boolean,
  tenantOf: (id: string) => Promise<Tenant | undefined>,
): Promise<ReleaseSummary | undefined> {
  const member = await getMember(ticket.tenantId, ticket.memberId);
  if (member?.availability !== 'away' || member.awaySince !== ticket.createdAt) {
    await removeAwayTicket(ticket.tenantId, ticket.memberId, ticket.createdAt);
    return undefined;
  }
  if ((member.openAssignments ?? 0) <= 0 || member.teamIds.length === 0) return undefined;
  const due = (await existingTeams(ticket.tenantId, member.teamIds)).filter((team) =>
    awayReleaseDue(team.awayReleaseSeconds, member.awaySince, now()),
  );
  const tenant = await tenantOf(ticket.tenantId);
  if (due.length === 0 || !tenant) return undefined;
  return releaseAwayMember(tenant, member, new Set(due.map((t) => t.id)), { now, shouldStop });
}

/** An away member's conversations of `teams` go back to those queues (and drain to whoever is online). */
export function releaseAwayMember(
  tenant: Tenant,
  member: MemberRecord,
  teams: ReadonlySet<string>,
  options: { now: () => Date; shouldStop?: () => boolean; actor?: Actor },
): Promise<ReleaseSummary> {
  return releaseAssignments(tenant, member.id, {
    ...options,
    reason: 'assignee.away',
    rule: { kind: 'away', since: member.awaySince as string },
    teams,
  });
}
