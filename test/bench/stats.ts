/** Small statistics for noisy samples: medians with their spread, and ratios of medians. */

export interface Summary {
  n: number;
  median: number;
  /** Interquartile range: the middle half of the samples. */
  p25: number;
  p75: number;
  min: number;
  max: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

export function median(samples: readonly number[]): number {
  return quantile(
    [...samples].sort((a, b) => a - b),
    0.5,
  );
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5)),
    p25: round(quantile(sorted, 0.25)),
    p75: round(quantile(sorted, 0.75)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Rounds to `digits` decimals (3 by default): figures, not float noise. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? round(numerator / denominator) : Number.NaN;
}

/**
 * Splits paired samples into `rounds` consecutive blocks and returns the ratio
 * of medians of each block: the spread of the ratio across the run.
 */
export function ratioRounds(a: readonly number[], b: readonly number[], rounds: number): number[] {
  const size = Math.max(1, Math.floor(Math.min(a.length, b.length) / rounds));
  const out: number[] = [];
  for (let start = 0; start + size <= Math.min(a.length, b.length); start += size) {
    out.push(ratio(median(a.slice(start, start + size)), median(b.slice(start, start + size))));
    if (out.length === rounds) break;
  }
  return out;
}

/** `[min, max]` of a list, for reporting a spread. */
export function range(values: readonly number[]): [number, number] {
  return [round(Math.min(...values)), round(Math.max(...values))];
}

export const ms = (started: number) => performance.now() - started;
