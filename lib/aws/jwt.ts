/**
 * Tokens as Roster reads them: the times a Cognito token carries, and the
 * verification of a bearer offered as proof on a public route (where no API
 * Gateway authorizer ran). Verification is against the pool's own JWKS.
 */
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { config } from '../config.ts';
import type { TokenTimes } from '../domain/identity.ts';

export interface TokenClaims extends TokenTimes {
  sub?: string;
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

/** `sub`, `auth_time` and `iat` from claims (numbers, or API Gateway's strings). */
export function tokenClaims(claims: Record<string, unknown> | undefined): TokenClaims {
  return {
    sub: typeof claims?.sub === 'string' ? claims.sub : undefined,
    authTime: seconds(claims?.auth_time),
    issuedAt: seconds(claims?.iat),
  };
}

let verifier: ReturnType<typeof JwtVerifier.create> | undefined;

function accessVerifier() {
  if (verifier) return verifier;
  const issuer = config().userPoolIssuer;
  const clientId = config().userPoolClientId;
  // The default fetcher speaks HTTPS only; a pool's issuer may be plain HTTP on a developer's machine.
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
  verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (payload.client_id !== clientId) throw new Error('token is not for this app client');
      },
    },
    { jwksCache },
  );
  return verifier;
}

/** The claims of a valid access token of this pool's app client, or undefined. */
export async function verifyAccessToken(token: string): Promise<TokenClaims | undefined> {
  try {
    return tokenClaims((await accessVerifier().verify(token)) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}
