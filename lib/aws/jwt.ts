/**
 * The verification of a bearer offered as proof on a public route (where no
 * API Gateway authorizer ran), against the pool's own JWKS. Reading a token's
 * claims needs none of this (claims.ts).
 */
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { config } from '../config.ts';
import { type TokenClaims, tokenClaims } from './claims.ts';

export { readClaims, type TokenClaims, tokenClaims } from './claims.ts';

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
