import type { Context, ScheduledEvent } from 'aws-lambda';
import { type DomainCheckSummary, recheckDomains } from '../../lib/app/domain-checks.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** Stop this long before the Lambda time limit: the lookup in flight finishes, the rest waits an hour. */
const STOP_MARGIN_MS = 10_000;

/**
 * EventBridge schedule (hourly; every minute locally): each verified domain's TXT record is looked up
 * again a day after its last check; a record gone flags the domain, one back clears the flag.
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<DomainCheckSummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await recheckDomains({
      now: new Date(),
      shouldStop: () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS,
    });
    logger.info('check-domains run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
