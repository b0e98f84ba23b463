/**
 * Cursors: only a position this very query could have produced is accepted;
 * anything else is a 400 before DynamoDB sees it (whose ValidationException
 * for a bad ExclusiveStartKey would be a 500).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../lib/domain/errors.ts';
import { decodeCursor, encodeCursor, filteredScope, type ResumeBounds } from '../../lib/store/cursor.ts';

const members: ResumeBounds = {
  attributes: ['pk', 'sk'],
  partition: { attribute: 'pk', value: 'TENANT#t1' },
  sort: { attribute: 'sk', prefix: 'MEMBER#' },
};
const audit: ResumeBounds = {
  attributes: ['pk', 'sk'],
  partition: { attribute: 'pk', value: 'TENANT#t1#AUDIT' },
  sort: { attribute: 'sk', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z#' },
};
const teamsIndex: ResumeBounds = {
  attributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  partition: { attribute: 'gsi2pk', value: 'TEAMS#t1' },
};

const cursor = (scope: string, k: unknown) =>
  Buffer.from(JSON.stringify({ s: scope, k }), 'utf8').toString('base64url');

function refused(scope: string, value: string, bounds: ResumeBounds): boolean {
  try {
    decodeCursor(scope, value, bounds);
    return false;
  } catch (error) {
    return isDomainError(error) && error.code === 'validation-failed';
  }
}

describe('decodeCursor', () => {
  it('accepts what encodeCursor made for the same query', () => {
    const key = { pk: 'TENANT#t1', sk: 'MEMBER#u-1' };
    expect(decodeCursor('MEMBERS#t1', encodeCursor('MEMBERS#t1', key) as string, members)).toEqual(key);
    const team = { pk: 'TENANT#t1', sk: 'TEAM#x', gsi2pk: 'TEAMS#t1', gsi2sk: 'support#x' };
    expect(decodeCursor('TEAMS#t1', encodeCursor('TEAMS#t1', team) as string, teamsIndex)).toEqual(team);
    expect(decodeCursor('MEMBERS#t1', undefined, members)).toBeUndefined();
  });

  it('refuses another scope or partition', () => {
    expect(refused('MEMBERS#t1', cursor('MEMBERS#t2', { pk: 'TENANT#t2', sk: 'MEMBER#u' }), members)).toBe(true);
    expect(refused('MEMBERS#t1', cursor('MEMBERS#t1', { pk: 'TENANT#t2', sk: 'MEMBER#u' }), members)).toBe(true);
  });

  it('refuses a key without exactly the attributes of the query (a crafted key DynamoDB would reject)', () => {
    expect(refused('MEMBERS#t1', cursor('MEMBERS#t1', { pk: 'TENANT#t1' }), members)).toBe(true);
    const extra = { pk: 'TENANT#t1', sk: 'MEMBER#u', gsi1pk: 'x' };
    expect(refused('MEMBERS#t1', cursor('MEMBERS#t1', extra), members)).toBe(true);
    const noTableSort = { pk: 'TENANT#t1', gsi2pk: 'TEAMS#t1', gsi2sk: 'a#x' };
    expect(refused('TEAMS#t1', cursor('TEAMS#t1', noTableSort), teamsIndex)).toBe(true);
  });

  it('refuses empty, oversized, non-string and unencodable values', () => {
    for (const sk of ['', `MEMBER#${'é'.repeat(600)}`, 7, null, 'MEMBER#\ud800']) {
      expect(refused('MEMBERS#t1', cursor('MEMBERS#t1', { pk: 'TENANT#t1', sk }), members), String(sk)).toBe(true);
    }
  });

  it('refuses a position outside the sort key condition (prefix, time window)', () => {
    expect(refused('MEMBERS#t1', cursor('MEMBERS#t1', { pk: 'TENANT#t1', sk: 'ROLE#r' }), members)).toBe(true);
    const inside = { pk: 'TENANT#t1#AUDIT', sk: '2026-01-15T00:00:00.000Z#01J' };
    expect(decodeCursor('AUDIT#t1', cursor('AUDIT#t1', inside), audit)).toEqual(inside);
    for (const sk of ['2025-12-31T23:59:59.999Z#01J', '2026-02-01T00:00:00.000Z#01J', '~']) {
      expect(refused('AUDIT#t1', cursor('AUDIT#t1', { ...inside, sk }), audit), sk).toBe(true);
    }
  });

  it('refuses garbage, whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (garbage) => {
        expect(refused('MEMBERS#t1', garbage, members)).toBe(true);
      }),
    );
  });
});

describe('filteredScope: a cursor belongs to its filters', () => {
  it('is the plain scope without filters, and the same scope for the same filters in any order', () => {
    expect(filteredScope('MEMBERS#t1', {})).toBe('MEMBERS#t1');
    expect(filteredScope('MEMBERS#t1', { status: undefined, q: '' })).toBe('MEMBERS#t1');
    expect(filteredScope('MEMBERS#t1', { status: 'active', role: 'agent' })).toBe(
      filteredScope('MEMBERS#t1', { role: 'agent', status: 'active' }),
    );
  });

  it('property: other filters give another scope, so the cursor is refused with them', () => {
    const filter = fc.record(
      { status: fc.constantFrom('active', 'invited'), role: fc.constantFrom('agent', 'admin'), q: fc.string() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(filter, filter, (a, b) => {
        const same =
          JSON.stringify(
            Object.entries(a)
              .filter(([, v]) => v)
              .sort(),
          ) ===
          JSON.stringify(
            Object.entries(b)
              .filter(([, v]) => v)
              .sort(),
          );
        const cursor = encodeCursor(filteredScope('MEMBERS#t1', a), { pk: 'TENANT#t1', sk: 'MEMBER#u1' }) as string;
        const reuse = () => decodeCursor(filteredScope('MEMBERS#t1', b), cursor, members);
        if (same) expect(reuse()).toEqual({ pk: 'TENANT#t1', sk: 'MEMBER#u1' });
        else expect(reuse).toThrow(/not valid for this list/);
      }),
    );
  });
});
