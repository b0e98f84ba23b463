/**
 * What makes two names the same name (team and custom role names, unique per
 * tenant through their `TEAM_NAME#` / `ROLE_NAME#` claims): the key a name
 * is claimed under. Names that look alike to a person claim one key, so
 * `Support`, `ｓｕｐｐｏｒｔ` (full-width), `SUPPORT`, `Sup\u00ADport` (a soft
 * hyphen) and `Support\u200B` (a zero-width space) are one name.
 *
 * The key is Unicode's NFKC_Casefold, as far as JavaScript reaches it:
 * compatibility forms folded (NFKC: full-width letters, ligatures,
 * super/subscripts), default-ignorable code points removed (zero-width
 * spaces and joiners, soft hyphens, variation selectors, bidi controls),
 * full case folding (`ß` ≡ `ss`, final `ς` ≡ `σ`, `ﬁ` ≡ `fi`), then NFKC again
 * (case mapping can denormalise), and white space trimmed and collapsed to
 * one space. Confusables across scripts (a Cyrillic `а` for a Latin `a`)
 * stay distinct: they are different letters in a language someone writes.
 */

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Full case folding: upper then lower maps `ß` → `SS` → `ss` and `ς` → `Σ` → `σ`, as simple lower-casing does not.
 * Repeated until nothing changes: the capital sharp s `ẞ` upper-cases to itself and lower-cases to `ß`, which
 * needs a second round to reach `ss` (the property test found it).
 */
function fold(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round += 1) {
    const next = current.toUpperCase().toLowerCase();
    if (next === current) break;
    current = next;
  }
  return current;
}

export function normaliseName(name: string): string {
  const folded = fold(name.normalize('NFKC').replace(IGNORABLE, '')).normalize('NFKC').replace(IGNORABLE, '');
  return folded.trim().replace(/\s+/g, ' ');
}
