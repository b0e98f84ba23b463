/**
 * Sign-in bookkeeping: `lastLoginAt` on the active (and suspended) memberships of an identity.
 * Not a member change — no version bump, no audit — so it never conflicts
 * with an admin's edit and never moves an ETag.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { getIdentity } from './identities.ts';
import { keys } from './keys.ts';

/**
 * Sets `lastLoginAt = at` on each active or suspended membership of the login
 * (DESIGN §2a rule 9, made stricter: an invitation, or a tenant that let the
 * person go, learns nothing of their sign-ins elsewhere); the identity item
 * names the accepted tenants, so no index query. Returns how many were set.
 */
export async function recordLogin(identityId: string, at: string): Promise<number> {
  const identity = await getIdentity(identityId);
  // A sign-in with a password an admin set is not the person's yet: it counts once they chose their own.
  if (identity?.mustChangePassword) return 0;
  const tenants = identity?.acceptedTenants ?? [];
  const updates = tenants.map((tenantId) => setLastLogin(tenantId, identityId, at));
  return (await Promise.all(updates)).filter(Boolean).length;
}

/**
 * False when the member is gone (deleted since the index read) or a later
 * sign-in is already recorded. The by-sign-in index keys and `inactiveSince`
 * move with `lastLoginAt` (what `memberItem` derives from it).
 */
async function setLastLogin(tenantId: string, memberId: string, at: string): Promise<boolean> {
  const activity = keys.memberActivity(tenantId, memberId, at, at);
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(tenantId, memberId),
        UpdateExpression: 'SET lastLoginAt = :at, inactiveSince = :at, gsi3pk = :activityPk, gsi3sk = :activitySk',
        ConditionExpression:
          'attribute_exists(pk) AND #status IN (:active, :suspended) AND (attribute_not_exists(lastLoginAt) OR attribute_type(lastLoginAt, :null) OR lastLoginAt < :at)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':at': at,
          ':activityPk': activity.gsi3pk,
          ':activitySk': activity.gsi3sk,
          ':null': 'NULL',
          ':active': 'active',
          ':suspended': 'suspended',
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
