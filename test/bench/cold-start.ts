/**
 * Cold start (docs/architecture.md, bars): every function (routes, jobs, triggers) bundled as
 * the CDK bundles it; its size; and its module-init time — the import of the
 * bundle in a fresh Node process, as Lambda's init phase does — against a
 * baseline bundle that only constructs the SDK clients the function's `uses`
 * declares (for a function that uses none: the handler factory's own
 * libraries). Pairs of processes are interleaved; medians per function.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Uses } from '../../lib/http/routes.ts';
import * as routeTable from '../../lib/http/routes.ts';
import { assertSameBundling, type Bundle, bundleEntry, bundleSource, LAMBDA_NODE_OPTIONS } from './bundle.ts';
import { BENCH_DIR, REPO_ROOT } from './config.ts';
import { median, range, ratio, round, summarise } from './stats.ts';

/** The bar: init ≤ 1.5 × the clients-only baseline. */
export const COLD_START_BAR = 1.5;

export interface FunctionDef {
  id: string;
  entry: string;
  uses: Uses;
  kind: 'route' | 'job' | 'trigger' | 'custom resource';
}

type Client = 'dynamodb' | 'cognito' | 'ses';

export interface ColdStartFigure {
  bytes: number;
  initMs: number;
  baselineInitMs: number;
  ratio: number;
  pass: boolean;
  kind: FunctionDef['kind'];
  mapBytes: number;
  baselineBytes: number;
  /** The SDK clients the baseline constructs (from `uses`). */
  clients: Client[];
  /** What the baseline is: those clients, or — for a function that uses none — the handler factory's libraries. */
  baseline: 'clients' | 'factory';
  initIqrMs: [number, number];
  baselineIqrMs: [number, number];
  ratioRange: [number, number];
  /** The same in CPU time (user + system) of the import: robust to a busy machine. */
  initCpuMs: number;
  baselineCpuMs: number;
  cpuRatio: number;
  /** Median of the ratios of adjacent (same-moment) pairs. */
  pairedRatio: number;
  processes: number;
  /** Largest contributors to the bundle, by package. */
  largest: { name: string; bytes: number }[];
}

export interface ColdStartResult {
  figures: Record<string, ColdStartFigure>;
  /** Where the bundles are (the scale benchmark runs the expiry job's). */
  bundles: Map<string, Bundle>;
  /** What the libraries every handler shares cost on their own (median init, same processes, same options). */
  components: Record<string, { bytes: number; initMs: number; cpuMs: number }>;
  /** Functions whose entry did not bundle, with esbuild's first error line. */
  unbundled: Record<string, string>;
  nodeOptions: string[];
}

/**
 * Functions outside the tables: the `Tenant` construct's custom resource handler
 * (infra/constructs/tenant-provider.ts, with the platform create route's grants),
 * deployed with a stack's first Tenant. Skipped when its entry is gone.
 */
const EXTRA_FUNCTIONS = [
  { id: 'tenantResource', entry: 'functions/platform/tenant-resource.ts', usesOf: 'platformCreateTenant' },
  // The user routes' Lambda authorizer (a person's JWT or an API key): reads the table like a list route.
  { id: 'authorizeRequest', entry: 'functions/authorizer/authorize.ts', usesOf: 'listMembers' },
] as const;

/** Every function the stack deploys: ROUTES (twins share their row's), JOBS and TRIGGERS (when the table has them), and EXTRA_FUNCTIONS. */
export function allFunctions(): FunctionDef[] {
  const table = routeTable as unknown as Record<
    string,
    readonly { id: string; entry: string; uses: Uses; twinOf?: string }[] | undefined
  >;
  return [
    // A platform twin is served by its row's function: one bundle.
    ...(table.ROUTES ?? [])
      .filter((f) => !f.twinOf)
      .map((f) => ({ id: f.id, entry: f.entry, uses: f.uses, kind: 'route' as const })),
    ...(table.JOBS ?? []).map((f) => ({ id: f.id, entry: f.entry, uses: f.uses, kind: 'job' as const })),
    ...(table.TRIGGERS ?? []).map((f) => ({ id: f.id, entry: f.entry, uses: f.uses, kind: 'trigger' as const })),
    ...EXTRA_FUNCTIONS.filter((f) => existsSync(join(REPO_ROOT, f.entry))).map((f) => ({
      id: f.id,
      entry: f.entry,
      uses: (table.ROUTES ?? []).find((r) => r.id === f.usesOf)?.uses ?? {},
      kind: 'custom resource' as const,
    })),
  ];
}

export function clientsOf(uses: Uses): Client[] {
  return [
    ...(uses.table ? (['dynamodb'] as const) : []),
    ...(uses.identity?.length || uses.authFlows ? (['cognito'] as const) : []),
    ...(uses.mail ? (['ses'] as const) : []),
  ];
}

/**
 * The baseline of a function that uses no AWS service. Against an empty module (~1 ms) no handler is
 * comparable, so these are held to the handler factory's own libraries, loaded as lib/http/pipeline.ts
 * loads them: middy with the Powertools logger's middleware, the logger built, zod with one schema. What
 * such a function adds beyond them is Roster's: the pipeline, the route table, its own code.
 */
export const FACTORY_BASELINE = [
  "import { Logger } from '@aws-lambda-powertools/logger';",
  "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
  "import middy from '@middy/core';",
  "import * as z from 'zod';",
  "const logger = new Logger({ serviceName: 'roster' });",
  'const NoParams = z.object({}).strict();',
  'export const handler = middy()',
  '  .use(injectLambdaContext(logger, { resetKeys: true }))',
  '  .handler(async (event: { pathParameters?: unknown }) => NoParams.parse(event.pathParameters ?? {}));',
].join('\n');

/**
 * A module that constructs exactly these clients at init, as lib/aws/clients.ts builds them, and nothing
 * else — or, with no clients, {@link FACTORY_BASELINE}.
 */
export function baselineSource(clients: readonly Client[]): string {
  if (clients.length === 0) return FACTORY_BASELINE;
  const lines: string[] = [];
  const built: string[] = [];
  if (clients.includes('dynamodb')) {
    lines.push(
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    );
    built.push(
      'DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } })',
    );
  }
  if (clients.includes('cognito')) {
    lines.push("import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';");
    built.push('new CognitoIdentityProviderClient({})');
  }
  if (clients.includes('ses')) {
    lines.push("import { SESClient } from '@aws-sdk/client-ses';");
    built.push('new SESClient({})');
  }
  lines.push(`const clients = [${built.join(', ')}];`, 'export const handler = async () => clients.length;');
  return lines.join('\n');
}

/** What a Lambda container has in its environment, with placeholder values (nothing is called at init). */
function lambdaEnv(id: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: `roster-${id}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    TABLE_NAME: 'roster',
    USER_POOL_ID: 'us-east-1_bench',
    USER_POOL_CLIENT_ID: 'bench',
    MAIL_FROM: 'no-reply@roster.local',
    APP_URL: 'https://roster.example',
    INVITATION_TTL_SECONDS: '604800',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

const RUNNER = join(BENCH_DIR, 'runners', 'init.mjs');

/** The libraries every handler shares, each alone, to attribute init time beyond the SDK clients. */
const COMPONENTS: Record<string, string> = {
  empty: 'export const handler = async () => 0;',
  zod: "import * as z from 'zod';\nconst schema = z.object({ name: z.string() });\nexport const handler = async (e: unknown) => schema.safeParse(e).success;",
  // The named `z` export is a namespace object esbuild cannot shake: every locale comes with it.
  zodNamedImport:
    "import { z } from 'zod';\nconst schema = z.object({ name: z.string() });\nexport const handler = async (e: unknown) => schema.safeParse(e).success;",
  middy: "import middy from '@middy/core';\nexport const handler = middy().handler(async () => 0);",
  powertoolsLogger:
    "import { Logger } from '@aws-lambda-powertools/logger';\nconst logger = new Logger({ serviceName: 'roster' });\nexport const handler = async () => logger.info('x');",
};

interface Init {
  wall: number;
  cpu: number;
}

/** Module-init time of one bundle in a fresh node process (milliseconds). */
function initOnce(bundle: string, id: string): Promise<Init> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LAMBDA_NODE_OPTIONS, RUNNER, bundle], {
      env: lambdaEnv(id),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`cold start: ${id} init failed (${code}): ${err.slice(0, 400)}`));
      try {
        const { importMs, cpuMs } = JSON.parse(out) as { importMs: number; cpuMs: number };
        resolve({ wall: importMs, cpu: cpuMs });
      } catch {
        reject(new Error(`cold start: ${id} printed ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function coldStart(
  outDir: string,
  sizes: { processes: number; warmup: number },
  rounds: number,
): Promise<ColdStartResult> {
  const { processes, warmup } = sizes;
  await assertSameBundling();
  const bundles = new Map<string, Bundle>();
  const baselines = new Map<string, Bundle>();
  const unbundled: Record<string, string> = {};
  await Promise.all(
    allFunctions().map(async (fn) => {
      const dir = join(outDir, 'functions', fn.id);
      await mkdir(dir, { recursive: true });
      try {
        bundles.set(fn.id, await bundleEntry(fn.entry, dir));
      } catch (error) {
        unbundled[fn.id] = `${fn.entry}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      }
    }),
  );
  // A function that does not build is reported (and fails the run) without losing the others' figures.
  const functions = allFunctions().filter((fn) => bundles.has(fn.id));
  const clientSets = [...new Set(functions.map((fn) => clientsOf(fn.uses).join('+')))];
  await Promise.all(
    clientSets.map(async (set) => {
      const dir = join(outDir, 'baselines', set || 'none');
      await mkdir(dir, { recursive: true });
      baselines.set(set, await bundleSource(baselineSource(set ? (set.split('+') as Client[]) : []), dir));
    }),
  );

  const components = new Map<string, Bundle>();
  await Promise.all(
    Object.entries(COMPONENTS).map(async ([name, source]) => {
      const dir = join(outDir, 'components', name);
      await mkdir(dir, { recursive: true });
      components.set(name, await bundleSource(source, dir));
    }),
  );
  const componentInit = new Map<string, Init[]>([...components.keys()].map((name) => [name, []]));
  const init = new Map<string, Init[]>(functions.map((fn) => [fn.id, []]));
  const base = new Map<string, Init[]>(functions.map((fn) => [fn.id, []]));
  // Warm-up rounds (file cache), then `processes` measured pairs per function, interleaved.
  for (let r = -warmup; r < processes; r++) {
    for (const fn of functions) {
      const bundle = bundles.get(fn.id) as Bundle;
      const baseline = baselines.get(clientsOf(fn.uses).join('+')) as Bundle;
      const pair =
        (r + fn.id.length) % 2 === 0
          ? [await initOnce(bundle.file, fn.id), await initOnce(baseline.file, fn.id)]
          : [await initOnce(baseline.file, fn.id), await initOnce(bundle.file, fn.id)].reverse();
      if (r < 0) continue;
      init.get(fn.id)?.push(pair[0] as Init);
      base.get(fn.id)?.push(pair[1] as Init);
    }
    for (const [name, bundle] of components) {
      const measured = await initOnce(bundle.file, name);
      if (r >= 0) componentInit.get(name)?.push(measured);
    }
  }

  const figures: Record<string, ColdStartFigure> = {};
  for (const fn of functions) {
    const bundle = bundles.get(fn.id) as Bundle;
    const baseline = baselines.get(clientsOf(fn.uses).join('+')) as Bundle;
    const ownInit = (init.get(fn.id) as Init[]).map((x) => x.wall);
    const baseInit = (base.get(fn.id) as Init[]).map((x) => x.wall);
    const ownCpu = median((init.get(fn.id) as Init[]).map((x) => x.cpu));
    const baseCpu = median((base.get(fn.id) as Init[]).map((x) => x.cpu));
    const a = summarise(ownInit);
    const b = summarise(baseInit);
    const value = ratio(median(ownInit), median(baseInit));
    const blocks: number[] = [];
    const size = Math.max(1, Math.floor(ownInit.length / rounds));
    for (let s = 0; s + size <= ownInit.length && blocks.length < rounds; s += size) {
      blocks.push(ratio(median(ownInit.slice(s, s + size)), median(baseInit.slice(s, s + size))));
    }
    figures[fn.id] = {
      bytes: bundle.bytes,
      initMs: a.median,
      baselineInitMs: b.median,
      ratio: value,
      pass: value <= COLD_START_BAR,
      kind: fn.kind,
      mapBytes: bundle.mapBytes,
      baselineBytes: baseline.bytes,
      clients: clientsOf(fn.uses),
      baseline: clientsOf(fn.uses).length ? 'clients' : 'factory',
      initIqrMs: [a.p25, a.p75],
      baselineIqrMs: [b.p25, b.p75],
      ratioRange: range(blocks),
      initCpuMs: round(ownCpu),
      baselineCpuMs: round(baseCpu),
      cpuRatio: ratio(ownCpu, baseCpu),
      pairedRatio: round(median(ownInit.map((x, j) => x / (baseInit[j] as number)))),
      processes: a.n,
      largest: bundle.largest,
    };
  }
  const componentFigures = Object.fromEntries(
    [...components].map(([name, bundle]) => {
      const runs = componentInit.get(name) as Init[];
      return [
        name,
        {
          bytes: bundle.bytes,
          initMs: round(median(runs.map((x) => x.wall))),
          cpuMs: round(median(runs.map((x) => x.cpu))),
        },
      ];
    }),
  );
  return { figures, bundles, components: componentFigures, nodeOptions: LAMBDA_NODE_OPTIONS, unbundled };
}
