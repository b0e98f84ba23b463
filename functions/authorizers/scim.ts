/**
 * API Gateway's Lambda REQUEST authorizer for the `/scim/v2` routes (payload
 * 2.0, simple responses, cached per Authorization header): lib/http/scim-authorizer.ts.
 * A refusal is thrown as `Unauthorized` (401), like the user routes' authorizer.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { type ScimAuthorizerContext, verifyScimToken } from '../../lib/http/scim-authorizer.ts';
import { logger } from '../../lib/log.ts';

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<ScimAuthorizerContext | Record<string, never>>> {
  const verdict = await verifyScimToken(event.headers?.authorization);
  if ('rejected' in verdict) {
    logger.info('SCIM token refused', { reason: verdict.rejected, routeKey: event.routeKey });
    // Thrown, not `isAuthorized: false` (403): API Gateway answers `Unauthorized` with 401, as the user routes'
    // authorizer does for a dead key — an IdP told 401 knows its token is the problem.
    throw new Error('Unauthorized');
  }
  return { isAuthorized: true, context: verdict.context };
}
