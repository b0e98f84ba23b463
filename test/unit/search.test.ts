import { describe, expect, it } from 'vitest';
import { MAX_WORDS, memberWords, nameOrderKey, queryWords } from '../../lib/domain/search.ts';

describe('the words a person is found by (issue 18 item 12)', () => {
  it('splits the name at spaces and the address at @ . - _ +', () => {
    expect(memberWords('Ann Agent', 'ann.agent-x_y+tag@Example.co.uk')).toEqual([
      'ann',
      'agent',
      'x',
      'y',
      'tag',
      'example',
      'co',
      'uk',
    ]);
  });

  it('folds case and compatibility forms (NFKC), so full-width and upper case are one word', () => {
    expect(memberWords('ＡＮＮ Ägent', 'a@b.c')).toEqual(['ann', 'ägent', 'a', 'b', 'c']);
    expect(queryWords('  AGENT ')).toEqual(['agent']);
    expect(queryWords('Ａｇｅｎｔ')).toEqual(['agent']);
  });

  it('caps the words one member adds to a transaction', () => {
    const name = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    expect(memberWords(name, 'x@y.z')).toHaveLength(MAX_WORDS);
  });

  it('a query of punctuation only has no words', () => {
    expect(queryWords('@.-_+')).toEqual([]);
  });

  it('orders names case-insensitively', () => {
    expect(nameOrderKey('ann Zed') < nameOrderKey('Bob')).toBe(true);
  });
});
