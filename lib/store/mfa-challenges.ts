/**
 * Sign-ins waiting for their TOTP code. Cognito binds its SOFTWARE_TOKEN_MFA
 * session to the sign-in and lets it expire; cognito-local checks nothing of
 * the session (infra/local/emulators/cognito.ts), and neither limits tries
 * per session. So Roster keeps its own record of each challenge it handed
 * out, in both places alike: the session must be one Roster's password step
 * issued for this login, it is good for `MAX_ATTEMPTS` codes within
 * `CHALLENGE_SECONDS`, and it is spent by the one answer that gets tokens
 * (a replay — even with a fresh, right code — gets nothing).
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { keys } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Cognito's own session lasts 3 minutes by default; a little more here never outlives it by much. */
export const CHALLENGE_SECONDS = 300;
/** Codes one challenge may be answered with (a guesser needs ~500,000 for even odds). */
export const MAX_ATTEMPTS = 5;

const hashOf = (session: string) => createHash('sha256').update(session).digest('base64url');
const failed = (name: string | undefined) => name === 'ConditionalCheckFailedException';

export const challengeRefused = () =>
  new DomainError('mfa-required', 'The code is not correct, or this sign-in has expired; sign in again.');

/** The password step handed `session` to the login `loginId`. */
export async function recordChallenge(session: string, loginId: string, now: Date): Promise<void> {
  const expiresAt = Math.ceil(now.getTime() / 1000) + CHALLENGE_SECONDS;
  await dynamo().send(
    new PutCommand({
      TableName: config().tableName,
      Item: {
        ...keys.mfaChallenge(hashOf(session)),
        entity: 'mfaChallenge',
        loginId,
        attempts: 0,
        expiresAt,
        [TTL_ATTRIBUTE]: expiresAt,
      },
    }),
  );
}

/** Counts one answer against the challenge: refused unless it is this login's, unexpired and not used up. */
export async function claimAttempt(session: string, loginId: string, now: Date): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.mfaChallenge(hashOf(session)),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND loginId = :login AND attempts < :max AND expiresAt > :now',
        ExpressionAttributeValues: {
          ':one': 1,
          ':login': loginId,
          ':max': MAX_ATTEMPTS,
          ':now': Math.floor(now.getTime() / 1000),
        },
      }),
    );
  } catch (error) {
    if (failed((error as { name?: string }).name)) throw challengeRefused();
    throw error;
  }
}

/** Spends the challenge; false when another answer spent it first (that one alone gets tokens). */
export async function spendChallenge(session: string): Promise<boolean> {
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: config().tableName,
        Key: keys.mfaChallenge(hashOf(session)),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (failed((error as { name?: string }).name)) return false;
    throw error;
  }
}
