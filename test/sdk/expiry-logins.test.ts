/**
 * The exact DynamoDB calls of the expiry job and the sign-in trigger: the job
 * reads only the sparse invitation index (never a scan) and writes one
 * transaction per member; the trigger reads the identity item (no index) and
 * writes `lastLoginAt` alone on the tenants it has joined, without
 * touching `version`, and never fails a sign-in.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context, PostAuthenticationTriggerEvent, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as expireInvitations } from '../../functions/jobs/expire-invitations.ts';
import { handler as postAuthentication } from '../../functions/triggers/post-authentication.ts';
import { INVITE_SHARDS } from '../../lib/store/keys.ts';
import { identityItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
beforeEach(() => db.reset());

const context = (remainingMs = 120_000) => ({ getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
const scheduled = { time: '2026-03-01T10:00:00Z' } as ScheduledEvent;

function invited(id: string, version = 3) {
  return {
    entity: 'member',
    pk: 'TENANT#acme',
    sk: `MEMBER#${id}`,
    gsi1pk: `IDENTITY#${id}`,
    gsi1sk: 'TENANT#acme',
    gsi2pk: 'INVITES#0',
    gsi2sk: `2026-01-08T00:00:00.000Z#acme#${id}`,
    tenantId: 'acme',
    id,
    email: `${id}@acme.test`,
    name: '',
    status: 'invited',
    role: 'agent',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: '2026-01-01T00:00:00.000Z',
    invitedBy: 'u-owner',
    invitation: {
      tokenHash: 'ab'.repeat(32),
      expiresAt: '2026-01-08T00:00:00.000Z',
      sendCount: 1,
      lastSentAt: '2026-01-01T00:00:00.000Z',
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version,
  };
}

describe('expire-invitations', () => {
  it('queries each invitation shard for what is due, never scans', async () => {
    db.on(QueryCommand).resolves({ Items: [] });
    const summary = await expireInvitations(scheduled, context());
    expect(summary).toEqual({
      expired: 0,
      skipped: 0,
      pages: INVITE_SHARDS,
      deferred: 0,
      failed: 0,
      setAside: 0,
      backedOff: 0,
      remaining: false,
    });
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
    const all = db.commandCalls(QueryCommand).map((c) => c.args[0].input);
    // First, once: the job's fault list (items failing with backoff or set aside), an index partition.
    expect(all[0]).toMatchObject({
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':pk': 'JOBFAULTS#expireInvitations' },
    });
    const queries = all.slice(1);
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':pk'])).toEqual(
      Array.from({ length: INVITE_SHARDS }, (_, shard) => `INVITES#${shard}`),
    );
    for (const q of queries) {
      expect(q).toMatchObject({
        TableName: 'roster-test',
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
        Limit: 100,
      });
      expect(q.ExpressionAttributeValues?.[':before']).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    }
  });

  it('expires each member in one version-checked transaction: member, seat, audit', async () => {
    // Shard 0 holds the due invitation; the others are empty.
    db.on(QueryCommand).resolves({ Items: [] });
    db.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVITES#0' } }).resolves({ Items: [invited('u-1')] });
    db.on(TransactWriteCommand).resolves({});
    expect(await expireInvitations(scheduled, context())).toMatchObject({ expired: 1, skipped: 0 });

    const [tx] = db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(tx).toHaveLength(3);
    const member = tx?.[0]?.Update;
    expect(member?.Key).toEqual({ pk: 'TENANT#acme', sk: 'MEMBER#u-1' });
    expect(member?.ConditionExpression).toBe('#version = :expected');
    expect(member?.ExpressionAttributeValues).toMatchObject({ ':expected': 3, ':nextVersion': 4 });
    // Out of the pending-invitation index.
    expect(member?.UpdateExpression).toMatch(/REMOVE .*#f\d+, #f\d+$/);
    const removed = Object.entries(member?.ExpressionAttributeNames ?? {})
      .filter(([alias]) => member?.UpdateExpression?.split('REMOVE')[1]?.includes(alias))
      .map(([, name]) => name);
    expect(removed.sort()).toEqual(['gsi2pk', 'gsi2sk']);
    expect(tx?.[1]?.Update).toMatchObject({
      Key: { pk: 'TENANT#acme', sk: '#TENANT' },
      ExpressionAttributeValues: { ':seats': -1, ':admins': 0 },
    });
    expect(tx?.[2]?.Put?.Item).toMatchObject({
      action: 'invitation.expired',
      actor: { type: 'system', id: 'expire-invitations' },
      target: { type: 'member', id: 'u-1' },
      before: { status: 'invited' },
      after: { status: 'expired' },
    });
  });

  it('skips a member that moved since the index read, and carries on', async () => {
    db.on(QueryCommand).resolves({ Items: [] });
    db.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'INVITES#0' } }).resolves({
      Items: [invited('u-1'), invited('u-2'), invited('u-3')],
    });
    const canceled = (code: string) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: code }, { Code: 'None' }, { Code: 'None' }],
      });
    db.on(TransactWriteCommand)
      .rejectsOnce(canceled('ConditionalCheckFailed'))
      .rejectsOnce(canceled('TransactionConflict'))
      .resolves({});
    expect(await expireInvitations(scheduled, context())).toMatchObject({ expired: 1, skipped: 2, remaining: false });
  });

  it('stops before the time limit without reading or writing anything more', async () => {
    db.on(QueryCommand).resolves({ Items: [invited('u-1')] });
    expect(await expireInvitations(scheduled, context(9_000))).toEqual({
      expired: 0,
      skipped: 0,
      pages: 0,
      deferred: 0,
      failed: 0,
      setAside: 0,
      backedOff: 0,
      remaining: true,
    });
    expect(db.calls()).toHaveLength(0);
  });
});

describe('post-authentication trigger', () => {
  const event = {
    version: '1',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_test',
    userName: 'u-1',
    triggerSource: 'PostAuthentication_Authentication',
    callerContext: { awsSdkVersion: '3', clientId: 'client-test' },
    request: { userAttributes: { sub: 'u-1', email: 'u-1@acme.test' }, newDeviceUsed: false },
    response: {},
  } satisfies PostAuthenticationTriggerEvent;

  it('sets lastLoginAt on each tenant the identity has joined, one UpdateItem each, leaving version alone', async () => {
    db.on(GetCommand).resolves({ Item: identityItem({ acceptedTenants: new Set(['acme', 'beta']) }) });
    db.on(UpdateCommand).resolves({});
    expect(await postAuthentication(event)).toBe(event);

    // The identity item names the tenants: one consistent GetItem, no index query.
    expect(db.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: 'roster-test', Key: { pk: 'IDENTITY#u-1', sk: '#IDENTITY' }, ConsistentRead: true },
    ]);
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
    const updates = db.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: 'TENANT#acme', sk: 'MEMBER#u-1' },
      { pk: 'TENANT#beta', sk: 'MEMBER#u-1' },
    ]);
    for (const [i, u] of updates.entries()) {
      // The by-sign-in index keys and inactiveSince move with it (what memberItem derives from lastLoginAt).
      expect(u.UpdateExpression).toBe(
        'SET lastLoginAt = :at, inactiveSince = :at, gsi3pk = :activityPk, gsi3sk = :activitySk',
      );
      const tenant = ['acme', 'beta'][i];
      expect(u.ExpressionAttributeValues?.[':activityPk']).toBe(`TENANT#${tenant}#BY_LOGIN`);
      expect(u.ExpressionAttributeValues?.[':activitySk']).toBe(`1#${u.ExpressionAttributeValues?.[':at']}#u-1`);
      expect(u.ConditionExpression).toContain('attribute_exists(pk)');
      // Only a membership the person still holds learns of a sign-in (DESIGN §2a rule 9, stricter: not a tenant
      // that deactivated them), even if the set is stale.
      expect(u.ConditionExpression).toContain('#status IN (:active, :suspended)');
      expect(u.ExpressionAttributeNames).toEqual({ '#status': 'status' });
      expect(u.ExpressionAttributeValues).toMatchObject({ ':active': 'active', ':suspended': 'suspended' });
      expect(u.ExpressionAttributeValues).not.toHaveProperty(':deactivated');
      expect(u.ExpressionAttributeValues?.[':at']).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    }
    expect(db.calls()).toHaveLength(3);
  });

  it('writes nothing for a login that has only been invited, or whose password an admin set', async () => {
    db.on(UpdateCommand).resolves({});
    db.on(GetCommand).resolves({ Item: identityItem({ acceptedTenants: new Set(), membershipCount: 2 }) });
    expect(await postAuthentication(event)).toBe(event);
    db.on(GetCommand).resolves({ Item: identityItem({ mustChangePassword: true }) });
    expect(await postAuthentication(event)).toBe(event);
    expect(db.commandCalls(GetCommand)).toHaveLength(2);
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('returns the event when a membership vanished meanwhile or DynamoDB fails', async () => {
    db.on(GetCommand).resolves({ Item: identityItem() });
    db.on(UpdateCommand).rejects(Object.assign(new Error('gone'), { name: 'ConditionalCheckFailedException' }));
    expect(await postAuthentication(event)).toBe(event);
    expect(db.commandCalls(UpdateCommand)).toHaveLength(1);
    db.reset();
    db.on(GetCommand).rejects(
      Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }),
    );
    expect(await postAuthentication(event)).toBe(event);
    expect(db.commandCalls(GetCommand)).toHaveLength(1);
  });
});
