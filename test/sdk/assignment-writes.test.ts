/**
 * The shape of an assignment transaction, item by item (lib/store/assignments):
 * what makes "never two conversations for one unit of capacity" and "never one
 * conversation to two people" conditions DynamoDB checks, not hopes.
 */
import { describe, expect, it } from 'vitest';
import type { AssignmentRecord } from '../../lib/domain/records.ts';
import { assignmentItems, type MemberRef, recordedAssignee, requeued } from '../../lib/store/assignments.ts';
import { TABLE } from './fixtures.ts';

const at = '2026-03-01T09:30:00.000Z';
const queued = (conversationId: string, version: number): AssignmentRecord => ({
  tenantId: 'acme',
  conversationId,
  teamId: 'support',
  queuedAt: '2026-03-01T09:00:00.000Z',
  queueReason: 'nobody-available',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version,
});
const ana: MemberRef = { id: 'ana', version: 7, teamIds: ['support', 'sales'] };

describe('a drain taking two queued conversations to one agent', () => {
  const items = assignmentItems({
    tenantId: 'acme',
    actor: { type: 'platform', id: 'inbox' },
    at,
    moves: ['wa-1', 'wa-2'].map((id, i) => {
      const current = queued(id, 3 + i);
      const { queuedAt: _q, queueReason: _r, ...rest } = current;
      return {
        current,
        next: { ...rest, assigneeId: 'ana', assignedAt: at, updatedAt: at, version: current.version + 1 },
        action: 'conversation.assigned' as const,
        reason: 'team.round_robin',
      };
    }),
    members: new Map([['ana', ana]]),
    pick: { capacity: 5 },
    cursor: { teamId: 'support', previous: 'zoe', next: 'ana' },
  }).map((i) => i.write);

  it('writes each conversation only at the version read, out of its queue entry, with its audit item', () => {
    const puts = items.filter((i) => i.Put?.Item?.entity === 'assignment').map((i) => i.Put);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      Item: { conversationId: 'wa-1', assigneeId: 'ana', assigneeTeamIds: ['support', 'sales'], version: 4 },
    });
    const deletes = items.filter((i) => i.Delete).map((i) => i.Delete);
    expect(deletes).toEqual([
      expect.objectContaining({
        Key: { pk: 'TENANT#acme', sk: 'TEAM#support#QUEUE#2026-03-01T09:00:00.000Z#wa-1' },
        ConditionExpression: 'attribute_exists(pk)',
      }),
      expect.objectContaining({ Key: { pk: 'TENANT#acme', sk: 'TEAM#support#QUEUE#2026-03-01T09:00:00.000Z#wa-2' } }),
    ]);
    expect(items.filter((i) => i.Put?.Item?.entity === 'audit')).toHaveLength(2);
  });

  it('moves the agent’s counter once by two, only while active, online, at the version read and with room for both', () => {
    const member = items.filter((i) => i.Update?.Key?.sk === 'MEMBER#ana').map((i) => i.Update);
    expect(member).toEqual([
      expect.objectContaining({
        UpdateExpression: 'ADD #open :delta',
        ConditionExpression:
          'attribute_exists(pk) AND #version = :version AND #status = :active AND availability = :online AND (attribute_not_exists(#open) OR #open <= :room)',
        ExpressionAttributeValues: { ':delta': 2, ':version': 7, ':active': 'active', ':online': 'online', ':room': 3 },
      }),
    ]);
  });

  it('moves the load on every card of the agent, and the team’s queue count and rotation cursor (only if still as read)', () => {
    const cards = items.filter((i) => String(i.Update?.Key?.sk).includes('#MEMBER#ana')).map((i) => i.Update);
    expect(cards.map((c) => c?.Key?.sk).sort()).toEqual(['TEAM#sales#MEMBER#ana', 'TEAM#support#MEMBER#ana']);
    for (const c of cards) expect(c?.ExpressionAttributeValues).toEqual({ ':delta': 2 });
    const team = items.find((i) => i.Update?.Key?.sk === 'TEAM#support')?.Update;
    // Two leave the queue and are now held through the team (what keeps a team holding them from deletion).
    expect(team).toMatchObject({
      UpdateExpression: 'SET rrCursor = :next ADD #queued :queued, #assigned :assigned',
      ConditionExpression: 'attribute_exists(pk) AND rrCursor = :previous',
      ExpressionAttributeValues: { ':next': 'ana', ':previous': 'zoe', ':queued': -2, ':assigned': 2 },
    });
    expect(items).toHaveLength(2 * 3 + 1 + 2 + 1);
  });
});

describe('handing a conversation back', () => {
  const current: AssignmentRecord = {
    tenantId: 'acme',
    conversationId: 'wa-9',
    teamId: 'support',
    assigneeId: 'ana',
    assigneeTeamIds: ['support'],
    assignedAt: '2026-03-01T09:10:00.000Z',
    updatedAt: '2026-03-01T09:10:00.000Z',
    version: 2,
  };
  const next = requeued(current, 'unassigned', at);
  const items = assignmentItems({
    tenantId: 'acme',
    actor: { type: 'user', id: 'ana' },
    at,
    moves: [{ current, next, action: 'conversation.unassigned', reason: 'unassigned' }],
    members: new Map([['ana', recordedAssignee(current) as MemberRef]]),
  }).map((i) => i.write);

  it('queues it again (entry, count, sweep mark) and frees the assignee’s unit — pinned by the teams it recorded, no read', () => {
    expect(next).toMatchObject({ queuedAt: at, queueReason: 'unassigned', version: 3 });
    expect(next).not.toHaveProperty('assigneeId');
    expect(next).not.toHaveProperty('assigneeTeamIds');
    expect(items.find((i) => i.Put?.Item?.entity === 'queueEntry')?.Put?.Item).toMatchObject({
      sk: `TEAM#support#QUEUE#${at}#wa-9`,
      conversationId: 'wa-9',
      version: 3,
    });
    expect(items.find((i) => i.Update?.Key?.sk === 'MEMBER#ana')?.Update).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND teamIds = :teams AND #open >= :count',
      ExpressionAttributeValues: { ':delta': -1, ':teams': ['support'], ':count': 1 },
    });
    expect(items.find((i) => i.Update?.Key?.sk === 'TEAM#support')?.Update).toMatchObject({
      UpdateExpression: 'SET gsi1pk = :markPk, gsi1sk = :markSk ADD #queued :queued, #assigned :assigned',
      ExpressionAttributeValues: { ':markPk': 'QUEUES', ':markSk': 'acme#support', ':queued': 1, ':assigned': -1 },
    });
  });
});
