import type { Context, ScheduledEvent } from 'aws-lambda';
import { type ExpirySummary, expireDueInvitations } from '../../lib/app/expiry.ts';
import { logger } from '../../lib/http/log.ts';

/** Stop this long before the Lambda time limit: the write in flight finishes, the rest waits an hour. */
const STOP_MARGIN_MS = 10_000;

/** EventBridge schedule (hourly; every minute locally): expire every invitation past its expiry. */
export async function handler(event: ScheduledEvent, context: Context): Promise<ExpirySummary> {
  logger.addContext(context);
  const started = Date.now();
  const summary = await expireDueInvitations({
    now: new Date(),
    shouldStop: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
  });
  logger.info('expire-invitations run', { ...summary, scheduledAt: event.time, ms: Date.now() - started });
  return summary;
}
