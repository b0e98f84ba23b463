/**
 * RFC 9457 problem documents. One table maps each stable code to its status
 * and title; anything that is not a DomainError becomes a generic 500.
 */
import { DomainError, type ErrorCode, isDomainError } from '../domain/errors.ts';

export const PROBLEM_STATUS: Readonly<Record<ErrorCode, { status: number; title: string }>> = {
  'validation-failed': { status: 400, title: 'Validation failed' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'email-taken': { status: 409, title: 'Email already in use' },
  'identity-shared': { status: 409, title: 'Login shared with another tenant' },
  'last-admin': { status: 409, title: 'Last active admin' },
  'owner-protected': { status: 409, title: 'Tenant owner is protected' },
  'invalid-transition': { status: 409, title: 'Invalid status transition' },
  'seat-limit-reached': { status: 409, title: 'Seat limit reached' },
  'invitation-invalid': { status: 410, title: 'Invitation invalid' },
  'login-required': { status: 401, title: 'Sign-in required' },
  'session-revoked': { status: 401, title: 'Session revoked' },
  'password-change-required': { status: 403, title: 'Password change required' },
  'mfa-required': { status: 401, title: 'Second factor required' },
  'mfa-enrollment-required': { status: 403, title: 'Two-factor enrolment required' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  'domain-unverified': { status: 409, title: 'Domain not verified' },
  'managed-by-directory': { status: 409, title: 'Managed by the directory' },
  'sso-required': { status: 403, title: 'Single sign-on required' },
  'sso-failed': { status: 401, title: 'Single sign-on failed' },
};

/** Problem `type` URIs: stable, absolute, one per code. */
export const problemType = (code: ErrorCode | 'internal-error') => `urn:roster:problem:${code}`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | 'internal-error';
  correlationId: string;
  [extension: string]: unknown;
}

/** AWS SDK errors that mean "try again shortly", never the caller's fault. */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalErrorException',
  // The SDK gave up waiting (socket or request time-out), or the handler was cut off before its limit.
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

export function isTransient(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  if (name && TRANSIENT.has(name)) return true;
  // A transaction cancelled only by conflicts with other transactions is transient too.
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | null)?.CancellationReasons;
  return name === 'TransactionCanceledException' && !!reasons?.every((r) => r.Code !== 'ConditionalCheckFailed');
}

export function toProblem(error: unknown, correlationId: string): Problem {
  const known = isDomainError(error)
    ? error
    : isTransient(error)
      ? new DomainError('service-unavailable', 'The service is busy; retry the request shortly.')
      : undefined;
  if (!known) {
    return {
      type: problemType('internal-error'),
      title: 'Internal error',
      status: 500,
      detail: `Something went wrong on our side. Quote ${correlationId} when reporting it.`,
      code: 'internal-error',
      correlationId,
    };
  }
  const { status, title } = PROBLEM_STATUS[known.code];
  return {
    ...known.extensions,
    type: problemType(known.code),
    title,
    status,
    detail: known.message,
    code: known.code,
    correlationId,
  };
}
