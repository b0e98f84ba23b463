/**
 * vitest globalSetup for the integration and e2e projects: starts the real
 * emulators once on free ports, even when both projects call it (a refcounted
 * singleton on globalThis, since each project may load this module anew), and
 * provides their env to the workers. The last teardown stops them.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { type LocalEmulators, LocalStackError, startEmulators } from '../../infra/local/emulators.ts';
import type { LocalStackInfo } from './local-stack.ts';

interface Shared {
  users: number;
  ready: Promise<{ emulators: LocalEmulators; info: LocalStackInfo }>;
}

const KEY = Symbol.for('roster.test.localStack');
const registry = globalThis as { [KEY]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  registry[KEY] ??= { users: 0, ready: start() };
  const shared = registry[KEY];
  shared.users += 1;
  const release = async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[KEY];
    await (await shared.ready.catch(() => undefined))?.emulators.stop();
  };
  try {
    project.provide('localStack', (await shared.ready).info);
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

async function start(): Promise<{ emulators: LocalEmulators; info: LocalStackInfo }> {
  const emulators = await startOnFreePorts().catch(startOnFreePorts);
  console.log(`[local stack] emulators ready in ${(emulators.startupMs / 1000).toFixed(1)} s`);
  const { env, urls, cognito, cognitoDir } = emulators;
  return { emulators, info: { env, urls, cognito, cognitoDir, platformKey: randomBytes(24).toString('base64url') } };
}

/** Free ports can be taken between the probe and the bind: one retry covers that race. */
async function startOnFreePorts(previous?: unknown): Promise<LocalEmulators> {
  if (previous !== undefined && !(previous instanceof LocalStackError && /in use/.test(previous.message))) {
    throw previous;
  }
  const [dynamodbPort, cognitoPort, sesPort] = await Promise.all([freePort(), freePort(), freePort()]);
  return startEmulators({ dynamodbPort, cognitoPort, sesPort, invitationTtlSeconds: 604_800 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
