/**
 * Benchmark sizes, from the environment. Defaults are the sizes of issue 7 /
 * docs/architecture.md; `BENCH_QUICK=1` shrinks everything for a smoke run (results go to
 * `results/quick.json` and BENCHMARKS.md is left alone). Any size can be set
 * on its own, e.g. `BENCH_SCALE_MEMBERS=2000 npm run bench`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_NAMES = [
  'roundTrips',
  'overhead',
  'coldStart',
  'scale',
  'seatRace',
  'assignment',
  'scimSync',
  'authorizer',
  'webhooks',
] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = join(BENCH_DIR, '..', '..');

function size(name: string, full: number, quick: number, isQuick: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return isQuick ? quick : full;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not "${raw}".`);
  return value;
}

export interface BenchConfig {
  quick: boolean;
  /** Benchmarks to run (`BENCH_ONLY=overhead,scale`); the others are recorded as skipped. */
  only: readonly BenchName[];
  /** Where the JSON goes; BENCHMARKS.md is regenerated only for the default full run (or BENCH_TABLE=1). */
  outFile: string;
  writeTable: boolean;
  overhead: { iterations: number; warmup: number; rounds: number };
  /** Fresh processes per function (and as many for its baseline), after `warmup` unmeasured rounds. */
  coldStart: { processes: number; warmup: number };
  scale: {
    members: number;
    small: number;
    iterations: number;
    expiry: number;
    assignments: number;
  };
  seatRace: { attempts: number; free: number };
  /** A sequential SCIM initial sync: users (look-up then create each) and groups filled with them. */
  scimSync: { users: number; groups: number };
  /** Conversations through a team of agents with a per-agent capacity; arrivals vs resolves once the team is full. */
  assignment: { conversations: number; agents: number; capacity: number; concurrency: number; arrivalShare: number };
  /** Samples of each authorizer figure (lib/http/authorizer.ts). */
  authorizer: { rounds: number };
  /** Issue 21: changes timed without and with subscribers, a burst for deliveries per second, endpoints per tenant. */
  webhooks: { changes: number; burst: number; endpoints: number };
}

export function benchConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const onlyRaw = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = onlyRaw?.filter((n) => !(BENCH_NAMES as readonly string[]).includes(n)) ?? [];
  if (unknown.length) throw new Error(`BENCH_ONLY names unknown benchmarks: ${unknown.join(', ')}.`);
  const only = (onlyRaw?.length ? onlyRaw : BENCH_NAMES) as BenchName[];
  const partial = only.length !== BENCH_NAMES.length;
  const outFile =
    process.env.BENCH_OUT ??
    join(BENCH_DIR, 'results', quick ? 'quick.json' : partial ? 'partial.json' : 'latest.json');
  return {
    quick,
    only,
    outFile,
    writeTable: process.env.BENCH_TABLE === '1' || (!quick && !partial && process.env.BENCH_OUT === undefined),
    overhead: {
      iterations: size('BENCH_OVERHEAD_ITERATIONS', 150, 10, quick),
      warmup: size('BENCH_OVERHEAD_WARMUP', 15, 2, quick),
      rounds: size('BENCH_ROUNDS', 5, 2, quick),
    },
    coldStart: {
      processes: size('BENCH_INIT_PROCESSES', 12, 2, quick),
      warmup: size('BENCH_INIT_WARMUP', 1, 0, quick),
    },
    scale: {
      members: size('BENCH_SCALE_MEMBERS', 10_000, 500, quick),
      small: size('BENCH_SCALE_SMALL', 10, 10, quick),
      iterations: size('BENCH_LIST_ITERATIONS', 40, 8, quick),
      expiry: size('BENCH_EXPIRY_INVITATIONS', 10_000, 300, quick),
      assignments: size('BENCH_DEACTIVATE_ASSIGNMENTS', 5_000, 200, quick),
    },
    scimSync: {
      users: size('BENCH_SCIM_USERS', 1_000, 50, quick),
      groups: size('BENCH_SCIM_GROUPS', 50, 5, quick),
    },
    seatRace: {
      attempts: size('BENCH_RACE_ATTEMPTS', 100, 30, quick),
      free: size('BENCH_RACE_FREE', 5, 5, quick),
    },
    webhooks: {
      changes: size('BENCH_WEBHOOK_CHANGES', 40, 8, quick),
      burst: size('BENCH_WEBHOOK_BURST', 60, 10, quick),
      endpoints: 5,
    },
    assignment: {
      conversations: size('BENCH_ASSIGN_CONVERSATIONS', 1_000, 150, quick),
      agents: size('BENCH_ASSIGN_AGENTS', 50, 10, quick),
      capacity: size('BENCH_ASSIGN_CAPACITY', 5, 3, quick),
      concurrency: size('BENCH_ASSIGN_CONCURRENCY', 8, 4, quick),
      arrivalShare: 0.55,
    },
    authorizer: { rounds: size('BENCH_AUTHORIZER_ROUNDS', 200, 20, quick) },
  };
}
