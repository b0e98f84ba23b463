/**
 * The bench's own local stack: the real emulators on free ports and the local
 * gateway in this process (handlers run here, so their SDK clients can be
 * instrumented).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { type LocalEmulators, LocalStackError, startEmulators } from '../../infra/local/emulators.ts';
import { type Gateway, startGateway } from '../../infra/local/gateway.ts';

export interface BenchStack {
  emulators: LocalEmulators;
  gateway: Gateway;
  platformKey: string;
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const emulators = await startOnFreePorts().catch(startOnFreePorts);
  const platformKey = randomBytes(24).toString('base64url');
  Object.assign(process.env, emulators.env);
  try {
    const gateway = await startGateway({ port: 0, env: emulators.env, platformKey, cognito: emulators.cognito });
    return {
      emulators,
      gateway,
      platformKey,
      stop: async () => {
        await gateway.close();
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}

/** Free ports can be taken between the probe and the bind: one retry covers that race. */
async function startOnFreePorts(previous?: unknown): Promise<LocalEmulators> {
  if (previous !== undefined && !(previous instanceof LocalStackError && /in use/.test(previous.message))) {
    throw previous;
  }
  const [dynamodbPort, cognitoPort, sesPort] = await Promise.all([freePort(), freePort(), freePort()]);
  return startEmulators({ dynamodbPort, cognitoPort, sesPort });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}
