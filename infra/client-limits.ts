/**
 * Per-client request limits: what one client (one IP address) may send in a
 * window, on every path and — stricter — on the credential paths (sign-in,
 * tokens, password reset, invitations by token). The stage's throttle is
 * shared by all clients of a route; these are not, so one client that
 * exhausts its own limit leaves every other client served.
 *
 * In AWS the WAF web ACL on the CloudFront distribution enforces them
 * (infra/constructs/firewall.ts); locally the gateway does (infra/local/
 * gateway.ts), with the same numbers by default and the same 429 problem.
 */
import { PROBLEM_STATUS, problemType } from '../lib/http/problems.ts';

export interface ClientLimits {
  /** The window the counts are over. WAF evaluates 60, 120, 300 or 600 seconds. */
  readonly windowSeconds: number;
  /** Requests per client per window on any path. */
  readonly requests: number;
  /** Requests per client per window on the credential paths (and counted in `requests` too). */
  readonly credentialRequests: number;
}

/** Path prefixes of the public routes that take a password, a token or a code. */
export const CREDENTIAL_PATH_PREFIXES: readonly string[] = ['/v1/auth/', '/v1/invitations/'];

/**
 * 600 requests a minute (10/s sustained) per client overall; 60 a minute on
 * credential paths — a person signing in needs a handful, a password guesser
 * hundreds.
 */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = { windowSeconds: 60, requests: 600, credentialRequests: 60 };

/** The windows WAF's rate-based rules accept. */
export const WAF_WINDOWS: readonly number[] = [60, 120, 300, 600];

export function isCredentialPath(path: string): boolean {
  return CREDENTIAL_PATH_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** Checks limits given by settings (context or environment); `source` names them in the error. */
export function validClientLimits(limits: ClientLimits, source: string): ClientLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${source}: ${name} must be a positive integer`);
  }
  if (limits.credentialRequests > limits.requests) {
    throw new Error(`${source}: the credential limit cannot exceed the overall limit`);
  }
  return limits;
}

/** The problem document a limited client receives (RFC 9457), in AWS and locally alike. */
export const TOO_MANY_REQUESTS_PROBLEM = {
  type: problemType('too-many-requests'),
  title: PROBLEM_STATUS['too-many-requests'].title,
  status: PROBLEM_STATUS['too-many-requests'].status,
  code: 'too-many-requests',
  detail: 'This client sent too many requests; wait for the time in Retry-After and try again.',
} as const;
