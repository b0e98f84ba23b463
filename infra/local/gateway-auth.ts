/**
 * The two authorizers API Gateway runs in AWS, emulated:
 * - user routes: the Lambda REQUEST authorizer (lib/http/authorizer.ts, the
 *   same code): a Cognito JWT checked as the HTTP API JWT authorizer did, or a
 *   live API key; its context reaches the Lambda as `authorizer.lambda`.
 * - platform routes: IAM auth, locally a shared key in `x-platform-key`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type AuthorizerVerdict,
  type CognitoAuthConfig,
  jwtCheck,
  keyInTable,
  userOrKeyAuthorizer,
} from '../../lib/http/authorizer.ts';
import { ACCOUNT_ID, type IamAuthorizerContext } from './gateway-event.ts';

export { type CognitoAuthConfig, stringClaims } from '../../lib/http/authorizer.ts';

/** The user routes' authorizer: a person's JWT or a live API key (the AWS Lambda authorizer's own code). */
export type UserAuthorizer = (authorization: string | undefined) => Promise<AuthorizerVerdict>;

export function userAuthorizer(cognito: CognitoAuthConfig): UserAuthorizer {
  const authorize = userOrKeyAuthorizer(jwtCheck(cognito), keyInTable);
  return (authorization) => authorize(authorization);
}

/** Constant-time check of `x-platform-key`; undefined = API Gateway's 403. */
export function platformAuthorizer(
  platformKey: string,
): (given: string | undefined) => IamAuthorizerContext | undefined {
  const expected = digest(platformKey);
  return (given) => {
    if (!given || !timingSafeEqual(digest(given), expected)) return undefined;
    return {
      iam: {
        accessKey: 'LOCALPLATFORMKEY',
        accountId: ACCOUNT_ID,
        callerId: 'local-platform',
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: 'local-platform',
        userId: 'local-platform',
      },
    };
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
