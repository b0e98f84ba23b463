/**
 * Assignment repository: who answers each conversation. Every change is ONE
 * transaction: the assignment items (each conditioned on the version that
 * was read, so two people never own one conversation), their queue entries,
 * the counters of the members who give or take conversations (ADD ±n; a
 * member who takes must still be active at the version read — and, for an
 * automatic pick, online and below capacity), the load on those members'
 * team cards, the teams' queue counts and rotation cursor, and one audit item
 * per conversation (with the strategy's decision for automatic picks).
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import type { Decision } from '../domain/assignment.ts';
import { DomainError } from '../domain/errors.ts';
import type { AssignmentRecord, MemberRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { loadMoves } from './cards.ts';
import { assignmentFromItem, memberFromItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './query.ts';
import { isQueued, queueEntryDelete, queueEntryPut, sameEntry } from './queue.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';

/** A condition that failed because someone else moved first: re-read and try again. */
export class Contended extends DomainError {
  readonly conversationId: string | undefined;
  /** The assignment as it is now, when its own condition failed (undefined = it does not exist). */
  readonly latest: AssignmentRecord | undefined;
  readonly hasLatest: boolean;
  constructor(detail: string, conversationId?: string, latest?: { item: AssignmentRecord | undefined }) {
    super('conflict', detail);
    this.conversationId = conversationId;
    this.latest = latest?.item;
    this.hasLatest = latest !== undefined;
  }
}

/** A member's counter could not move: they changed since read (version, status, availability, load) or are gone. */
export class MemberChanged extends Contended {
  readonly memberId: string;
  constructor(memberId: string) {
    super('A member changed meanwhile.');
    this.memberId = memberId;
  }
}

/** The team changed under the write (its rotation moved, or it is gone). */
export class TeamChanged extends Contended {
  readonly teamId: string;
  constructor(teamId: string) {
    super('The team changed meanwhile.');
    this.teamId = teamId;
  }
}

export function assignmentItem(a: AssignmentRecord) {
  return {
    ...keys.assignment(a.tenantId, a.conversationId),
    ...(a.assigneeId && a.assignedAt
      ? keys.assigneeQueue(a.tenantId, a.assigneeId, a.assignedAt, a.conversationId)
      : {}),
    entity: 'assignment',
    ...a,
  };
}

export async function getAssignment(tenantId: string, conversationId: string): Promise<AssignmentRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config().tableName,
      Key: keys.assignment(tenantId, conversationId),
      ConsistentRead: true,
    }),
  );
  return Item ? assignmentFromItem(Item) : undefined;
}

/**
 * Members by id and, optionally, one conversation's assignment — consistently,
 * in one BatchGetItem per 100 keys (missing ones are simply absent).
 */
export async function getMembers(
  tenantId: string,
  memberIds: readonly string[],
  conversationId?: string,
): Promise<Map<string, MemberRecord> & { assignment?: AssignmentRecord }> {
  const table = config().tableName;
  const found: Map<string, MemberRecord> & { assignment?: AssignmentRecord } = new Map();
  const wanted: Record<string, unknown>[] = [...new Set(memberIds)].map((id) => keys.member(tenantId, id));
  if (conversationId) wanted.push(keys.assignment(tenantId, conversationId));
  for (let i = 0; i < wanted.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100);
    while (pending?.length) {
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        if (item.entity === 'assignment') found.assignment = assignmentFromItem(item);
        else {
          const member = memberFromItem(item);
          found.set(member.id, member);
        }
      }
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

/**
 * What a transaction needs of a member whose counter moves: their teams (whose
 * cards carry the load) and what pins them — the version read, or, for a
 * member giving a conversation back without having been read, that their
 * teams are still those the assignment recorded.
 */
export interface MemberRef {
  id: string;
  version: number;
  teamIds: readonly string[];
  /** Pinned by `teamIds` instead of `version` (an assignment's recorded teams). */
  byTeams?: true;
}

/** The assignee of `a` as its item recorded them, when it did: no read needed to give it back. */
export function recordedAssignee(a: AssignmentRecord | undefined): MemberRef | undefined {
  if (!a?.assigneeId || !a.assigneeTeamIds) return undefined;
  return { id: a.assigneeId, version: -1, teamIds: a.assigneeTeamIds, byTeams: true };
}

export const refOf = (m: Pick<MemberRecord, 'id' | 'version' | 'teamIds'>): MemberRef => ({
  id: m.id,
  version: m.version,
  teamIds: m.teamIds,
});

export type ConversationAction =
  | 'conversation.assigned'
  | 'conversation.unassigned'
  | 'conversation.queued'
  | 'conversation.resolved';

/** One conversation's change. */
export interface Move {
  /** As read; undefined = no item yet. */
  current: AssignmentRecord | undefined;
  /** undefined deletes the item (nobody, no team; or resolved). */
  next: AssignmentRecord | undefined;
  action: ConversationAction;
  reason?: string;
  decision?: Decision;
}

/** How a member who gives conversations back must still be (bulk releases). */
export type ReleaseRule =
  /** Left or suspended: not active (a member active again keeps what they hold). */
  | { kind: 'not-active' }
  /** Away since exactly this time (back online, or away anew: nothing is released). */
  | { kind: 'away'; since: string };

export interface AssignmentWrite {
  tenantId: string;
  actor: Actor;
  at: string;
  moves: readonly Move[];
  /** Every member whose counter moves, as read; null = deleted (no counter, no cards). */
  members: ReadonlyMap<string, MemberRef | null>;
  /** Automatic picks: whoever takes a conversation must be online and below `capacity`. */
  pick?: { capacity: number | null };
  /** Claims: whoever takes a conversation must be below `capacity` (availability aside: the person acts). */
  room?: { capacity: number };
  release?: ReleaseRule;
  /** The team's rotation cursor: advanced only if still `previous`. */
  cursor?: { teamId: string; previous: string | null; next: string };
  /**
   * Teams found gone (deleted before teams counted their assigned
   * conversations): their items are not written — the caller's moves leave
   * their conversations unassigned instead of queued there.
   */
  goneTeams?: ReadonlySet<string>;
}

type TeamChange = { queued: number; assigned: number; marks: boolean; cursor?: AssignmentWrite['cursor'] };

/** The team whose `assigned` counter an assignment counts in: its team, while someone holds it. */
const assignedThrough = (a: AssignmentRecord | undefined) => (a?.teamId && a.assigneeId ? a.teamId : undefined);

const shown = (a: AssignmentRecord | undefined) => ({ assigneeId: a?.assigneeId ?? null, teamId: a?.teamId ?? null });

function assignmentWrite(tenantId: string, move: Move): TxItem {
  const { current, next } = move;
  const conversationId = (current ?? next)?.conversationId as string;
  const stale = (old?: Record<string, unknown>) =>
    new Contended('The conversation’s assignment changed meanwhile.', conversationId, {
      item: old ? assignmentFromItem(old) : undefined,
    });
  const condition = current
    ? { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': current.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  if (next)
    return put({ Item: assignmentItem(next), ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }, stale);
  return remove(
    { Key: keys.assignment(tenantId, conversationId), ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
    stale,
  );
}

function counterWrite(write: AssignmentWrite, ref: MemberRef, delta: number): TxItem {
  const conditions = ['attribute_exists(pk)'];
  const names: Record<string, string> = { '#open': 'openAssignments' };
  const values: Record<string, unknown> = { ':delta': delta };
  if (ref.byTeams) {
    conditions.push('teamIds = :teams');
    values[':teams'] = [...ref.teamIds];
  } else {
    conditions.push('#version = :version');
    names['#version'] = 'version';
    values[':version'] = ref.version;
  }
  if (delta > 0) {
    conditions.push('#status = :active');
    names['#status'] = 'status';
    values[':active'] = 'active';
    if (write.pick) {
      conditions.push('availability = :online');
      values[':online'] = 'online';
    }
    const capacity = write.pick?.capacity ?? write.room?.capacity ?? null;
    if (capacity !== null) {
      // Room for every conversation this transaction gives them.
      conditions.push('(attribute_not_exists(#open) OR #open <= :room)');
      values[':room'] = capacity - delta;
    }
  } else {
    conditions.push('#open >= :count');
    values[':count'] = -delta;
    if (write.release?.kind === 'not-active') {
      conditions.push('#status <> :active');
      names['#status'] = 'status';
      values[':active'] = 'active';
    } else if (write.release?.kind === 'away') {
      conditions.push('availability = :away AND awaySince = :since');
      values[':away'] = 'away';
      values[':since'] = write.release.since;
    }
  }
  return update(
    {
      Key: keys.member(write.tenantId, ref.id),
      UpdateExpression: 'ADD #open :delta',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    () => new MemberChanged(ref.id),
  );
}

function teamWrite(write: AssignmentWrite, teamId: string, change: TeamChange): TxItem {
  const sets: string[] = [];
  const conditions = ['attribute_exists(pk)'];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  if (change.marks) {
    const mark = keys.queuedTeam(write.tenantId, teamId);
    sets.push('gsi1pk = :markPk', 'gsi1sk = :markSk');
    values[':markPk'] = mark.gsi1pk;
    values[':markSk'] = mark.gsi1sk;
  }
  if (change.cursor) {
    sets.push('rrCursor = :next');
    values[':next'] = change.cursor.next;
    if (change.cursor.previous === null) conditions.push('attribute_not_exists(rrCursor)');
    else {
      conditions.push('rrCursor = :previous');
      values[':previous'] = change.cursor.previous;
    }
  }
  const parts = [sets.length ? `SET ${sets.join(', ')}` : ''];
  const adds: string[] = [];
  if (change.queued !== 0) {
    adds.push('#queued :queued');
    names['#queued'] = 'queued';
    values[':queued'] = change.queued;
  }
  if (change.assigned !== 0) {
    // Conversations held by someone through this team: a team is not deleted while any are (deleteTeamItems).
    adds.push('#assigned :assigned');
    names['#assigned'] = 'assigned';
    values[':assigned'] = change.assigned;
  }
  if (adds.length) parts.push(`ADD ${adds.join(', ')}`);
  return update(
    {
      Key: keys.team(write.tenantId, teamId),
      UpdateExpression: parts.filter(Boolean).join(' '),
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
    () => new TeamChanged(teamId),
  );
}

/** The assignee's teams ride on the assignment (see `assigneeTeamIds`), from the ref the write is pinned by. */
function withAssigneeTeams(
  next: AssignmentRecord | undefined,
  members: ReadonlyMap<string, MemberRef | null>,
): AssignmentRecord | undefined {
  if (!next?.assigneeId) return next;
  const ref = members.get(next.assigneeId);
  if (!ref) return next;
  return { ...next, assigneeTeamIds: [...ref.teamIds] };
}

/** The items of one assignment write (callers keep it under DynamoDB's 100 per transaction). */
export function assignmentItems(write: AssignmentWrite): TxItem[] {
  const { tenantId, at, actor } = write;
  const items: TxItem[] = [];
  const counters = new Map<string, number>();
  const teams = new Map<string, TeamChange>();
  const team = (id: string) => {
    const entry = teams.get(id) ?? { queued: 0, assigned: 0, marks: false };
    teams.set(id, entry);
    return entry;
  };
  const moveCounter = (id: string | undefined, delta: number) => {
    if (id) counters.set(id, (counters.get(id) ?? 0) + delta);
  };
  for (const move of write.moves) {
    const { current } = move;
    const next = withAssigneeTeams(move.next, write.members);
    items.push(assignmentWrite(tenantId, { ...move, next }));
    if (!sameEntry(current, next)) {
      if (isQueued(current)) {
        items.push(
          queueEntryDelete(current, () => new Contended('The queue changed meanwhile.', current.conversationId)),
        );
        team(current.teamId).queued -= 1;
      }
      if (isQueued(next)) {
        items.push(queueEntryPut(next));
        const t = team(next.teamId);
        t.queued += 1;
        t.marks = true;
      }
    }
    if (current?.assigneeId !== next?.assigneeId) {
      moveCounter(current?.assigneeId, -1);
      moveCounter(next?.assigneeId, +1);
    }
    const before = assignedThrough(current);
    const after = assignedThrough(next);
    if (before !== after) {
      if (before) team(before).assigned -= 1;
      if (after) team(after).assigned += 1;
    }
    items.push(
      auditPut({
        tenantId,
        actor,
        action: move.action,
        target: { type: 'conversation', id: (current ?? next)?.conversationId as string },
        before: shown(current),
        after: {
          ...shown(next),
          ...(move.reason ? { reason: move.reason } : {}),
          ...(move.decision ? { decision: move.decision } : {}),
        },
        at,
      }),
    );
  }
  for (const [memberId, delta] of counters) {
    if (delta === 0) continue;
    const ref = write.members.get(memberId);
    if (ref === undefined) throw new Error(`assignment write: member ${memberId} moves but was not read`);
    if (ref === null) {
      if (delta > 0) throw new Error(`assignment write: ${memberId} is gone and cannot take conversations`);
      continue;
    }
    items.push(counterWrite(write, ref, delta), ...loadMoves(tenantId, memberId, ref.teamIds, delta));
  }
  if (write.cursor) team(write.cursor.teamId).cursor = write.cursor;
  for (const [teamId, change] of teams) {
    if (write.goneTeams?.has(teamId)) continue;
    if (change.queued !== 0 || change.assigned !== 0 || change.marks || change.cursor)
      items.push(teamWrite(write, teamId, change));
  }
  return items;
}

/** Writes it as ONE transaction (see the module comment). */
export async function writeAssignments(write: AssignmentWrite): Promise<void> {
  await transact(assignmentItems(write));
}

/** The assignment without its assignee: back in its team's queue (why, since when), or gone when it has no team. */
export function requeued(current: AssignmentRecord, reason: string, at: string): AssignmentRecord | undefined {
  if (!current.teamId) return undefined;
  const { assigneeId: _assignee, assignedAt: _assignedAt, assigneeTeamIds: _teams, ...rest } = current;
  return {
    ...rest,
    queuedAt: at,
    queueReason: reason as AssignmentRecord['queueReason'],
    updatedAt: at,
    version: current.version + 1,
  };
}

/** One page of a member's open conversations, oldest first, from the GSI1 assignee queue. */
export async function listAssigneeQueue(
  tenantId: string,
  memberId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: AssignmentRecord[]; nextCursor: string | null }> {
  const { items, nextCursor } = await queryPage({
    scope: `ASSIGNEE#${tenantId}#${memberId}`,
    index: 'gsi1',
    partition: keys.assigneeQueuePartition(tenantId, memberId),
    page,
  });
  return { items: items.map(assignmentFromItem), nextCursor };
}
