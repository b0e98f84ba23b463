import { DomainError } from './errors.ts';

/**
 * Plans and seat arithmetic (the product rules). A `null` limit means unlimited.
 */
export const PLANS = { trial: 1, starter: 3, growth: 5, scale: 10, enterprise: null } as const;
export type Plan = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as Plan[];

/**
 * Invitation and welcome emails one tenant may send per UTC day, by plan
 * (issue 17: a mail-bomb budget; `INVITATION_DAILY_BUDGETS` overrides, e.g.
 * `trial=5,enterprise=20000`).
 */
export const DAILY_INVITATIONS: Readonly<Record<Plan, number>> = {
  trial: 20,
  starter: 50,
  growth: 100,
  scale: 300,
  enterprise: 10_000,
};

export interface Seats {
  used: number;
  limit: number | null;
  available: number | null;
}

/** The seat limit in force: the tenant's own override, else the plan's. */
export function seatLimitFor(plan: Plan, override?: number | null): number | null {
  return override ?? PLANS[plan];
}

export function seatsView(used: number, limit: number | null): Seats {
  return { used, limit, available: limit === null ? null : Math.max(0, limit - used) };
}

export function hasFreeSeat(used: number, limit: number | null, wanted = 1): boolean {
  return limit === null || used + wanted <= limit;
}

/** 409 `seat-limit-reached`, with the usage in the problem's `seats`. */
export function seatLimitReached(plan: string, used: number, limit: number): DomainError {
  return new DomainError(
    'seat-limit-reached',
    `All ${limit} seats of the ${plan} plan are in use (${used} of ${limit}). Free a seat or upgrade the plan.`,
    { seats: seatsView(used, limit) },
  );
}
