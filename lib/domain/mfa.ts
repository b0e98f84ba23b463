/**
 * The MFA policy (DESIGN §1 "Enterprise sign-in", §2a rule 14) as pure
 * functions: a tenant may require a second factor (TOTP, Cognito's own
 * software-token MFA) of every member after a grace period; authorisation
 * asks `mfaBlocks` with the tenant, the login and the session it already read
 * in its one round trip.
 */
import { DomainError } from './errors.ts';

/** What a tenant stores (`mfa` on the tenant item); absent = not required. */
export interface MfaPolicy {
  required: boolean;
  /** Days after `requiredAt` during which members without MFA still get in (0–90). */
  graceDays: number;
  /** When `required` last went from false to true (the grace runs from here); absent while not required. */
  requiredAt?: string;
  /** Sessions from the tenant's SSO count too (default: SSO sessions are exempt, the IdP owns their factors). */
  includeSso: boolean;
}

/** What PATCH /v1/tenants/{t} takes (`graceDays`, `includeSso` keep their value when left out). */
export interface MfaPolicyInput {
  required: boolean;
  graceDays?: number;
  includeSso?: boolean;
}

export const MAX_GRACE_DAYS = 90;
export const DEFAULT_GRACE_DAYS = 7;
const DAY_MS = 86_400_000;

export const noMfaPolicy = (): MfaPolicy => ({ required: false, graceDays: DEFAULT_GRACE_DAYS, includeSso: false });

/** The policy after a change: the grace period starts when MFA becomes required, not when it is edited again. */
export function nextMfaPolicy(current: MfaPolicy | undefined, input: MfaPolicyInput, now: Date): MfaPolicy {
  const base = current ?? noMfaPolicy();
  const requiredAt = input.required
    ? base.required && base.requiredAt
      ? base.requiredAt
      : now.toISOString()
    : undefined;
  return {
    required: input.required,
    graceDays: input.graceDays ?? base.graceDays,
    includeSso: input.includeSso ?? base.includeSso,
    ...(requiredAt ? { requiredAt } : {}),
  };
}

/** Whether anything a client sent differs from the stored policy (a settings form re-sends it unchanged). */
export function mfaPolicyChanged(current: MfaPolicy | undefined, input: MfaPolicyInput): boolean {
  const base = current ?? noMfaPolicy();
  return (
    input.required !== base.required ||
    (input.graceDays !== undefined && input.graceDays !== base.graceDays) ||
    (input.includeSso !== undefined && input.includeSso !== base.includeSso)
  );
}

/** The instant members without MFA stop getting in (null: not required). */
export function mfaEnforcedFrom(policy: MfaPolicy | undefined): string | null {
  if (!policy?.required || !policy.requiredAt) return null;
  return new Date(Date.parse(policy.requiredAt) + policy.graceDays * DAY_MS).toISOString();
}

/**
 * How a session came to be. `sso`: the person signed in through the tenant's
 * SSO connection — the SSO sign-in marks its sessions so (lib/http/middleware/
 * caller.ts `sso`), and such sessions are exempt unless the tenant's policy
 * sets `includeSso`. Everything else is a password session.
 */
export interface SessionKind {
  sso?: boolean;
}

/** Whether this tenant's policy refuses this login's session now (enrolled logins always pass). */
export function mfaBlocks(
  policy: MfaPolicy | undefined,
  identity: { mfaEnrolledAt?: string },
  session: SessionKind,
  now: Date,
): boolean {
  if (identity.mfaEnrolledAt) return false;
  const from = mfaEnforcedFrom(policy);
  if (!from || now.getTime() < Date.parse(from)) return false;
  if (session.sso && !policy?.includeSso) return false;
  return true;
}

export const mfaEnrollmentRequired = (detail?: string) =>
  new DomainError(
    'mfa-enrollment-required',
    detail ??
      'This organisation requires two-factor authentication: set it up (POST /v1/auth/mfa/totp/setup, then …/verify) to continue.',
  );

/** The otpauth URI an authenticator app reads from the QR code (Key Uri Format). */
export function otpauthUri(email: string, secret: string, issuer = 'Roster'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(email)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${query.toString()}`;
}
