import type { Context, ScheduledEvent } from 'aws-lambda';
import { type ReleaseJobSummary, runReleaseJob } from '../../lib/app/release.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** Stop this long before the Lambda time limit: the batch in flight finishes, the rest waits for the next run. */
const STOP_MARGIN_MS = 10_000;

/**
 * Schedule: finishes releasing the conversations of members who left or were
 * suspended, applies the teams' away release, and drains every team queue
 * still waiting (what a request's own drain left, and anything a trigger missed).
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<ReleaseJobSummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await runReleaseJob({
      shouldStop: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
    });
    logger.info('release-assignments run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
