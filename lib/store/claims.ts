/**
 * Uniqueness claims: an item whose key is the unique value (an email, a role
 * or team name) and which names its owner. Claiming fails if the key exists;
 * releasing succeeds only for the owner named — both inside a transaction.
 */
import type { DomainError } from '../domain/errors.ts';
import { put, remove, type TxItem } from './transact.ts';

type Key = { pk: string; sk: string };

/** `owner` is one attribute, e.g. `{ memberId: 'u-1' }`. */
export function claim(key: Key, entity: string, owner: Record<string, string>, onTaken: () => DomainError): TxItem {
  return put({ Item: { ...key, entity, ...owner }, ConditionExpression: 'attribute_not_exists(pk)' }, onTaken);
}

export function release(key: Key, owner: Record<string, string>, onStale?: () => DomainError): TxItem {
  const [[attribute, id] = []] = Object.entries(owner);
  return remove(
    {
      Key: key,
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': attribute as string },
      ExpressionAttributeValues: { ':owner': id },
    },
    onStale,
  );
}
