/**
 * The request authorizer in front of every user route (docs/architecture.md,
 * "API keys"): API Gateway runs it before a route's function — a Lambda
 * REQUEST authorizer in AWS (functions/authorizer/authorize.ts), the local
 * gateway the same code (infra/local/gateway-auth.ts). It accepts
 * - a Cognito JWT, with the checks the HTTP API JWT authorizer made: the
 *   signature against the pool's JWKS, issuer, expiry, and `aud` (or
 *   `client_id` when there is no `aud`) equal to the app client; its claims
 *   reach the function as strings, as the JWT authorizer passed them;
 * - an API key `rst_…` whose item exists, whose hash matches and which has not
 *   expired.
 * Anything else is refused (401) before any function runs. The answer is
 * cached by API Gateway per Authorization header for a few minutes; revocation
 * still applies on the next request because the route's own authorisation
 * reads the key item again in its one round trip (lib/http/route.ts).
 */
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { apiKeyLive, looksLikeApiKey, parseApiKey } from '../domain/api-keys.ts';
import { getApiKey } from '../store/api-keys.ts';

export interface CognitoAuthConfig {
  issuer: string;
  jwksUri: string;
  userPoolId: string;
  clientId: string;
}

/** What the function finds in `requestContext.authorizer.lambda`. */
export type UserOrKeyContext =
  | { principal: 'user'; claims: Record<string, string> }
  | { principal: 'apiKey'; tenantId: string; keyId: string };

/** API Gateway's simple response: allowed with a context, or refused (401). */
export type AuthorizerVerdict =
  | { isAuthorized: true; context: UserOrKeyContext }
  | { isAuthorized: false; reason: string };

/** Verifies a bearer token: its claims as strings, or why API Gateway would answer 401. */
export type JwtCheck = (
  authorization: string | undefined,
) => Promise<{ claims: Record<string, string> } | { rejected: string }>;

export function jwtCheck(
  cognito: Pick<CognitoAuthConfig, 'issuer' | 'jwksUri' | 'clientId'>,
  /** Remember verified tokens until they expire (the bench turns it off to time a full verification). */
  remember = true,
): JwtCheck {
  // aws-jwt-verify's own fetcher speaks HTTPS only; cognito-local serves its JWKS over HTTP.
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
  const verifier = JwtVerifier.create(
    {
      issuer: cognito.issuer,
      jwksUri: cognito.jwksUri,
      audience: null,
      customJwtCheck: ({ payload }) => {
        // API Gateway checks `aud` when present, else `client_id`.
        const audience = payload.aud ?? payload.client_id;
        const audiences = Array.isArray(audience) ? audience : [audience];
        if (!audiences.includes(cognito.clientId)) throw new Error('token is not for this app client');
        if (payload.token_use !== undefined && payload.token_use !== 'access' && payload.token_use !== 'id') {
          throw new Error(`token_use ${String(payload.token_use)} is not accepted`);
        }
      },
    },
    { jwksCache },
  );
  // A token's signature is the costly part of a check (~0.1 ms): the same bytes give the same answer until
  // the token expires, so each token is verified once and its expiry checked on every request after that.
  const verified = new Map<string, { claims: Record<string, string>; expiresAtMs: number }>();
  return async (authorization) => {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return { rejected: 'no bearer token' };
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return { claims: { ...known.claims } };
    verified.delete(token);
    try {
      const payload = await verifier.verify(token);
      const claims = stringClaims(payload);
      if (remember && typeof payload.exp === 'number') {
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
        verified.set(token, { claims, expiresAtMs: payload.exp * 1000 });
      }
      return { claims: { ...claims } };
    } catch (error) {
      return { rejected: error instanceof Error ? error.message : String(error) };
    }
  };
}

/** Tokens remembered as verified (the oldest is forgotten first). */
const VERIFIED_TOKENS_KEPT = 1_000;

/** API Gateway passes every claim as a string; arrays look like `[a b]`. */
export function stringClaims(payload: JwtPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] = Array.isArray(value)
      ? `[${value.join(' ')}]`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return claims;
}

/** Whether an API key is live: one read of its item (in its tenant's partition). */
export type KeyCheck = (bearer: string, now: Date) => Promise<boolean>;

export const keyInTable: KeyCheck = async (bearer, now) => {
  const parsed = parseApiKey(bearer);
  if (!parsed) return false;
  return apiKeyLive(await getApiKey(parsed.tenantId, parsed.keyId), parsed, now);
};

/** The authorizer: a person's JWT or a live API key, else refused. */
export function userOrKeyAuthorizer(checkJwt: JwtCheck, checkKey: KeyCheck = keyInTable) {
  return async (authorization: string | undefined, now = new Date()): Promise<AuthorizerVerdict> => {
    const bearer = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (looksLikeApiKey(bearer)) {
      const parsed = parseApiKey(bearer);
      if (!parsed) return { isAuthorized: false, reason: 'malformed API key' };
      let live = false;
      try {
        live = await checkKey(bearer, now);
      } catch (error) {
        return { isAuthorized: false, reason: `API key check failed: ${String(error)}` };
      }
      if (!live) return { isAuthorized: false, reason: 'API key unknown, revoked, expired or altered' };
      return { isAuthorized: true, context: { principal: 'apiKey', tenantId: parsed.tenantId, keyId: parsed.keyId } };
    }
    const verdict = await checkJwt(authorization);
    if ('rejected' in verdict) return { isAuthorized: false, reason: verdict.rejected };
    return { isAuthorized: true, context: { principal: 'user', claims: verdict.claims } };
  };
}
