/** Plans and seat arithmetic against the product rules ("Tenants and plans"). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasFreeSeat, PLAN_NAMES, PLANS, type Plan, seatLimitFor, seatsView } from '../../lib/domain/seats.ts';

const CATALOGUE: Record<Plan, number | null> = { trial: 1, starter: 3, growth: 5, scale: 10, enterprise: null };
const plan = fc.constantFrom<Plan>('trial', 'starter', 'growth', 'scale', 'enterprise');
const limit = fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null });

describe('plan catalogue', () => {
  it('is exactly trial 1, starter 3, growth 5, scale 10, enterprise unlimited', () => {
    expect({ ...PLANS }).toEqual(CATALOGUE);
  });

  it('lists every plan name once', () => {
    expect([...PLAN_NAMES].sort()).toEqual(['enterprise', 'growth', 'scale', 'starter', 'trial']);
  });

  it.each(Object.entries(CATALOGUE))('without an override, %s has limit %s', (name, seats) => {
    expect(seatLimitFor(name as Plan)).toBe(seats);
    expect(seatLimitFor(name as Plan, undefined)).toBe(seats);
  });

  it('enterprise is unlimited (null), not a large number', () => {
    expect(seatLimitFor('enterprise')).toBeNull();
  });
});

describe('tenant override', () => {
  it.each(PLAN_NAMES)('an override wins over the %s plan, above and below its limit', (name) => {
    expect(seatLimitFor(name, 2)).toBe(2);
    expect(seatLimitFor(name, 50)).toBe(50);
  });

  it('an override of 0 wins (it is not treated as "no override")', () => {
    expect(seatLimitFor('scale', 0)).toBe(0);
    expect(seatLimitFor('enterprise', 0)).toBe(0);
  });

  it('an enterprise tenant can be capped by its override', () => {
    expect(seatLimitFor('enterprise', 250)).toBe(250);
  });

  it('property: any numeric override is the limit in force', () => {
    fc.assert(
      fc.property(plan, fc.integer({ min: 0, max: 1_000_000 }), (p, override) => {
        expect(seatLimitFor(p, override)).toBe(override);
      }),
    );
  });
});

describe('seatsView (the user limit indicator)', () => {
  it('shows used / limit / available', () => {
    expect(seatsView(2, 5)).toEqual({ used: 2, limit: 5, available: 3 });
    expect(seatsView(0, 1)).toEqual({ used: 0, limit: 1, available: 1 });
  });

  it('shows 0 available when full', () => {
    expect(seatsView(5, 5)).toEqual({ used: 5, limit: 5, available: 0 });
  });

  it('never shows negative availability when a downgrade left the tenant over its limit', () => {
    expect(seatsView(7, 3)).toEqual({ used: 7, limit: 3, available: 0 });
    expect(seatsView(1, 0).available).toBe(0);
  });

  it('unlimited: limit and available are null', () => {
    expect(seatsView(0, null)).toEqual({ used: 0, limit: null, available: null });
    expect(seatsView(12_345, null)).toEqual({ used: 12_345, limit: null, available: null });
  });

  it('property: available is max(0, limit - used), never negative, and used + available covers the limit', () => {
    fc.assert(
      fc.property(fc.nat(20_000), fc.nat(20_000), (used, max) => {
        const view = seatsView(used, max);
        expect(view.used).toBe(used);
        expect(view.limit).toBe(max);
        expect(view.available).not.toBeNull();
        const available = view.available as number;
        expect(available).toBeGreaterThanOrEqual(0);
        expect(available).toBe(Math.max(0, max - used));
        if (used <= max) expect(used + available).toBe(max);
        else expect(available).toBe(0);
      }),
    );
  });
});

describe('hasFreeSeat', () => {
  it('trial: the first seat is free, the second is not', () => {
    expect(hasFreeSeat(0, 1)).toBe(true);
    expect(hasFreeSeat(1, 1)).toBe(false);
  });

  it('at limit - 1 there is exactly one seat; at the limit none', () => {
    expect(hasFreeSeat(2, 3)).toBe(true);
    expect(hasFreeSeat(3, 3)).toBe(false);
    expect(hasFreeSeat(2, 3, 2)).toBe(false);
    expect(hasFreeSeat(1, 3, 2)).toBe(true);
  });

  it('over the limit (after a downgrade) there is no free seat', () => {
    expect(hasFreeSeat(4, 3)).toBe(false);
  });

  it('a limit of 0 never has a free seat', () => {
    expect(hasFreeSeat(0, 0)).toBe(false);
  });

  it('unlimited always has free seats', () => {
    expect(hasFreeSeat(0, null)).toBe(true);
    expect(hasFreeSeat(Number.MAX_SAFE_INTEGER - 1, null)).toBe(true);
    expect(hasFreeSeat(10_000, null, 10_000)).toBe(true);
  });

  it('property: hasFreeSeat(used, limit, n) ⇔ the view shows at least n available', () => {
    fc.assert(
      fc.property(fc.nat(1_000), limit, fc.integer({ min: 1, max: 50 }), (used, max, wanted) => {
        const { available } = seatsView(used, max);
        expect(hasFreeSeat(used, max, wanted)).toBe(available === null || available >= wanted);
      }),
    );
  });

  it('property: taking seats while one is free never exceeds the limit, and fills it exactly', () => {
    fc.assert(
      fc.property(plan, fc.nat(200), (p, attempts) => {
        const max = seatLimitFor(p);
        let used = 0;
        let granted = 0;
        for (let i = 0; i < attempts; i++) {
          if (hasFreeSeat(used, max)) {
            used += 1;
            granted += 1;
          }
        }
        if (max === null) expect(granted).toBe(attempts);
        else expect(granted).toBe(Math.min(attempts, max));
      }),
    );
  });

  it('property: the seat check is monotonic — more used never frees a seat', () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.nat(1_000), limit, (a, b, max) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (hasFreeSeat(high, max)) expect(hasFreeSeat(low, max)).toBe(true);
      }),
    );
  });
});
