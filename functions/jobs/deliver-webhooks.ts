import type { Context, ScheduledEvent } from 'aws-lambda';
import { runDueDeliveries, type SweepSummary } from '../../lib/app/webhook-delivery.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** EventBridge schedule (every minute): attempt every webhook delivery whose retry is due, fairly between tenants. */
export async function handler(event: ScheduledEvent, context: Context): Promise<SweepSummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await runDueDeliveries({ now: () => new Date() });
    logger.info('deliver-webhooks run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
