/**
 * The word index of a tenant's members (lib/domain/search.ts): one item per
 * word of a member's name and email, `TENANT#t` / `WORD#<word>#<memberId>`,
 * so "any word starts with …" is one key range of the tenant's partition.
 *
 * Never stale: every write that creates a member, changes its name or email,
 * or deletes it adds `wordWrites(current, next)` to its own transaction — the
 * words that went are deleted, the ones that came are put, all or nothing
 * with the member item. A member adds at most `MAX_WORDS` puts and as many
 * deletes, far inside the 100 items of one transaction.
 */

import type { MemberRecord } from '../domain/records.ts';
import { memberWords } from '../domain/search.ts';
import { keys } from './keys.ts';
import { put, remove, type TxItem } from './transact.ts';

type Named = Pick<MemberRecord, 'tenantId' | 'id' | 'name' | 'email'>;

/** Every word of the member, each prefixed by a space: what the other words of a search are matched against. */
export const wordText = (words: readonly string[]) => words.map((w) => ` ${w}`).join('');

function wordItem(member: Named, word: string, words: readonly string[]) {
  return {
    ...keys.memberWord(member.tenantId, word, member.id),
    entity: 'memberWord',
    tenantId: member.tenantId,
    memberId: member.id,
    word,
    text: wordText(words),
  };
}

/** The word items a member change adds to its transaction (none when neither name nor email changed). */
export function wordWrites(current: Named | undefined, next: Named | undefined): TxItem[] {
  if (current && next && current.name === next.name && current.email === next.email) return [];
  const before = current ? memberWords(current.name, current.email) : [];
  const after = next ? memberWords(next.name, next.email) : [];
  const unchanged = before.length === after.length && before.every((w, i) => w === after[i]);
  if (unchanged) return [];
  const kept = new Set(after);
  const gone = current ? before.filter((w) => !kept.has(w)) : [];
  return [
    ...gone.map((word) => remove({ Key: keys.memberWord(current!.tenantId, word, current!.id) })),
    // Every word of `next` is (re)written: each carries the member's whole word list.
    ...(next ? after.map((word) => put({ Item: wordItem(next, word, after) })) : []),
  ];
}
