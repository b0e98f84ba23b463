/**
 * One TransactWriteItems per change. Each item may name the domain error its
 * failed condition means, so callers never see SDK errors for business rules.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import type { DomainError } from '../domain/errors.ts';

type WriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Maps a failed condition to its domain error; `old` is the item as it was, when asked for (ALL_OLD). */
export type OnConditionFailed = (old?: Record<string, unknown>) => DomainError;

export interface TxItem {
  write: WriteItem;
  /** The error a failed condition on this item means. */
  onConditionFailed?: OnConditionFailed;
}

type Body<K extends 'Put' | 'Update' | 'Delete' | 'ConditionCheck'> = Omit<NonNullable<WriteItem[K]>, 'TableName'>;

const withTable = <T extends object>(body: T) => ({ TableName: config().tableName, ...body });

export const put = (body: Body<'Put'>, onConditionFailed?: OnConditionFailed): TxItem => ({
  write: { Put: withTable(body) as WriteItem['Put'] },
  onConditionFailed,
});
export const update = (body: Body<'Update'>, onConditionFailed?: OnConditionFailed): TxItem => ({
  write: { Update: withTable(body) as WriteItem['Update'] },
  onConditionFailed,
});
export const remove = (body: Body<'Delete'>, onConditionFailed?: OnConditionFailed): TxItem => ({
  write: { Delete: withTable(body) as WriteItem['Delete'] },
  onConditionFailed,
});
export const check = (body: Body<'ConditionCheck'>, onConditionFailed: OnConditionFailed): TxItem => ({
  write: { ConditionCheck: withTable(body) as WriteItem['ConditionCheck'] },
  onConditionFailed,
});

/**
 * Writes every item or none. `idempotencyToken` makes a retried request with
 * the same token a no-op success for ten minutes (DynamoDB ClientRequestToken).
 */
export async function transact(items: TxItem[], idempotencyToken?: string): Promise<void> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: items.map((i) => i.write),
        ...(idempotencyToken ? { ClientRequestToken: idempotencyToken } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      const old = reasons[failed]?.Item;
      const mapped = failed >= 0 ? items[failed]?.onConditionFailed?.(old ? unmarshall(old) : undefined) : undefined;
      if (mapped) throw mapped;
    }
    throw error;
  }
}
