/**
 * Sign-in bookkeeping: `lastLoginAt` on every membership of an identity.
 * Not a member change — no version bump, no audit — so it never conflicts
 * with an admin's edit and never moves an ETag.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { keys } from './keys.ts';
import { INDEXES } from './table.ts';

/** Sets `lastLoginAt = at` on each membership (one UpdateItem each); returns how many were set. */
export async function recordLogin(identityId: string, at: string): Promise<number> {
  const table = config().tableName;
  const { partitionKey } = INDEXES.gsi1;
  let recorded = 0;
  let start: Record<string, unknown> | undefined;
  do {
    // GSI1 `IDENTITY#<sub>` holds only this person's member items; their keys are all we need.
    const out = await dynamo().send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEXES.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: 'pk, sk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': keys.identityPartition(identityId) },
        ExclusiveStartKey: start,
      }),
    );
    const updates = (out.Items ?? []).map((item) => setLastLogin({ pk: item.pk, sk: item.sk }, at));
    recorded += (await Promise.all(updates)).filter(Boolean).length;
    start = out.LastEvaluatedKey;
  } while (start);
  return recorded;
}

/** False when the member is gone (deleted since the index read) or a later sign-in is already recorded. */
async function setLastLogin(key: Record<string, unknown>, at: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: key,
        UpdateExpression: 'SET lastLoginAt = :at',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(lastLoginAt) OR attribute_type(lastLoginAt, :null) OR lastLoginAt < :at)',
        ExpressionAttributeValues: { ':at': at, ':null': 'NULL' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
