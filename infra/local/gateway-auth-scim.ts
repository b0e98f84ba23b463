/**
 * The SCIM routes' Lambda REQUEST authorizer, emulated: the same check the
 * AWS authorizer function runs (lib/http/scim-authorizer.ts), in process, with
 * API Gateway's result cache — an answer is reused per Authorization header
 * for SCIM_AUTHORIZER_TTL_SECONDS, so the local stack shows what AWS does: a
 * revoked token may pass the (cached) authorizer and is then refused by the
 * route's own read of the token item.
 */
import { SCIM_AUTHORIZER_TTL_SECONDS } from '../../lib/domain/scim/tokens.ts';
import { verifyScimToken } from '../../lib/http/scim-authorizer.ts';
import type { LambdaAuthorizerContext } from './gateway-event.ts';

const CACHED = 1_000;

export function scimAuthorizer(ttlMs = SCIM_AUTHORIZER_TTL_SECONDS * 1000) {
  const cache = new Map<string, { context: LambdaAuthorizerContext; until: number }>();
  return async (
    authorization: string | undefined,
  ): Promise<{ context: LambdaAuthorizerContext } | { rejected: string; missing?: true }> => {
    const key = authorization ?? '';
    const hit = cache.get(key);
    if (hit && Date.now() < hit.until) return { context: { lambda: { ...hit.context.lambda } } };
    cache.delete(key);
    const verdict = await verifyScimToken(authorization);
    if ('rejected' in verdict) return verdict;
    const context = { lambda: { tenantId: verdict.context.tenantId, tokenId: verdict.context.tokenId } };
    // Only allows are kept here; API Gateway caches denials too, which only makes a refusal last longer.
    if (cache.size >= CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, { context, until: Date.now() + ttlMs });
    return { context: { lambda: { ...context.lambda } } };
  };
}
