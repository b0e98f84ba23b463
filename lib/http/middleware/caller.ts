/**
 * Who is calling, from what API Gateway (or the local gateway) verified: a
 * user (the JWT's claims), the platform (the IAM principal) or nobody. Reads
 * nothing, so public routes resolve their caller without the table; the live
 * checks are authorize.ts and platform-access.ts.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { tokenClaims } from '../../aws/claims.ts';
import { DomainError } from '../../domain/errors.ts';
import type { TokenTimes } from '../../domain/identity.ts';
import { parseScimToken } from '../../domain/scim/tokens.ts';
import type { UserOrKeyContext } from '../authorizer.ts';
import type { RouteDef } from '../routes.ts';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'platform'; principal: string }
  /** A tenant's identity provider with a SCIM token (the authorizer checked it; the route re-reads it). */
  | { kind: 'scim'; tenantId: string; tokenId: string; secret: string }
  /**
   * A tenant's API key (DESIGN §1 "A tenant's own machines"): the authorizer found it live; the route reads
   * its item again (with the tenant, one round trip) and hashes `secret` once more, so a revoked key fails
   * on the very next request whatever the authorizer cached.
   */
  | { kind: 'apiKey'; tenantId: string; keyId: string; bearer: string }
  | {
      kind: 'user';
      id: string;
      email: string | undefined;
      token: TokenTimes;
      bearer?: string;
      /** `access` or `id`: the gateway accepts both; a route that hands the token to Cognito needs `access`. */
      tokenUse?: string;
      /**
       * The session came from the tenant's SSO sign-in, not a password: a tenant's MFA policy exempts it
       * unless the policy sets `includeSso` (lib/domain/mfa.ts). Today SSO marks its logins rather than
       * tokens: authorizeTenant also counts a session of an `ssoOnly` login (made by SSO provisioning, no
       * password) as SSO. This flag stays for a token claim, should password logins be linked to SSO.
       */
      sso?: boolean;
    };

interface AuthorizerContext {
  jwt?: { claims?: Record<string, string | number | boolean | string[]> };
  iam?: { userArn?: string; callerId?: string };
  /** A Lambda authorizer's context: the user routes' (lib/http/authorizer.ts: a person's claims, or an API key) or the SCIM authorizer's (the token's tenant and id). */
  lambda?: Partial<UserOrKeyContext> & {
    claims?: Record<string, string>;
    tenantId?: string;
    keyId?: string;
    tokenId?: string;
  };
}

const unauthenticated = () => new DomainError('unauthenticated', 'Sign in to continue.');

export function resolveCaller(route: RouteDef, event: APIGatewayProxyEventV2): Caller {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  if (route.auth === 'public') return { kind: 'anonymous' };
  if (route.auth === 'platform') {
    const principal = authorizer?.iam?.userArn ?? authorizer?.iam?.callerId;
    if (!principal) throw new DomainError('unauthenticated', 'Platform credentials are required.');
    return { kind: 'platform', principal };
  }
  if (route.auth === 'scim') {
    // The tenant is the token's: the one the authorizer vouched for, and the one the presented token names.
    const presented = parseScimToken(event.headers?.authorization);
    const vouched = authorizer?.lambda;
    if (!presented || presented.tenantId !== vouched?.tenantId || presented.tokenId !== vouched?.tokenId) {
      throw new DomainError('unauthenticated', 'A valid SCIM token is required.');
    }
    return { kind: 'scim', ...presented };
  }
  const bearer = event.headers?.authorization?.replace(/^Bearer\s+/i, '').trim() || undefined;
  const lambda = authorizer?.lambda;
  if (lambda?.principal === 'apiKey') {
    const { tenantId, keyId } = lambda;
    if (!tenantId || !keyId || !bearer) throw unauthenticated();
    return { kind: 'apiKey', tenantId, keyId, bearer };
  }
  const claims = authorizer?.jwt?.claims ?? (lambda?.principal === 'user' ? lambda.claims : undefined);
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated();
  const email = typeof claims?.email === 'string' ? claims.email : undefined;
  const { authTime, issuedAt, tokenId, expiresAt } = tokenClaims(claims);
  // The Lambda authorizer's answer is cached for minutes: a token that expired since is refused here.
  if (lambda && (expiresAt === undefined || expiresAt * 1000 <= Date.now())) throw unauthenticated();
  const tokenUse = typeof claims?.token_use === 'string' ? claims.token_use : undefined;
  return {
    kind: 'user',
    id: sub,
    email,
    token: { authTime, issuedAt, ...(tokenId ? { tokenId } : {}) },
    bearer,
    tokenUse,
  };
}
