/**
 * The SCIM authorizer's check (docs/architecture.md, "SCIM"): the one code
 * API Gateway's Lambda REQUEST authorizer runs in AWS
 * (functions/authorizers/scim.ts) and the local gateway runs in process. A
 * request reaches a `/scim/v2` function only with a live token: the shape
 * `rsc_<tenant>.<id>.<secret>`, the token item present, the secret's hash
 * equal (constant time). Its answer names the tenant and the token — the
 * tenant comes from the token only. API Gateway caches an answer for
 * {@link SCIM_AUTHORIZER_TTL_SECONDS} per Authorization header; revocation
 * still takes effect on the next request because the route's function reads
 * the token item again in its one authorisation round trip.
 */
import { parseScimToken, SCIM_AUTHORIZER_TTL_SECONDS, secretMatches } from '../domain/scim/tokens.ts';
import { getScimToken } from '../store/scim.ts';

export { SCIM_AUTHORIZER_TTL_SECONDS };

export interface ScimAuthorizerContext {
  tenantId: string;
  tokenId: string;
}

export type ScimVerdict = { context: ScimAuthorizerContext } | { rejected: string; missing?: true };

export async function verifyScimToken(authorization: string | undefined): Promise<ScimVerdict> {
  if (!authorization?.trim()) return { rejected: 'no Authorization header', missing: true };
  const parsed = parseScimToken(authorization);
  if (!parsed) return { rejected: 'not a SCIM token' };
  const token = await getScimToken(parsed.tenantId, parsed.tokenId);
  if (!token || !secretMatches(parsed.secret, token.hash)) return { rejected: 'unknown or revoked SCIM token' };
  return { context: { tenantId: parsed.tenantId, tokenId: parsed.tokenId } };
}
