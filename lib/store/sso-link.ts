/**
 * Pending SSO links and login bindings (lib/app/sso-link.ts; DESIGN §2a
 * rules 3 and 13). A pending link is stored by the hash of its token, for one
 * (connection, subject, login), single use, 10 minutes, at most
 * `MAX_LINK_ATTEMPTS` password tries (each counted before Cognito is asked). A binding records which subject a login
 * signs in as on a connection, so a second subject with the same email is
 * never bound to it.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { keys } from './keys.ts';
import { sha256 } from './sso.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import { put, remove, type TxItem } from './transact.ts';

const table = () => config().tableName;
const epoch = (ms: number) => Math.ceil(ms / 1000);
const conditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** Password (and code) tries one pending link takes, each counted before Cognito checks it. */
export const MAX_LINK_ATTEMPTS = 5;

export interface PendingLink {
  tenantId: string;
  connectionId: string;
  subject: string;
  identityId: string;
  expiresAt: number;
  attempts: number;
}

export async function putPendingLink(token: string, link: Omit<PendingLink, 'attempts'>): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.ssoLink(sha256(token)),
        entity: 'ssoLink',
        ...link,
        attempts: 0,
        [TTL_ATTRIBUTE]: epoch(link.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** The pending link of `token` while it is unexpired and has attempts left; undefined otherwise. */
export async function getPendingLink(token: string, now: Date): Promise<PendingLink | undefined> {
  if (token.length < 32 || token.length > 256) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: keys.ssoLink(sha256(token)), ConsistentRead: true }),
  );
  if (Item?.entity !== 'ssoLink') return undefined;
  const link: PendingLink = {
    tenantId: String(Item.tenantId),
    connectionId: String(Item.connectionId),
    subject: String(Item.subject),
    identityId: String(Item.identityId),
    expiresAt: Number(Item.expiresAt),
    attempts: Number(Item.attempts ?? 0),
  };
  if (link.expiresAt <= now.getTime() || link.attempts >= MAX_LINK_ATTEMPTS) return undefined;
  return link;
}

/** Takes one try of the link before its password is checked; false when none is left (or the link is gone). */
export async function countLinkAttempt(token: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.ssoLink(sha256(token)),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND attempts < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': MAX_LINK_ATTEMPTS },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

const linkSpent = () =>
  new DomainError('sso-failed', 'This confirmation was used or has expired: continue with SSO again.');

/**
 * Consumes the pending link in the binding's transaction: only once, only unexpired, only for its login. The
 * try that proved the password has already counted itself (countLinkAttempt), so the last allowed try binds.
 */
export function pendingLinkSpend(token: string, link: PendingLink, now: Date): TxItem {
  return remove(
    {
      Key: keys.ssoLink(sha256(token)),
      ConditionExpression: 'identityId = :id AND expiresAt > :now AND attempts <= :max',
      ExpressionAttributeValues: { ':id': link.identityId, ':now': now.getTime(), ':max': MAX_LINK_ATTEMPTS },
    },
    linkSpent,
  );
}

/** Whether the login already signs in through another subject of this connection. */
export async function loginBoundOn(connectionId: string, identityId: string): Promise<boolean> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: keys.ssoLoginBinding(connectionId, identityId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

export function loginBindingPut(connectionId: string, identityId: string, subject: string, at: string): TxItem {
  return put(
    {
      Item: {
        ...keys.ssoLoginBinding(connectionId, identityId),
        entity: 'ssoLoginBinding',
        connectionId,
        identityId,
        subjectHash: sha256(subject),
        createdAt: at,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    () => new DomainError('sso-failed', 'This login was linked to another identity of this provider meanwhile.'),
  );
}
