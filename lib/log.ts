/** One structured logger per container (Powertools: JSON lines with level, time and keys). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: 'roster' });

/**
 * Runs one invocation of a function that is not an HTTP route (a job, a
 * trigger) with its own log context — the function, its request id, cold
 * start and `keys` — and none of an earlier invocation's, like Powertools'
 * `injectLambdaContext({ resetKeys: true })` does for the routes.
 */
export async function withLogContext<T>(
  context: Context | undefined,
  keys: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  logger.appendKeys(keys);
  try {
    return await run();
  } finally {
    logger.resetKeys();
  }
}
