/**
 * Lambda bundles as the CDK builds them. `infra/constructs/functions.ts` keeps
 * its NodejsFunction `BUNDLING` options private (not exported), so they are
 * mirrored here as the esbuild options NodejsFunction derives from them
 * (aws-cdk-lib/aws-lambda-nodejs `buildEsbuildArgs`), and `assertSameBundling`
 * fails loudly when the infra source no longer says the same.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from './config.ts';

const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** `--bundle --platform=node` plus each BUNDLING option (format, target, minify, source map, banner, …). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: { js: BANNER },
  external: [],
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** RosterFunction sets this on every function (`environment.NODE_OPTIONS`). */
export const LAMBDA_NODE_OPTIONS = ['--enable-source-maps'];

/** The BUNDLING literals this file mirrors, as they read in infra/constructs/functions.ts. */
const MIRRORED: Record<string, string> = {
  forceDockerBundling: 'false',
  format: 'OutputFormat.ESM',
  target: "'node24'",
  minify: 'true',
  sourceMap: 'true',
  sourcesContent: 'false',
  mainFields: "['module', 'main']",
  banner: JSON.stringify(BANNER),
  externalModules: '[]',
  logLevel: 'LogLevel.WARNING',
};

/** Throws when `BUNDLING` in infra/constructs/functions.ts gained, lost or changed an option. */
export async function assertSameBundling(): Promise<void> {
  const source = await readFile(join(REPO_ROOT, 'infra', 'constructs', 'functions.ts'), 'utf8');
  const block = /const BUNDLING: BundlingOptions = \{([\s\S]*?)\n\};/.exec(source)?.[1];
  if (!block)
    throw new Error('cold start: BUNDLING not found in infra/constructs/functions.ts; update test/bench/bundle.ts');
  const options = new Map<string, string>();
  for (const line of block.split('\n')) {
    const match = /^\s*(\w+):\s*(.+?),?\s*$/.exec(line);
    if (match) options.set(match[1] as string, (match[2] as string).replace(/,$/, ''));
  }
  const drift = [
    ...[...options].filter(([key, value]) => MIRRORED[key] !== value).map(([key, value]) => `${key}: ${value}`),
    ...Object.keys(MIRRORED)
      .filter((key) => !options.has(key))
      .map((key) => `${key} (removed)`),
  ];
  if (drift.length) {
    throw new Error(
      `cold start: infra BUNDLING differs from the mirror in test/bench/bundle.ts (${drift.join('; ')}); update the mirror`,
    );
  }
}

export interface Bundle {
  file: string;
  bytes: number;
  mapBytes: number;
  /** The largest contributors to the bundle, by package (project code by top folder). */
  largest: { name: string; bytes: number }[];
}

/** Bundles a handler module (relative to the repository root) to `<outDir>/index.mjs`. */
export async function bundleEntry(entry: string, outDir: string): Promise<Bundle> {
  const outfile = join(outDir, 'index.mjs');
  const result = await build({
    ...ESBUILD_OPTIONS,
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    write: true,
    metafile: true,
  });
  return sizes(outfile, result.metafile?.outputs ?? {});
}

/** Bundles module source given as text, resolving packages from the repository root. */
export async function bundleSource(contents: string, outDir: string): Promise<Bundle> {
  const outfile = join(outDir, 'index.mjs');
  const result = await build({
    ...ESBUILD_OPTIONS,
    absWorkingDir: REPO_ROOT,
    stdin: { contents, resolveDir: REPO_ROOT, sourcefile: 'baseline.ts', loader: 'ts' },
    outfile,
    write: true,
    metafile: true,
  });
  return sizes(outfile, result.metafile?.outputs ?? {});
}

type Outputs = Record<string, { bytes: number; inputs?: Record<string, { bytesInOutput: number }> }>;

function sizes(outfile: string, outputs: Outputs): Bundle {
  const entries = Object.entries(outputs);
  const code = entries.find(([path]) => path.endsWith('index.mjs'))?.[1];
  const map = entries.find(([path]) => path.endsWith('index.mjs.map'))?.[1].bytes ?? 0;
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(code?.inputs ?? {})) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const largest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, bytes]) => ({ name, bytes }));
  return { file: outfile, bytes: code?.bytes ?? Number.NaN, mapBytes: map, largest };
}

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; project files → their top folder (`lib`, `functions`). */
function packageOf(path: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1] as string;
  return path.split('/')[0] ?? path;
}
