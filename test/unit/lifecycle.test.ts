/**
 * Member lifecycle against the product rules. The expected table below is written from
 * the design text, independently of lib/domain/lifecycle.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, isDomainError } from '../../lib/domain/errors.ts';
import {
  ACTIONS,
  findTransition,
  holdsSeat,
  type LifecycleAction,
  type MemberStatus,
  SEAT_HOLDING,
  STATUSES,
  transition,
} from '../../lib/domain/lifecycle.ts';
import { hasFreeSeat } from '../../lib/domain/seats.ts';

type Target = MemberStatus | 'deleted';

interface Expected {
  to: Target;
  seatDelta: -1 | 0 | 1;
  /** Acceptable audit action names (`<entity>.<past participle>`). */
  audit: readonly string[];
}

const DELETE_INVITATION = ['member.deleted', 'invitation.revoked'] as const;

/** The product rules, pair by pair. A missing entry means the step is refused. */
const EXPECTED: Record<LifecycleAction, Partial<Record<MemberStatus, Expected>>> = {
  // invited → active (accept)
  accept: { invited: { to: 'active', seatDelta: 0, audit: ['member.activated'] } },
  // active ⇄ suspended (the block keeps the seat)
  suspend: { active: { to: 'suspended', seatDelta: 0, audit: ['member.suspended'] } },
  // active|suspended → deactivated (frees the seat)
  deactivate: {
    active: { to: 'deactivated', seatDelta: -1, audit: ['member.deactivated'] },
    suspended: { to: 'deactivated', seatDelta: -1, audit: ['member.deactivated'] },
  },
  // suspended → active (the way back of ⇄); deactivated → active takes a seat again
  reactivate: {
    suspended: { to: 'active', seatDelta: 0, audit: ['member.reactivated'] },
    deactivated: { to: 'active', seatDelta: 1, audit: ['member.reactivated'] },
  },
  // invited → expired (frees the seat)
  expire: { invited: { to: 'expired', seatDelta: -1, audit: ['invitation.expired'] } },
  // resend rotates the token of an invitation, and revives an expired one (takes a seat)
  resend: {
    invited: { to: 'invited', seatDelta: 0, audit: ['invitation.resent'] },
    expired: { to: 'invited', seatDelta: 1, audit: ['invitation.resent'] },
  },
  // delete is permanent from anything; frees the seat if one was held
  delete: {
    invited: { to: 'deleted', seatDelta: -1, audit: DELETE_INVITATION },
    active: { to: 'deleted', seatDelta: -1, audit: ['member.deleted'] },
    suspended: { to: 'deleted', seatDelta: -1, audit: ['member.deleted'] },
    deactivated: { to: 'deleted', seatDelta: 0, audit: ['member.deleted'] },
    expired: { to: 'deleted', seatDelta: 0, audit: DELETE_INVITATION },
  },
};

const ALL_STATUSES: readonly MemberStatus[] = ['invited', 'active', 'suspended', 'deactivated', 'expired'];
const ALL_ACTIONS: readonly LifecycleAction[] = [
  'accept',
  'suspend',
  'deactivate',
  'reactivate',
  'expire',
  'resend',
  'delete',
];

const PAIRS = ALL_STATUSES.flatMap((status) => ALL_ACTIONS.map((action) => ({ status, action })));
const ALLOWED = PAIRS.filter(({ status, action }) => EXPECTED[action][status] !== undefined);
const REFUSED = PAIRS.filter(({ status, action }) => EXPECTED[action][status] === undefined);

function expected(status: MemberStatus, action: LifecycleAction): Expected {
  const step = EXPECTED[action][status];
  if (!step) throw new Error(`test table has no ${action} from ${status}`);
  return step;
}

describe('statuses and actions', () => {
  it('has exactly the five statuses of the product', () => {
    expect([...STATUSES].sort()).toEqual([...ALL_STATUSES].sort());
  });

  it('has every lifecycle action, each once', () => {
    expect([...ACTIONS].sort()).toEqual([...ALL_ACTIONS].sort());
  });

  it('seat-holding statuses are exactly invited, active, suspended', () => {
    expect([...SEAT_HOLDING].sort()).toEqual(['active', 'invited', 'suspended']);
    expect(holdsSeat('invited')).toBe(true);
    expect(holdsSeat('active')).toBe(true);
    expect(holdsSeat('suspended')).toBe(true);
    expect(holdsSeat('deactivated')).toBe(false);
    expect(holdsSeat('expired')).toBe(false);
  });

  it('the test table covers all 35 pairs: 14 allowed, 21 refused', () => {
    expect(PAIRS).toHaveLength(35);
    expect(ALLOWED).toHaveLength(14);
    expect(REFUSED).toHaveLength(21);
  });
});

describe('allowed transitions', () => {
  it.each(ALLOWED)('$action from $status goes to the designed status', ({ status, action }) => {
    expect(findTransition(status, action)?.to).toBe(expected(status, action).to);
    expect(transition(status, action).to).toBe(expected(status, action).to);
  });

  it.each(ALLOWED)('$action from $status changes seats.used by the designed delta', ({ status, action }) => {
    expect(transition(status, action).seatDelta).toBe(expected(status, action).seatDelta);
  });

  it.each(ALLOWED)('$action from $status is audited under the designed name', ({ status, action }) => {
    expect(expected(status, action).audit).toContain(transition(status, action).audit);
  });

  it.each(ALLOWED)('$action from $status: audit name reads <entity>.<past participle>', ({ status, action }) => {
    expect(transition(status, action).audit).toMatch(/^(member|invitation)\.[a-z]+(ed|ent)$/);
  });

  it.each(ALLOWED)('transition and findTransition agree for $action from $status', ({ status, action }) => {
    expect(transition(status, action)).toEqual(findTransition(status, action));
  });

  it('delete is allowed from every status and always ends in deleted', () => {
    for (const status of ALL_STATUSES) expect(transition(status, 'delete').to).toBe('deleted');
  });

  it('seat delta equals holdsSeat(after) - holdsSeat(before) for every allowed step', () => {
    for (const { status, action } of ALLOWED) {
      const step = transition(status, action);
      const after = step.to !== 'deleted' && holdsSeat(step.to) ? 1 : 0;
      const before = holdsSeat(status) ? 1 : 0;
      expect(step.seatDelta, `${action} from ${status}`).toBe(after - before);
    }
  });

  it('only reactivating a deactivated member and resending an expired invitation take a seat', () => {
    const taking = ALLOWED.filter(({ status, action }) => transition(status, action).seatDelta === 1)
      .map(({ status, action }) => `${action}:${status}`)
      .sort();
    expect(taking).toEqual(['reactivate:deactivated', 'resend:expired']);
  });

  it('suspension keeps the seat both ways', () => {
    expect(transition('active', 'suspend').seatDelta).toBe(0);
    expect(transition('suspended', 'reactivate').seatDelta).toBe(0);
  });

  it('returns a fresh object, so a caller cannot corrupt the table', () => {
    const first = transition('active', 'suspend') as { to: string };
    first.to = 'expired';
    expect(transition('active', 'suspend').to).toBe('suspended');
  });
});

describe('refused transitions', () => {
  it.each(REFUSED)('$action from $status is not a transition', ({ status, action }) => {
    expect(findTransition(status, action)).toBeUndefined();
  });

  it.each(REFUSED)('$action from $status throws DomainError invalid-transition', ({ status, action }) => {
    let caught: unknown;
    try {
      transition(status, action);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(isDomainError(caught)).toBe(true);
    expect((caught as DomainError).code).toBe('invalid-transition');
    expect((caught as DomainError).message.length).toBeGreaterThan(0);
  });

  it('names a few refusals explicitly', () => {
    // no route back from expired except resend; no accept twice; no suspending an invitation
    expect(findTransition('expired', 'reactivate')).toBeUndefined();
    expect(findTransition('expired', 'accept')).toBeUndefined();
    expect(findTransition('active', 'accept')).toBeUndefined();
    expect(findTransition('invited', 'suspend')).toBeUndefined();
    expect(findTransition('invited', 'deactivate')).toBeUndefined();
    expect(findTransition('deactivated', 'suspend')).toBeUndefined();
    expect(findTransition('active', 'reactivate')).toBeUndefined();
    expect(findTransition('active', 'expire')).toBeUndefined();
    expect(findTransition('active', 'resend')).toBeUndefined();
    expect(findTransition('deactivated', 'resend')).toBeUndefined();
  });
});

describe('seat accounting never drifts (properties)', () => {
  const action = fc.constantFrom(...ALL_ACTIONS);

  it('one member: the deltas of any action sequence from invited sum to holdsSeat(final) - 1', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        // the invitation itself took the seat: used starts at 1
        let status: Target = 'invited';
        let used = 1;
        for (const a of actions) {
          if (status === 'deleted') {
            break;
          }
          const step = findTransition(status, a);
          const designed = EXPECTED[a][status];
          expect(step === undefined).toBe(designed === undefined);
          if (!step) continue;
          used += step.seatDelta;
          status = step.to;
        }
        const holds = status !== 'deleted' && holdsSeat(status) ? 1 : 0;
        expect(used).toBe(holds);
        expect(used).toBeGreaterThanOrEqual(0);
        expect(used).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a tenant: seats.used always equals the number of seat-holding members and never exceeds the limit', () => {
    type Op = { kind: 'invite' } | { kind: 'act'; member: number; action: LifecycleAction };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant<Op>({ kind: 'invite' }),
      fc.record({ kind: fc.constant('act' as const), member: fc.nat(20), action }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 80 }), (limit, ops) => {
        const members: Target[] = [];
        let used = 0;
        for (const o of ops) {
          if (o.kind === 'invite') {
            if (hasFreeSeat(used, limit)) {
              members.push('invited');
              used += 1;
            }
            continue;
          }
          const current = members[o.member];
          if (current === undefined || current === 'deleted') continue;
          const step = findTransition(current, o.action);
          if (!step) continue;
          // a step that takes a seat is only made when one is free (the product rules)
          if (step.seatDelta > 0 && !hasFreeSeat(used, limit, step.seatDelta)) continue;
          used += step.seatDelta;
          members[o.member] = step.to;
          const holding = members.filter((m) => m !== 'deleted' && holdsSeat(m)).length;
          expect(used).toBe(holding);
          expect(used).toBeLessThanOrEqual(limit);
        }
        expect(used).toBe(members.filter((m) => m !== 'deleted' && holdsSeat(m)).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('every status is reachable from invited', () => {
    const seen = new Set<Target>(['invited']);
    let frontier: Target[] = ['invited'];
    while (frontier.length > 0) {
      const next: Target[] = [];
      for (const s of frontier) {
        if (s === 'deleted') continue;
        for (const a of ALL_ACTIONS) {
          const to = findTransition(s, a)?.to;
          if (to && !seen.has(to)) {
            seen.add(to);
            next.push(to);
          }
        }
      }
      frontier = next;
    }
    expect([...seen].sort()).toEqual([...ALL_STATUSES, 'deleted'].sort());
  });
});
