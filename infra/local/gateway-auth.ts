/**
 * The two authorizers API Gateway runs in AWS, emulated:
 * - user routes: the HTTP API JWT authorizer over Cognito — signature against
 *   the pool's JWKS, issuer, expiry, and `aud` (or `client_id` when there is no
 *   `aud`) equal to the app client; claims reach the Lambda as strings.
 * - platform routes: IAM auth, locally a shared key in `x-platform-key`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { ACCOUNT_ID, type IamAuthorizerContext, type JwtAuthorizerContext } from './gateway-event.ts';

export interface CognitoAuthConfig {
  issuer: string;
  jwksUri: string;
  userPoolId: string;
  clientId: string;
}

/** Verifies a bearer token: the authorizer context, or why API Gateway would answer 401. */
export type JwtAuthorizer = (
  authorization: string | undefined,
) => Promise<{ context: JwtAuthorizerContext } | { rejected: string }>;

export function jwtAuthorizer(cognito: CognitoAuthConfig): JwtAuthorizer {
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
    if (known && Date.now() < known.expiresAtMs)
      return { context: { jwt: { claims: { ...known.claims }, scopes: null } } };
    verified.delete(token);
    try {
      const payload = await verifier.verify(token);
      const claims = stringClaims(payload);
      if (typeof payload.exp === 'number') {
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
        verified.set(token, { claims, expiresAtMs: payload.exp * 1000 });
      }
      return { context: { jwt: { claims: { ...claims }, scopes: null } } };
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
