/**
 * Builds web/ (Vite) when web/dist is missing or older than its sources, so a
 * fresh clone's `npm start` and `npm test` serve the console without a
 * separate step. Staleness is a hash of every source file, kept beside the
 * build; `npm run build` always builds.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
export const WEB_DIST = join(WEB, 'dist');
const HASH_FILE = join(WEB_DIST, '.source-hash');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'];
// (vite.config.ts is a source: a build configuration change rebuilds too.)

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** The hash of everything the build reads from web/ (tests excluded). */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((s) => files(join(WEB, s)))) {
    if (/\.test\.tsx?$/.test(file)) continue;
    hash.update(relative(WEB, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function webIsBuilt(): boolean {
  return (
    existsSync(join(WEB_DIST, 'index.html')) &&
    existsSync(HASH_FILE) &&
    readFileSync(HASH_FILE, 'utf8') === sourceHash()
  );
}

/** Builds unless the build is current; resolves to whether it built. */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (webIsBuilt()) return false;
  log('Building the console (web/)…');
  const started = performance.now();
  await viteBuild();
  writeFileSync(HASH_FILE, sourceHash());
  log(`Console built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

/**
 * `vite build` in a child process with NODE_ENV=production: under vitest
 * (NODE_ENV=test) an in-process build would ship React's development build.
 */
function viteBuild(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'],
      {
        cwd: WEB,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}
