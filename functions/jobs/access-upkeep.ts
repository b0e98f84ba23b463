import type { Context, ScheduledEvent } from 'aws-lambda';
import { runAccessUpkeep, type UpkeepSummary } from '../../lib/app/upkeep.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** Stop this long before the Lambda time limit: the write in flight finishes, the rest waits an hour. */
const STOP_MARGIN_MS = 10_000;

/**
 * EventBridge schedule (hourly; every minute locally): remove timed grants that ended, suspend members
 * inactive for their tenant's `autoSuspendInactiveDays`, mail each tenant's admins one digest.
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<UpkeepSummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await runAccessUpkeep({
      now: new Date(),
      shouldStop: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
    });
    logger.info('access-upkeep run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
