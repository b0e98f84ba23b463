/**
 * Content negotiation (RFC 9110 §12.5.1) for the few routes that speak more
 * than JSON: the offered media type the `Accept` header rates highest, the
 * most specific matching range deciding each one's weight; ties and a
 * missing or unmatched header go to the first offered.
 */
interface Range {
  type: string;
  subtype: string;
  q: number;
}

function ranges(accept: string): Range[] {
  return accept.split(',').flatMap((part) => {
    const [media = '', ...params] = part.trim().split(';');
    const [type, subtype] = media.trim().toLowerCase().split('/');
    if (!type || !subtype) return [];
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return Number.isFinite(q) ? [{ type, subtype, q: Math.min(Math.max(q, 0), 1) }] : [];
  });
}

/** How specific a range is for `media`: 3 exact, 2 `type/*`, 1 `*\/*`, 0 no match. */
function specificity(range: Range, media: string): number {
  const [type, subtype] = media.split('/');
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === '*') return 2;
  return range.type === '*' && range.subtype === '*' ? 1 : 0;
}

export function preferredMedia<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  if (!accept?.trim()) return offered[0];
  const parsed = ranges(accept);
  let best = offered[0];
  let bestQ = -1;
  for (const media of offered) {
    let q = 0;
    let most = 0;
    for (const range of parsed) {
      const s = specificity(range, media);
      if (s > most) {
        most = s;
        q = range.q;
      }
    }
    if (most > 0 && q > bestQ) {
      best = media;
      bestQ = q;
    }
  }
  return bestQ > 0 ? best : offered[0];
}
