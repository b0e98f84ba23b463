/**
 * Domain errors carry a stable `code`; `lib/http/problems.ts` maps each code
 * to its HTTP status and title. Anything that is not a DomainError is a bug
 * and becomes a generic 500.
 */
export const ERROR_CODES = [
  'validation-failed',
  'unauthenticated',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'conflict',
  'email-taken',
  'identity-shared',
  'last-admin',
  'owner-protected',
  'invalid-transition',
  'seat-limit-reached',
  'precondition-failed',
  'invitation-invalid',
  'login-required',
  'session-revoked',
  'password-change-required',
  'mfa-required',
  'mfa-enrollment-required',
  'payload-too-large',
  'unsupported-media-type',
  'too-many-requests',
  'service-unavailable',
  'domain-unverified',
  'managed-by-directory',
  'sso-required',
  'sso-failed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: ErrorCode;
  /** Extra members of the problem document (e.g. `seats`, `errors`). */
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.code = code;
    this.extensions = extensions;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const notFound = (what: string) => new DomainError('not-found', `${what} was not found.`);
export const forbidden = (detail: string) => new DomainError('forbidden', detail);
export const conflict = (detail: string, extensions: Record<string, unknown> = {}) =>
  new DomainError('conflict', detail, extensions);
