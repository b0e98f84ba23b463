/**
 * The pure drain (lib/domain/drain.ts) and the decision log over random teams:
 * loads, capacities, availabilities, statuses and rights, random queues.
 * - nobody is ever pushed over capacity, only eligible people receive;
 * - each waiting conversation goes at most once, oldest first (a younger one
 *   never goes while an older one waits);
 * - it stops only when the queue, the limit or the room is used up: no
 *   conversation left waiting while someone eligible has room;
 * - ties are fair: round robin shares out evenly, load balanced never gives to
 *   someone busier than an eligible colleague;
 * - every step's decision names the pick and says why each other candidate was skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candidate, ineligibility, type TeamRules } from '../../lib/domain/assignment.ts';
import { freeCapacity, planDrain, queueOrder, type Waiting } from '../../lib/domain/drain.ts';
import { BUILT_IN_ROLE_PERMISSIONS } from '../../lib/domain/permissions.ts';

const candidate = fc.record({
  id: fc.stringMatching(/^[a-h]{1,3}$/),
  status: fc.constantFrom('active', 'active', 'active', 'suspended', 'deactivated'),
  availability: fc.constantFrom('online', 'online', 'away') as fc.Arbitrary<'online' | 'away'>,
  openAssignments: fc.nat({ max: 6 }),
  permissions: fc.constantFrom(BUILT_IN_ROLE_PERMISSIONS.agent, BUILT_IN_ROLE_PERMISSIONS.manager, []),
});
const team = fc.record({
  assignmentStrategy: fc.constantFrom('round_robin', 'load_balanced', 'manual') as fc.Arbitrary<
    TeamRules['assignmentStrategy']
  >,
  capacity: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
  rrCursor: fc.option(fc.stringMatching(/^[a-h]{1,3}$/), { nil: null }),
});
const people = fc.uniqueArray(candidate, { selector: (c) => c.id, maxLength: 8 });
const queue = fc
  .uniqueArray(
    fc.record({ conversationId: fc.stringMatching(/^c[0-9]{1,3}$/), queuedAt: fc.integer({ min: 0, max: 50 }) }),
    {
      selector: (w) => w.conversationId,
      maxLength: 30,
    },
  )
  .map((ws) => ws.map((w) => ({ ...w, queuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, w.queuedAt)).toISOString() })));

const limit = fc.integer({ min: 1, max: 40 });

function loadsAfter(start: readonly Candidate[], steps: readonly { assigneeId: string }[]): Map<string, number> {
  const loads = new Map(start.map((c) => [c.id, c.openAssignments]));
  for (const s of steps) loads.set(s.assigneeId, (loads.get(s.assigneeId) ?? 0) + 1);
  return loads;
}

describe('planDrain', () => {
  it('never pushes anyone over capacity, and only eligible people receive', () => {
    fc.assert(
      fc.property(team, people, queue, limit, (rules, cands, waiting, max) => {
        const plan = planDrain(rules, cands, waiting, max);
        const loads = loadsAfter(cands, plan.steps);
        for (const c of cands) {
          const received = plan.steps.filter((s) => s.assigneeId === c.id).length;
          if (received === 0) continue;
          expect(ineligibility({ ...c }, rules.capacity === null ? null : Number.POSITIVE_INFINITY)).toBeUndefined();
          if (rules.capacity !== null) expect(loads.get(c.id)).toBeLessThanOrEqual(rules.capacity);
        }
        if (rules.assignmentStrategy === 'manual') expect(plan.steps).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('takes each conversation at most once, oldest first: the plan is a prefix of the queue in order', () => {
    fc.assert(
      fc.property(team, people, queue, limit, (rules, cands, waiting, max) => {
        const plan = planDrain(rules, cands, waiting, max);
        const ordered = [...waiting].sort(queueOrder).map((w) => w.conversationId);
        expect(plan.steps.map((s) => s.conversationId)).toEqual(ordered.slice(0, plan.steps.length));
        expect(plan.steps.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  it('stops only when the queue, the limit or the room runs out: nobody eligible keeps room while a conversation waits', () => {
    fc.assert(
      fc.property(team, people, queue, limit, (rules, cands, waiting, max) => {
        const plan = planDrain(rules, cands, waiting, max);
        const expected = Math.min(waiting.length, max, freeCapacity(rules, cands));
        expect(plan.steps.length).toBe(expected);
        if (plan.steps.length < waiting.length && plan.steps.length < max) {
          // What is left waits only because nobody eligible has room now.
          const after = cands.map((c) => ({ ...c, openAssignments: loadsAfter(cands, plan.steps).get(c.id) ?? 0 }));
          expect(freeCapacity(rules, after)).toBe(0);
          expect(plan.blocked).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round robin shares evenly: among uncapped eligible people starting equal, counts differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-h]{1,3}$/), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.stringMatching(/^[a-h]{1,3}$/), { nil: null }),
        (ids, n, cursor) => {
          const cands: Candidate[] = ids.map((id) => ({
            id,
            status: 'active',
            availability: 'online',
            openAssignments: 0,
            permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
          }));
          const waiting: Waiting[] = Array.from({ length: n }, (_, i) => ({
            conversationId: `c${i}`,
            queuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          }));
          const plan = planDrain(
            { assignmentStrategy: 'round_robin', capacity: null, rrCursor: cursor },
            cands,
            waiting,
            n,
          );
          const counts = [...loadsAfter(cands, plan.steps).values()];
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('load balanced never gives to someone busier than an eligible colleague, and ties go round in turn', () => {
    fc.assert(
      fc.property(team, people, queue, limit, (rules, cands, waiting, max) => {
        const lb = { ...rules, assignmentStrategy: 'load_balanced' as const };
        const plan = planDrain(lb, cands, waiting, max);
        const loads = new Map(cands.map((c) => [c.id, c.openAssignments]));
        for (const step of plan.steps) {
          const eligible = cands.filter(
            (c) => ineligibility({ ...c, openAssignments: loads.get(c.id) ?? 0 }, lb.capacity) === undefined,
          );
          const fewest = Math.min(...eligible.map((c) => loads.get(c.id) ?? 0));
          expect(loads.get(step.assigneeId)).toBe(fewest);
          loads.set(step.assigneeId, (loads.get(step.assigneeId) ?? 0) + 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the oldest waits least: a conversation is never assigned while an older one is still waiting', () => {
    fc.assert(
      fc.property(team, people, queue, limit, limit, (rules, cands, waiting, first, second) => {
        // Two drains in a row (as two requests would): whatever the second takes is younger than all the first took.
        const one = planDrain(rules, cands, waiting, first);
        const after = cands.map((c) => ({ ...c, openAssignments: loadsAfter(cands, one.steps).get(c.id) ?? 0 }));
        const taken = new Set(one.steps.map((s) => s.conversationId));
        const rest = waiting.filter((w) => !taken.has(w.conversationId));
        const two = planDrain({ ...rules, rrCursor: one.cursor }, after, rest, second);
        const at = new Map(waiting.map((w) => [w.conversationId, w]));
        for (const a of one.steps)
          for (const b of two.steps)
            expect(queueOrder(at.get(a.conversationId) as Waiting, at.get(b.conversationId) as Waiting)).toBeLessThan(
              0,
            );
      }),
      { numRuns: 300 },
    );
  });

  it('every step’s decision names its pick and why each other candidate was passed over', () => {
    const cands: Candidate[] = [
      {
        id: 'ana',
        status: 'active',
        availability: 'online',
        openAssignments: 1,
        permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
      },
      {
        id: 'ben',
        status: 'active',
        availability: 'away',
        openAssignments: 0,
        permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
      },
      {
        id: 'cid',
        status: 'active',
        availability: 'online',
        openAssignments: 2,
        permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
      },
      {
        id: 'dan',
        status: 'suspended',
        availability: 'online',
        openAssignments: 0,
        permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
      },
    ];
    const plan = planDrain(
      { assignmentStrategy: 'load_balanced', capacity: 2, rrCursor: null },
      cands,
      [
        { conversationId: 'wa-1', queuedAt: '2026-01-01T00:00:00.000Z' },
        { conversationId: 'wa-2', queuedAt: '2026-01-01T00:00:01.000Z' },
      ],
      10,
    );
    expect(plan.steps).toHaveLength(1);
    expect(plan.blocked).toBe(true);
    expect(plan.steps[0]).toEqual({
      conversationId: 'wa-1',
      assigneeId: 'ana',
      decision: {
        strategy: 'load_balanced',
        capacity: 2,
        after: null,
        candidates: [
          { id: 'ana', load: 1 },
          { id: 'ben', load: 0, skipped: 'away' },
          { id: 'cid', load: 2, skipped: 'at-capacity' },
          { id: 'dan', load: 0, skipped: 'suspended' },
        ],
        picked: 'ana',
      },
    });
  });
});
