/** Names that look alike claim one key (lib/domain/names.ts): NFKC, full case folding, invisible characters and spacing ignored. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseTeamName } from '../../lib/domain/assignment.ts';
import { normaliseName } from '../../lib/domain/names.ts';
import { normaliseRoleName } from '../../lib/domain/roles.ts';
import { keys } from '../../lib/store/keys.ts';

describe('normaliseName', () => {
  it('folds case, full-width forms, invisible characters and spacing into one key', () => {
    const key = normaliseName('Support');
    expect(key).toBe('support');
    for (const lookalike of [
      'SUPPORT',
      'ｓｕｐｐｏｒｔ', // full-width
      'ＳＵＰＰＯＲＴ',
      'Sup\u00ADport', // soft hyphen
      'Support\u200B', // zero-width space
      '\u200DSup\u2060port\uFEFF', // zero-width joiner, word joiner, BOM
      '  Support\u00A0', // no-break space, trimmed
      'Su\uFE00pport', // variation selector
    ]) {
      expect(normaliseName(lookalike), JSON.stringify(lookalike)).toBe(key);
    }
  });

  it('folds case fully (ß ≡ ss, ς ≡ σ), ligatures and compatibility forms', () => {
    expect(normaliseName('Straße')).toBe(normaliseName('STRASSE'));
    expect(normaliseName('ΟΔΟΣ')).toBe(normaliseName('οδος'));
    expect(normaliseName('οδοσ')).toBe(normaliseName('οδος')); // final ς and σ are one letter
    expect(normaliseName('ﬁnance')).toBe('finance');
    expect(normaliseName('Tier ² support')).toBe('tier 2 support');
    expect(normaliseName('Ｔｉｅｒ　１')).toBe('tier 1'); // ideographic space
  });

  it('collapses and trims white space, keeping words apart', () => {
    expect(normaliseName('  Tier \t 1\n Support ')).toBe('tier 1 support');
    expect(normaliseName('Tier 1')).not.toBe(normaliseName('Tier1'));
  });

  it('keeps different letters different (a Cyrillic а is not a Latin a; é is not e)', () => {
    expect(normaliseName('Sаles')).not.toBe(normaliseName('Sales'));
    expect(normaliseName('Café')).not.toBe(normaliseName('Cafe'));
    // …but the composed and decomposed é are one letter.
    expect(normaliseName('Cafe\u0301')).toBe(normaliseName('Café'));
  });

  it('is idempotent and case-insensitive for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const key = normaliseName(name);
        expect(normaliseName(key)).toBe(key);
        expect(normaliseName(name.toUpperCase())).toBe(key);
      }),
    );
  });

  it('is the key of team and role name claims', () => {
    expect(normaliseTeamName('ｓｕｐｐｏｒｔ')).toBe(normaliseName('Support'));
    expect(normaliseRoleName('STRASSE')).toBe(normaliseName('Straße'));
    expect(normaliseName('STRAẞE')).toBe(normaliseName('strasse'));
    expect(keys.teamName('t1', 'ｓｕｐｐｏｒｔ')).toEqual(keys.teamName('t1', 'SUPPORT'));
    expect(keys.roleName('t1', 'Ａｕｄｉｔｏｒ')).toEqual(keys.roleName('t1', 'auditor'));
  });
});
