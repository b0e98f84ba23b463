/**
 * What every emulator of the local stack shares: the host they listen on,
 * the region and credentials the SDK uses with them, and running one as a
 * child process — in its own process group, its last output kept for error
 * messages, awaited until it answers HTTP, stopped with its whole group, and
 * killed by a watchdog should this process die without stopping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const HOST = '127.0.0.1';
export const REGION = 'us-east-1';
/** DynamoDB Local 2.x accepts only letters and digits in credentials. */
export const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const READY_TIMEOUT_MS = 60_000;

export type EmulatorName = 'dynamodb' | 'cognito' | 'ses' | 'lambda';

/** The variable that overrides each emulator's port (named in port errors). */
export const PORT_VARIABLES: Record<EmulatorName, string> = {
  dynamodb: 'DYNAMODB_PORT',
  cognito: 'COGNITO_PORT',
  ses: 'SES_PORT',
  lambda: 'LAMBDA_PORT',
};

export const LABELS: Record<EmulatorName, string> = {
  dynamodb: 'DynamoDB Local',
  cognito: 'cognito-local',
  ses: 'aws-ses-v2-local',
  lambda: 'the local Lambda service',
};

/** A failure with one sentence meant for a person (missing Java, a taken port); print it without a stack. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}

export interface Child {
  name: EmulatorName;
  proc: ChildProcess;
  tail: string[];
  exited: Promise<void>;
  done: boolean;
}

const require_ = createRequire(import.meta.url);

/** Resolves modules and package directories from the repository's node_modules. */
export const resolveModule = (specifier: string): string => require_.resolve(specifier);

export function packageDir(name: string): string {
  return dirname(require_.resolve(`${name}/package.json`));
}

/** A port nothing listens on right now (a race with other processes is possible; callers retry on "in use"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function portTaken(name: EmulatorName, port: number): LocalStackError {
  return portInUse(port, LABELS[name], PORT_VARIABLES[name]);
}

export function portInUse(port: number, label: string, variable: string): LocalStackError {
  return new LocalStackError(
    `Port ${port} for ${label} is already in use: stop whatever uses it or set ${variable} to a free port.`,
  );
}

/**
 * Fails with one sentence naming the port and its variable when `port` is taken.
 * `host` undefined probes every interface.
 */
export function assertPortFree(port: number, label: string, variable: string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? portInUse(port, label, variable)
          : new LocalStackError(`Cannot use port ${port} for ${label} (${error.code ?? error.message}).`),
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function launch(
  name: EmulatorName,
  command: string,
  args: string[],
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  // detached: its own process group, so stop() reaches grandchildren and a
  // terminal's Ctrl-C reaches only us (we stop the children in order).
  const proc = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, proc, tail: [], exited: Promise.resolve(), done: false };
  child.exited = new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.once('error', (error) => {
      child.tail.push(String(error));
      resolve();
    });
  }).then(() => {
    child.done = true;
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      child.tail.push(line);
      if (child.tail.length > 40) child.tail.shift();
      onLog?.(name, line);
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  return child;
}

/**
 * A tiny shell loop that kills the emulators' process groups if this process
 * dies without calling stop() (SIGKILL, a crashed test runner).
 */
export function startWatchdog(children: Child[]): ChildProcess {
  const groups = children.map((c) => c.proc.pid).filter((pid): pid is number => pid !== undefined);
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${groups.map((g) => `-${g}`).join(' ')} 2>/dev/null; sleep 5; kill -KILL ${groups.map((g) => `-${g}`).join(' ')} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

export async function waitReady(child: Child, url: string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.done) {
      const output = child.tail.join('\n');
      if (/EADDRINUSE|Address already in use|BindException/i.test(output)) throw portTaken(child.name, port);
      throw new LocalStackError(
        `${LABELS[child.name]} exited during startup (code ${child.proc.exitCode ?? child.proc.signalCode}); its last output:\n${output}`,
      );
    }
    try {
      // Any HTTP answer means it is listening (DynamoDB Local answers 400 to a bare GET).
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await delay(50);
    }
  }
  throw new LocalStackError(`${LABELS[child.name]} did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s.`);
}

export async function killChild(child: Child): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || child.done) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await child.exited;
  clearTimeout(timer);
  // Anything else left in its group (it had none of its own, but be sure).
  signalGroup('SIGKILL');
}
