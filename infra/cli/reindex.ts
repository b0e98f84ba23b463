/**
 * One-off upkeep for a deployment from before the by-name index (GSI4) and
 * the word index existed: every member item without `gsi4pk` gets its name
 * key and its words, one transaction per member conditioned on the member's
 * `version` (a member changed meanwhile already has them: it is skipped).
 * Safe to run again: members that have them are left alone.
 *
 * An operator's tool run with the operator's credentials, never by a
 * function: the one Scan in the code base, so it lives here and not in
 * lib/store (whose commands the functions' IAM policy is derived from).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import { DomainError } from '../../lib/domain/errors.ts';
import { nameOrderKey } from '../../lib/domain/search.ts';
import { memberFromItem } from '../../lib/store/items.ts';
import { keys } from '../../lib/store/keys.ts';
import { INDEXES } from '../../lib/store/table.ts';
import { transact, update } from '../../lib/store/transact.ts';
import { wordWrites } from '../../lib/store/words.ts';

export async function reindexMembers(): Promise<{ examined: number; reindexed: number; skipped: number }> {
  const counts = { examined: 0, reindexed: 0, skipped: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: config().tableName,
        FilterExpression: 'entity = :member AND attribute_not_exists(#npk)',
        ExpressionAttributeNames: { '#npk': INDEXES.gsi4.partitionKey },
        ExpressionAttributeValues: { ':member': 'member' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      counts.examined += 1;
      const member = memberFromItem(item);
      const byName = keys.memberByName(member.tenantId, member.id, nameOrderKey(member.name));
      try {
        await transact([
          update(
            {
              Key: keys.member(member.tenantId, member.id),
              UpdateExpression: 'SET #npk = :npk, #nsk = :nsk',
              ConditionExpression: 'version = :version AND attribute_not_exists(#npk)',
              ExpressionAttributeNames: { '#npk': INDEXES.gsi4.partitionKey, '#nsk': INDEXES.gsi4.sortKey },
              ExpressionAttributeValues: { ':npk': byName.gsi4pk, ':nsk': byName.gsi4sk, ':version': member.version },
            },
            () => new DomainError('conflict', 'The member changed meanwhile.'),
          ),
          ...wordWrites(undefined, member),
        ]);
        counts.reindexed += 1;
      } catch (error) {
        // Changed or deleted meanwhile: its own write indexed it (or it is gone).
        if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
        counts.skipped += 1;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}
