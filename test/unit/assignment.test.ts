import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  eligibleCandidates,
  hasCapacity,
  hasConversationRights,
  ineligibility,
  normaliseTeamName,
  pickFromTeam,
  pickLoadBalanced,
  pickRoundRobin,
} from '../../lib/domain/assignment.ts';
import { BUILT_IN_ROLE_PERMISSIONS, type Permission } from '../../lib/domain/permissions.ts';

const agent = (id: string, overrides: Partial<Candidate> = {}): Candidate => ({
  id,
  status: 'active',
  availability: 'online',
  openAssignments: 0,
  permissions: BUILT_IN_ROLE_PERMISSIONS.agent,
  ...overrides,
});

/** Runs a team's strategy `n` times, as the store would: the pick's counter +1, the cursor moved. */
function simulate(
  team: { assignmentStrategy: 'round_robin' | 'load_balanced' | 'manual'; capacity: number | null },
  start: Candidate[],
  n: number,
) {
  const people = start.map((c) => ({ ...c }));
  let rrCursor: string | null = null;
  const got: Record<string, number> = Object.fromEntries(people.map((p) => [p.id, 0]));
  let queued = 0;
  for (let i = 0; i < n; i++) {
    const pick = pickFromTeam({ ...team, rrCursor }, people);
    if (pick.kind === 'queued') {
      queued += 1;
      continue;
    }
    const person = people.find((p) => p.id === pick.assigneeId) as Candidate;
    person.openAssignments += 1;
    got[person.id] = (got[person.id] ?? 0) + 1;
    rrCursor = person.id;
  }
  return { got, queued };
}

describe('round robin', () => {
  it('6 conversations over 3 online agents: 2 / 2 / 2', () => {
    const { got, queued } = simulate(
      { assignmentStrategy: 'round_robin', capacity: null },
      [agent('a'), agent('b'), agent('c')],
      6,
    );
    expect(got).toEqual({ a: 2, b: 2, c: 2 });
    expect(queued).toBe(0);
  });

  it('an away agent gets none; the others share evenly', () => {
    const { got } = simulate(
      { assignmentStrategy: 'round_robin', capacity: null },
      [agent('a'), agent('b', { availability: 'away' }), agent('c')],
      6,
    );
    expect(got).toEqual({ a: 3, b: 0, c: 3 });
  });

  it('picks the first id after the cursor, wrapping around; an unknown cursor still lands on the next id', () => {
    expect(pickRoundRobin(['c', 'a', 'b'], null)).toBe('a');
    expect(pickRoundRobin(['a', 'b', 'c'], 'a')).toBe('b');
    expect(pickRoundRobin(['a', 'b', 'c'], 'c')).toBe('a');
    expect(pickRoundRobin(['a', 'c'], 'b')).toBe('c');
    expect(pickRoundRobin([], 'a')).toBeUndefined();
  });

  it('over any team and any number of conversations, counts differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 8 }),
        fc.nat(50),
        (ids, n) => {
          const { got } = simulate(
            { assignmentStrategy: 'round_robin', capacity: null },
            ids.map((id) => agent(id)),
            n,
          );
          const counts = Object.values(got);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
        },
      ),
    );
  });
});

describe('load balanced', () => {
  it('picks the least loaded', () => {
    expect(
      pickLoadBalanced(
        [agent('a', { openAssignments: 3 }), agent('b', { openAssignments: 1 }), agent('c', { openAssignments: 2 })],
        null,
      ),
    ).toBe('b');
  });

  it('breaks ties fairly: in turn after the last pick, not always the same person', () => {
    const tied = [agent('a'), agent('b'), agent('c')];
    expect(pickLoadBalanced(tied, null)).toBe('a');
    expect(pickLoadBalanced(tied, 'a')).toBe('b');
    expect(pickLoadBalanced(tied, 'b')).toBe('c');
    expect(pickLoadBalanced(tied, 'c')).toBe('a');
  });

  it('evens out an uneven start: the light ones catch up first', () => {
    const { got } = simulate(
      { assignmentStrategy: 'load_balanced', capacity: null },
      [agent('a', { openAssignments: 4 }), agent('b'), agent('c', { openAssignments: 1 })],
      5,
    );
    expect(got).toEqual({ a: 0, b: 3, c: 2 });
  });
});

describe('capacity', () => {
  it('unlimited when null; otherwise strictly below', () => {
    expect(hasCapacity(1000, null)).toBe(true);
    expect(hasCapacity(1, 2)).toBe(true);
    expect(hasCapacity(2, 2)).toBe(false);
  });

  it('nobody below capacity: the conversation waits in the team queue', () => {
    for (const strategy of ['round_robin', 'load_balanced'] as const) {
      const { got, queued } = simulate({ assignmentStrategy: strategy, capacity: 2 }, [agent('a'), agent('b')], 6);
      expect(got).toEqual({ a: 2, b: 2 });
      expect(queued).toBe(2);
    }
  });

  it('everyone away or full: queued with the reason, and the decision says who was skipped for what', () => {
    expect(
      pickFromTeam({ assignmentStrategy: 'round_robin', capacity: 2 }, [
        agent('a', { availability: 'away' }),
        agent('b', { openAssignments: 2 }),
        agent('c', { status: 'suspended' }),
        agent('d', { permissions: ['contacts:view'] }),
      ]),
    ).toEqual({
      kind: 'queued',
      reason: 'nobody-available',
      decision: {
        strategy: 'round_robin',
        capacity: 2,
        after: null,
        candidates: [
          { id: 'a', load: 0, skipped: 'away' },
          { id: 'b', load: 2, skipped: 'at-capacity' },
          { id: 'c', load: 0, skipped: 'suspended' },
          { id: 'd', load: 0, skipped: 'no-conversation-rights' },
        ],
        picked: null,
      },
    });
  });

  it('manual: always the team queue', () => {
    expect(pickFromTeam({ assignmentStrategy: 'manual', capacity: null }, [agent('a')])).toMatchObject({
      kind: 'queued',
      reason: 'manual',
      decision: { strategy: 'manual', picked: null, candidates: [{ id: 'a', load: 0 }] },
    });
  });
});

describe('eligibility', () => {
  it('only active, online members with conversation rights below capacity', () => {
    expect(ineligibility(agent('a', { status: 'suspended' }), null)).toBe('suspended');
    expect(ineligibility(agent('a', { status: 'deactivated' }), null)).toBe('deactivated');
    expect(ineligibility(agent('a', { availability: 'away' }), null)).toBe('away');
    expect(ineligibility(agent('a', { permissions: ['contacts:view'] }), null)).toBe('no-conversation-rights');
    expect(ineligibility(agent('a', { openAssignments: 3 }), 3)).toBe('at-capacity');
    expect(ineligibility(agent('a'), 3)).toBeUndefined();
    expect(
      eligibleCandidates([agent('b'), agent('a'), agent('c', { availability: 'away' })], null).map((c) => c.id),
    ).toEqual(['a', 'b']);
  });

  it('conversation rights: reply or view_assigned (every built-in role has them)', () => {
    expect(hasConversationRights(['conversations:reply'])).toBe(true);
    expect(hasConversationRights(['conversations:view_assigned'])).toBe(true);
    expect(hasConversationRights(['conversations:view', 'contacts:view'] as Permission[])).toBe(false);
    for (const permissions of Object.values(BUILT_IN_ROLE_PERMISSIONS))
      expect(hasConversationRights(permissions)).toBe(true);
  });

  it('team names compare case- and space-insensitively', () => {
    expect(normaliseTeamName('  Tier  1 Support ')).toBe(normaliseTeamName('tier 1 support'));
  });
});
