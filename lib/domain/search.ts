/**
 * Finding people by any word of their name or address (issue 18 item 12).
 * A member's words are its name and its email split into words — at
 * whitespace, `@ . - _ +` and any other character that is not a letter or a
 * digit — NFKC-normalised and case-folded, so "Ann Agent <ann.agent@x.io>"
 * is found by "agent", "ann", "x" or "io". The word index (lib/store/words.ts)
 * holds one item per word, written in the member's own transactions.
 */

/** Words indexed per member: a name has few words; this bounds what one member adds to a transaction. */
export const MAX_WORDS = 12;

/** A word longer than this is indexed (and matched) by its first characters. */
export const MAX_WORD_LENGTH = 64;

/** NFKC + case fold: "Ａｇｅｎｔ", "AGENT" and "agent" are one word. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC');
}

function split(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((word) => word !== '')
    .map((word) => [...word].slice(0, MAX_WORD_LENGTH).join(''));
}

/** A member's indexed words: distinct, the name's first, at most `MAX_WORDS`. */
export function memberWords(name: string, email: string): string[] {
  return [...new Set([...split(name), ...split(email)])].slice(0, MAX_WORDS);
}

/** The words of a search: each must start a word of the member (the longest one is looked up in the index). */
export function queryWords(q: string): string[] {
  return [...new Set(split(q))].slice(0, MAX_WORDS);
}

/** The name as the users list orders it by default. */
export function nameOrderKey(name: string): string {
  return [...foldText(name).trim()].slice(0, 200).join('');
}
