/**
 * Extra grants (DESIGN §1, "a grant may expire"): a member's permissions
 * beyond their role, each either permanent (`"users:create"`) or held until a
 * moment (`{permission, expiresAt}`). Pure functions over the stored form; an
 * expired grant confers nothing from the instant it expires, whether or not
 * the upkeep job has removed it yet.
 */
import { DomainError } from './errors.ts';

export interface TimedGrant {
  permission: string;
  /** ISO time (UTC, milliseconds): the grant confers nothing from this instant on. */
  expiresAt: string;
}

/** As stored and as clients send it: a permission name (permanent) or a timed grant. */
export type Grant = string | TimedGrant;

/** A grant read uniformly: `expiresAt` null = permanent. */
export interface GrantTerm {
  permission: string;
  expiresAt: string | null;
}

export const isTimed = (grant: Grant): grant is TimedGrant => typeof grant !== 'string';

export function termOf(grant: Grant): GrantTerm {
  return isTimed(grant)
    ? { permission: grant.permission, expiresAt: grant.expiresAt }
    : { permission: grant, expiresAt: null };
}

export const permissionOf = (grant: Grant): string => (isTimed(grant) ? grant.permission : grant);

/** Whether the grant confers its permission at `now` (an expiry is exclusive: gone at that instant). */
export function isLive(grant: Grant, now: Date): boolean {
  return !isTimed(grant) || Date.parse(grant.expiresAt) > now.getTime();
}

export const liveGrants = <G extends Grant>(grants: readonly G[], now: Date): G[] =>
  grants.filter((g) => isLive(g, now));

export const expiredGrants = (grants: readonly Grant[], now: Date): TimedGrant[] =>
  grants.filter((g): g is TimedGrant => isTimed(g) && !isLive(g, now));

/** The longer of two holds of one permission (undefined = not held yet): permanent (null) beats any end. */
export function longerHold(a: string | null | undefined, b: string | null): string | null {
  if (a === undefined) return b;
  if (a === null || b === null) return null;
  return a > b ? a : b;
}

/**
 * One grant per permission, in first-mention order: a permanent mention wins,
 * else the latest expiry. Expiries are rewritten as UTC ISO with milliseconds,
 * so they compare (and sort in index keys) as strings.
 */
export function normaliseGrants(grants: readonly Grant[]): Grant[] {
  const terms = new Map<string, string | null>();
  for (const grant of grants) {
    const { permission, expiresAt } = termOf(grant);
    const at = expiresAt === null ? null : new Date(expiresAt).toISOString();
    terms.set(permission, longerHold(terms.get(permission), at));
  }
  return [...terms].map(([permission, expiresAt]) => (expiresAt === null ? permission : { permission, expiresAt }));
}

/** The earliest expiry among the timed grants (when the upkeep job has work), or undefined. */
export function nextExpiry(grants: readonly Grant[]): string | undefined {
  let earliest: string | undefined;
  for (const grant of grants) {
    if (isTimed(grant) && (earliest === undefined || grant.expiresAt < earliest)) earliest = grant.expiresAt;
  }
  return earliest;
}

/** A grant given now must end in the future (a past expiry would confer nothing: say so). */
export function assertFutureExpiries(grants: readonly Grant[], now: Date, path = 'body.grants'): void {
  const past = grants.filter(isTimed).filter((g) => !(Date.parse(g.expiresAt) > now.getTime()));
  if (past.length) {
    throw new DomainError(
      'validation-failed',
      `A grant must expire in the future: ${past.map((g) => g.permission).join(', ')}.`,
      {
        errors: past.map((g) => ({ path, message: `${g.permission}: expiresAt ${g.expiresAt} is not in the future` })),
      },
    );
  }
}
