/**
 * Tokens as Roster reads them: the claims and the times a Cognito token
 * carries, without verifying it (jwt.ts verifies; API Gateway's authorizer
 * already did on user routes). No crypto, no JWKS client: the factory reads
 * every caller through this.
 */
import type { TokenTimes } from '../domain/identity.ts';

export interface TokenClaims extends TokenTimes {
  sub?: string;
  /** `exp`, epoch seconds. */
  expiresAt?: number;
}

/** The payload of a JWT without checking it: only for tokens Cognito just handed to Roster itself. */
export function readClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const seconds = (value: unknown) => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** `sub`, `auth_time`, `iat`, `jti` and `exp` from claims (numbers, or API Gateway's strings). */
export function tokenClaims(claims: Record<string, unknown> | undefined): TokenClaims {
  return {
    sub: typeof claims?.sub === 'string' ? claims.sub : undefined,
    authTime: seconds(claims?.auth_time),
    issuedAt: seconds(claims?.iat),
    ...(typeof claims?.jti === 'string' ? { tokenId: claims.jti } : {}),
    ...(seconds(claims?.exp) === undefined ? {} : { expiresAt: seconds(claims?.exp) }),
  };
}
