/**
 * The Lambda REQUEST authorizer of every user route (docs/architecture.md,
 * "API keys"): API Gateway calls it with the `Authorization` header (its
 * identity source; without one API Gateway answers 401 itself) and caches the
 * answer per header value for a few minutes. A person's Cognito JWT is checked
 * as the HTTP API JWT authorizer checked it; an API key must exist, match and
 * be unexpired (one GetItem). A refusal is thrown as `Unauthorized`, which
 * API Gateway answers 401 `{"message":"Unauthorized"}` — as the JWT
 * authorizer did (a simple response `isAuthorized: false` would be a 403).
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { config } from '../../lib/config.ts';
import { jwtCheck, keyInTable, type UserOrKeyContext, userOrKeyAuthorizer } from '../../lib/http/authorizer.ts';
import { logger } from '../../lib/log.ts';

let authorize: ReturnType<typeof userOrKeyAuthorizer> | undefined;

function authorizer() {
  if (!authorize) {
    const issuer = config().userPoolIssuer;
    authorize = userOrKeyAuthorizer(
      jwtCheck({ issuer, jwksUri: `${issuer}/.well-known/jwks.json`, clientId: config().userPoolClientId }),
      keyInTable,
    );
  }
  return authorize;
}

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<{ isAuthorized: true; context: UserOrKeyContext }> {
  const authorization = event.headers?.authorization ?? event.identitySource?.[0];
  const verdict = await authorizer()(authorization);
  if (!verdict.isAuthorized) {
    logger.info('authorizer refused', { reason: verdict.reason, routeKey: event.routeKey });
    throw new Error('Unauthorized');
  }
  return { isAuthorized: true, context: verdict.context };
}
