/**
 * Assignment repository: who answers each conversation. Every change is ONE
 * transaction — the assignment item (conditioned on the version that was
 * read, so two agents never own one conversation), the old and new assignee's
 * `openAssignments` counters (ADD ±1; the new one must still be active, and
 * online and below capacity for automatic picks), the team's round-robin
 * cursor when a strategy picked, and the audit item the notification is made from.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { AssignmentRecord, MemberRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { assignmentFromItem, memberFromItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './query.ts';
import { INDEXES } from './table.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';

/** A condition that failed because someone else moved first: re-read and try again. */
export class Contended extends DomainError {
  readonly conversationId: string | undefined;
  constructor(detail: string, conversationId?: string) {
    super('conflict', detail);
    this.conversationId = conversationId;
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

/** Members by id, consistently, in one BatchGetItem per 100 (missing ones are simply absent). */
export async function getMembers(tenantId: string, memberIds: readonly string[]): Promise<Map<string, MemberRecord>> {
  const table = config().tableName;
  const found = new Map<string, MemberRecord>();
  const unique = [...new Set(memberIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = unique
      .slice(i, i + 100)
      .map((id) => keys.member(tenantId, id));
    while (pending?.length) {
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const member = memberFromItem(item);
        found.set(member.id, member);
      }
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

/** The pieces of an assignment's state the audit trail shows. */
const shown = (a: AssignmentRecord | undefined) => ({ assigneeId: a?.assigneeId ?? null, teamId: a?.teamId ?? null });

/** The new assignee's counter: +1, only while they are active (and online / below capacity for automatic picks). */
export interface Take {
  memberId: string;
  /** Automatic pick: the member must still be online. */
  online?: boolean;
  capacity?: number | null;
}

export interface AssignmentChange {
  tenantId: string;
  conversationId: string;
  /** As read; undefined = no item yet. */
  current: AssignmentRecord | undefined;
  /** undefined deletes the item (nobody, no team). */
  next: AssignmentRecord | undefined;
  take?: Take;
  /** Whether the old assignee still has a member item whose counter moves (false once deleted). */
  releaseCounter?: boolean;
  /** The team's round-robin cursor: advanced only if still `previous`. */
  cursor?: { teamId: string; previous: string | null; next: string };
  actor: Actor;
  action: 'conversation.assigned' | 'conversation.unassigned' | 'conversation.queued';
  reason?: string;
  at: string;
}

function assignmentWrite(change: AssignmentChange): TxItem {
  const { tenantId, conversationId, current, next } = change;
  const stale = () => new Contended('The conversation’s assignment changed meanwhile.', conversationId);
  const condition = current
    ? { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': current.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  if (next) return put({ Item: assignmentItem(next), ...condition }, stale);
  return remove({ Key: keys.assignment(tenantId, conversationId), ...condition }, stale);
}

function takeWrite(tenantId: string, take: Take): TxItem {
  const conditions = ['attribute_exists(pk)', '#status = :active'];
  const values: Record<string, unknown> = { ':one': 1, ':active': 'active' };
  const names: Record<string, string> = { '#status': 'status' };
  if (take.online) {
    conditions.push('availability = :online');
    values[':online'] = 'online';
  }
  if (take.capacity !== undefined && take.capacity !== null) {
    conditions.push('(attribute_not_exists(openAssignments) OR openAssignments < :capacity)');
    values[':capacity'] = take.capacity;
  }
  return update(
    {
      Key: keys.member(tenantId, take.memberId),
      UpdateExpression: 'ADD openAssignments :one',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    () => new Contended('The assignee is no longer active, online or below capacity.'),
  );
}

function releaseWrite(tenantId: string, memberId: string, count: number, requireInactive: boolean): TxItem {
  const conditions = ['attribute_exists(pk)', 'openAssignments >= :n'];
  const values: Record<string, unknown> = { ':minus': -count, ':n': count };
  if (requireInactive) {
    conditions.push('#status <> :active');
    values[':active'] = 'active';
  }
  return update(
    {
      Key: keys.member(tenantId, memberId),
      UpdateExpression: 'ADD openAssignments :minus',
      ConditionExpression: conditions.join(' AND '),
      ...(requireInactive ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: values,
    },
    () => new AssigneeGone(memberId),
  );
}

/** The previous assignee's counter could not move: their member item is gone (deleted). */
export class AssigneeGone extends Contended {
  readonly memberId: string;
  constructor(memberId: string) {
    super('The previous assignee changed meanwhile.');
    this.memberId = memberId;
  }
}

/** Writes one assignment change as ONE transaction (see the module comment). */
export async function writeAssignmentChange(change: AssignmentChange): Promise<void> {
  const { tenantId, current, next } = change;
  const items: TxItem[] = [assignmentWrite(change)];
  const before = current?.assigneeId;
  const after = next?.assigneeId;
  if (before !== after) {
    if (before && (change.releaseCounter ?? true)) items.push(releaseWrite(tenantId, before, 1, false));
    if (after) items.push(takeWrite(tenantId, change.take ?? { memberId: after }));
  }
  if (change.cursor) {
    const { teamId, previous } = change.cursor;
    items.push(
      update(
        {
          Key: keys.team(tenantId, teamId),
          UpdateExpression: 'SET rrCursor = :next',
          ConditionExpression:
            previous === null
              ? 'attribute_exists(pk) AND attribute_not_exists(rrCursor)'
              : 'attribute_exists(pk) AND rrCursor = :previous',
          ExpressionAttributeValues: {
            ':next': change.cursor.next,
            ...(previous === null ? {} : { ':previous': previous }),
          },
        },
        () => new Contended('The team’s rotation moved meanwhile.'),
      ),
    );
  }
  items.push(
    auditPut({
      tenantId,
      actor: change.actor,
      action: change.action,
      target: { type: 'conversation', id: change.conversationId },
      before: shown(current),
      after: { ...shown(next), ...(change.reason ? { reason: change.reason } : {}) },
      at: change.at,
    }),
  );
  await transact(items);
}

/**
 * Returns a batch of one member's conversations to their team queues (or to
 * nobody) as ONE transaction: each assignment (still this member's, still the
 * version read), one audit item each, and the member's counter −n (only while
 * they are not active again). A deleted member has no counter to move.
 */
export async function writeRelease(input: {
  tenantId: string;
  memberId: string;
  conversations: readonly AssignmentRecord[];
  memberExists: boolean;
  actor: Actor;
  reason: string;
  at: string;
}): Promise<void> {
  const { tenantId, memberId, conversations, actor, at } = input;
  const items: TxItem[] = [];
  for (const current of conversations) {
    const next = releasedFrom(current, at);
    items.push(
      assignmentWrite({
        tenantId,
        conversationId: current.conversationId,
        current,
        next,
        actor,
        action: 'conversation.unassigned',
        at,
      }),
      auditPut({
        tenantId,
        actor,
        action: 'conversation.unassigned',
        target: { type: 'conversation', id: current.conversationId },
        before: shown(current),
        after: { ...shown(next), reason: input.reason },
        at,
      }),
    );
  }
  if (input.memberExists) items.push(releaseWrite(tenantId, memberId, conversations.length, true));
  await transact(items);
}

/** The assignment without its assignee: back in its team's queue, or gone when it has no team. */
export function releasedFrom(current: AssignmentRecord, at: string): AssignmentRecord | undefined {
  if (!current.teamId) return undefined;
  const { assigneeId: _assignee, assignedAt: _assignedAt, ...rest } = current;
  return { ...rest, queuedAt: at, updatedAt: at, version: current.version + 1 };
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

/** A release ticket: this member left and their queue is drained until empty (written with the lifecycle change). */
export function releaseTicketPut(tenantId: string, memberId: string, at: string): TxItem {
  return put({
    Item: {
      ...keys.releaseTicket(tenantId, memberId),
      ...keys.releaseList(tenantId, memberId, at),
      entity: 'releaseTicket',
      tenantId,
      memberId,
      createdAt: at,
    },
  });
}

export async function removeReleaseTicket(tenantId: string, memberId: string): Promise<void> {
  await transact([remove({ Key: keys.releaseTicket(tenantId, memberId) })]);
}

export interface ReleaseTicket {
  tenantId: string;
  memberId: string;
  createdAt: string;
}

/** One page of open release tickets (GSI2), oldest first. */
export async function listReleaseTickets(
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ items: ReleaseTicket[]; next?: Record<string, unknown> }> {
  const { partitionKey } = INDEXES.gsi2;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi2.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': keys.releasePartition },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => ({
      tenantId: String(i.tenantId),
      memberId: String(i.memberId),
      createdAt: String(i.createdAt),
    })),
    next: out.LastEvaluatedKey,
  };
}
