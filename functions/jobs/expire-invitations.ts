import type { Context, ScheduledEvent } from 'aws-lambda';
import { type ExpirySummary, expireDueInvitations } from '../../lib/app/expiry.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** Stop this long before the Lambda time limit: the write in flight finishes, the rest waits an hour. */
const STOP_MARGIN_MS = 10_000;

/** EventBridge schedule (hourly; every minute locally): expire every invitation past its expiry. */
export async function handler(event: ScheduledEvent, context: Context): Promise<ExpirySummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await expireDueInvitations({
      now: new Date(),
      shouldStop: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
    });
    logger.info('expire-invitations run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
