/**
 * The benchmark orchestrator: its own emulators on free ports and the local
 * gateway in this process, then each benchmark in turn (a failing one is
 * recorded and the others still run), then `results/latest.json` (the five
 * keys of issue 7 and issue 13's `assignment`), `results/latest.details.json` (everything behind the
 * figures) and the table in BENCHMARKS.md. Exit code 1 when a benchmark could
 * not run; missed bars are figures, reported, not failures.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchApi } from './api.ts';
import { assignmentBench } from './assignment.ts';
import { authorizerBench } from './authorizer.ts';
import { type Bundle, bundleEntry } from './bundle.ts';
import { coldStart } from './cold-start.ts';
import { BENCH_NAMES, type BenchName, benchConfig, REPO_ROOT } from './config.ts';
import { overhead } from './overhead.ts';
import { installRecorder } from './recorder.ts';
import { type Details, type Results, summaryLines, writeTable } from './report.ts';
import { roundTrips } from './round-trips.ts';
import { scale } from './scale.ts';
import { scimSync } from './scim-sync.ts';
import { seatRace } from './seat-race.ts';
import { startBenchStack } from './stack.ts';
import { round } from './stats.ts';
import { webhooksBench } from './webhooks.ts';

const log = (line: string) => console.log(`[bench] ${line}`);

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function main(): Promise<number> {
  const config = benchConfig();
  const started = performance.now();
  const results: Results = {
    roundTrips: null,
    overhead: null,
    coldStart: null,
    scale: null,
    seatRace: null,
    assignment: null,
    scimSync: null,
    authorizer: null,
    webhooks: null,
  };
  const details: Details = {
    meta: {
      date: new Date().toISOString(),
      commit: git('rev-parse', '--short', 'HEAD'),
      dirtyWorkingTree: git('status', '--porcelain', '--untracked-files=no') !== '',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageStart: loadavg().map((l) => round(l, 2)),
      loadAverageEnd: [],
      quick: config.quick,
      sizes: {
        overhead: config.overhead,
        coldStart: config.coldStart,
        scale: config.scale,
        seatRace: config.seatRace,
        assignment: config.assignment,
        scimSync: config.scimSync,
        authorizer: config.authorizer,
        webhooks: config.webhooks,
      },
      seconds: {},
      totalSeconds: 0,
    },
    errors: {},
    skipped: {},
  };
  log(`${config.quick ? 'quick' : 'full'} run: ${config.only.join(', ')} → ${config.outFile}`);

  const workDir = await mkdtemp(join(tmpdir(), 'roster-bench-'));
  const stack = await startBenchStack();
  log(`emulators ready in ${(stack.emulators.startupMs / 1000).toFixed(1)} s; gateway ${stack.gateway.url}`);
  const recorder = installRecorder();
  const api = benchApi(stack);
  const bundles = new Map<string, Bundle>();
  const bundleFor = async (id: string): Promise<Bundle> => {
    const cached = bundles.get(id);
    if (cached) return cached;
    const { allFunctions } = await import('./cold-start.ts');
    const fn = allFunctions().find((f) => f.id === id);
    if (!fn) throw new Error(`no function ${id}`);
    const dir = join(workDir, 'functions', id);
    await mkdir(dir, { recursive: true });
    const bundle = await bundleEntry(fn.entry, dir);
    bundles.set(id, bundle);
    return bundle;
  };

  async function step(name: BenchName, work: () => Promise<void>): Promise<void> {
    if (!config.only.includes(name)) {
      details.skipped[name] = 'not in BENCH_ONLY';
      return;
    }
    const t0 = performance.now();
    log(`${name}…`);
    try {
      await work();
    } catch (error) {
      details.errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`[bench] ${name} failed: ${details.errors[name]}`);
    }
    details.meta.seconds[name] = round((performance.now() - t0) / 1000, 1);
    log(`${name} done in ${details.meta.seconds[name]} s`);
  }

  try {
    await step('roundTrips', async () => {
      const out = await roundTrips(api, recorder);
      results.roundTrips = out.counts;
      details.roundTrips = out.checks;
    });
    await step('overhead', async () => {
      const out = await overhead(api, recorder, config.overhead);
      results.overhead = out.figures;
      details.overhead = { gatewayFloorMs: out.gatewayFloorMs, absent: out.absent };
    });
    await step('seatRace', async () => {
      const out = await seatRace(api, config.seatRace);
      results.seatRace = out.result;
      details.seatRace = out.details;
    });
    await step('assignment', async () => {
      const out = await assignmentBench(api, recorder, config.assignment);
      results.assignment = out.result;
      details.assignment = out.details;
    });
    await step('scimSync', async () => {
      const out = await scimSync(api, recorder, config.scimSync);
      results.scimSync = out.result;
      details.scimSync = out.details;
    });
    await step('authorizer', async () => {
      results.authorizer = await authorizerBench(api, stack, config.authorizer.rounds);
    });
    await step('webhooks', async () => {
      const out = await webhooksBench(api, stack.emulators.env, config.webhooks);
      results.webhooks = out.result;
      details.webhooks = out.details;
    });
    await step('coldStart', async () => {
      const out = await coldStart(workDir, config.coldStart, config.overhead.rounds);
      results.coldStart = out.figures;
      for (const [id, bundle] of out.bundles) bundles.set(id, bundle);
      details.coldStart = { nodeOptions: out.nodeOptions, architecture: process.arch, components: out.components };
      const unbundled = Object.entries(out.unbundled);
      if (unbundled.length) {
        throw new Error(`cold start: could not bundle ${unbundled.map(([id, why]) => `${id} (${why})`).join('; ')}`);
      }
    });
    await step('scale', async () => {
      const out = await scale(api, recorder, config.scale, bundleFor, stack.emulators.env);
      results.scale = out.result;
      details.scale = out.details;
    });
  } finally {
    await stack.stop();
    await rm(workDir, { recursive: true, force: true });
  }

  details.meta.loadAverageEnd = loadavg().map((l) => round(l, 2));
  details.meta.totalSeconds = round((performance.now() - started) / 1000, 1);
  await mkdir(dirname(config.outFile), { recursive: true });
  await writeFile(config.outFile, `${JSON.stringify(results, null, 2)}\n`);
  const detailsFile = config.outFile.replace(/\.json$/, '.details.json');
  await writeFile(detailsFile, `${JSON.stringify(details, null, 2)}\n`);
  log(`wrote ${config.outFile} and ${detailsFile}`);
  if (config.writeTable) {
    await writeTable(join(REPO_ROOT, 'BENCHMARKS.md'), results, details);
    log('regenerated the table in BENCHMARKS.md');
  }
  for (const line of summaryLines(results, details)) console.log(line);
  log(`total ${details.meta.totalSeconds} s`);
  const failed = BENCH_NAMES.filter((name) => details.errors[name]);
  return failed.length ? 1 : 0;
}
