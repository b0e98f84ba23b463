/**
 * Member repository: membership items, the identity index, invitation tokens
 * and the one-round-trip access read used by authorisation.
 */
import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { type Actor, auditPut } from './audit.ts';
import { memberFromItem, tenantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { INDEXES } from './table.ts';
import { transact, update } from './transact.ts';

export function memberItem(member: MemberRecord) {
  return {
    ...keys.member(member.tenantId, member.id),
    ...keys.identityMembership(member.id, member.tenantId),
    ...(member.status === 'invited' && member.invitation
      ? keys.pendingInvite(member.tenantId, member.id, member.invitation.expiresAt)
      : {}),
    entity: 'member',
    ...member,
  };
}

export interface Access {
  tenant?: TenantRecord;
  member?: MemberRecord;
}

/** The caller's membership and its tenant (with custom role permissions): ONE consistent round trip. */
export async function loadAccess(tenantId: string, memberId: string): Promise<Access> {
  const table = config().tableName;
  const out = await dynamo().send(
    new BatchGetCommand({
      RequestItems: {
        [table]: { Keys: [keys.tenant(tenantId), keys.member(tenantId, memberId)], ConsistentRead: true },
      },
    }),
  );
  let items = out.Responses?.[table] ?? [];
  // Unprocessed keys only appear under throttling; fetch them once more rather than deny.
  const unprocessed = out.UnprocessedKeys?.[table]?.Keys;
  if (unprocessed?.length) {
    const again = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: unprocessed, ConsistentRead: true } } }),
    );
    items = [...items, ...(again.Responses?.[table] ?? [])];
  }
  const access: Access = {};
  for (const item of items) {
    if (item.entity === 'tenant') access.tenant = tenantFromItem(item);
    else if (item.entity === 'member') access.member = memberFromItem(item);
  }
  return access;
}

/** Every membership of one identity (via GSI1), with its tenant. */
export async function membershipsOf(
  identityId: string,
): Promise<{ member: MemberRecord; tenant: TenantRecord | undefined }[]> {
  const table = config().tableName;
  const { partitionKey } = INDEXES.gsi1;
  const members: MemberRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEXES.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': keys.identityPartition(identityId) },
        ExclusiveStartKey: start,
      }),
    );
    members.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
  } while (start);
  if (members.length === 0) return [];
  const tenants = new Map<string, TenantRecord>();
  for (let i = 0; i < members.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = members.slice(i, i + 100).map((m) => keys.tenant(m.tenantId));
    while (pending?.length) {
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
      );
      for (const item of out.Responses?.[table] ?? []) tenants.set(String(item.id), tenantFromItem(item));
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return members.map((member) => ({ member, tenant: tenants.get(member.tenantId) }));
}

const invitationInvalid = () =>
  new DomainError('invitation-invalid', 'This invitation link is no longer valid: it was used, replaced or expired.');

/**
 * Accepting: the token hash is removed (the link dies), the member becomes active with its name — only if
 * the member is still invited with this very token and it has not expired.
 */
export async function activateInvitation(input: {
  member: MemberRecord;
  tokenHash: string;
  name: string;
  at: string;
}): Promise<MemberRecord> {
  const { member, tokenHash, name, at } = input;
  const activated: MemberRecord = { ...member, status: 'active', name, updatedAt: at, version: member.version + 1 };
  delete activated.invitation;
  const actor: Actor = { type: 'invitee', id: member.id };
  await transact([
    update(
      {
        Key: keys.member(member.tenantId, member.id),
        UpdateExpression:
          'SET #status = :active, #name = :name, updatedAt = :at, version = version + :one REMOVE invitation, gsi2pk, gsi2sk',
        ConditionExpression: '#status = :invited AND invitation.tokenHash = :hash AND invitation.expiresAt > :at',
        ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
        ExpressionAttributeValues: {
          ':active': 'active',
          ':invited': 'invited',
          ':name': name,
          ':at': at,
          ':hash': tokenHash,
          ':one': 1,
        },
      },
      invitationInvalid,
    ),
    auditPut({
      tenantId: member.tenantId,
      actor,
      action: 'member.activated',
      target: { type: 'member', id: member.id },
      before: { status: member.status },
      after: { status: 'active', name },
      at,
    }),
  ]);
  return activated;
}

/** Records that the invitation email for this token could not be sent (shown to admins; resend fixes it). */
export async function markDeliveryFailed(member: MemberRecord, tokenHash: string, at: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(member.tenantId, member.id),
        UpdateExpression: 'SET invitation.deliveryFailedAt = :at',
        ConditionExpression: 'invitation.tokenHash = :hash',
        ExpressionAttributeValues: { ':at': at, ':hash': tokenHash },
      }),
    )
    .catch((error: unknown) => {
      // The invitation was replaced or accepted meanwhile: nothing left to mark.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
}
