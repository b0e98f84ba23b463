import type { Context, ScheduledEvent } from 'aws-lambda';
import { runDueDeliveries, type SweepSummary } from '../../lib/app/webhook-delivery.ts';
import { sqsRetryQueue } from '../../lib/aws/webhook-retry-queue.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/**
 * EventBridge schedule (every minute): attempt every webhook delivery whose retry is due, fairly between tenants —
 * the retries 30 min and more away, and the safety net of the retry queue's (a lost message); a failed attempt whose
 * next retry is within 15 minutes goes to the retry queue.
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<SweepSummary> {
  return withLogContext(context, { scheduledAt: event.time }, async () => {
    const started = Date.now();
    const summary = await runDueDeliveries({ now: () => new Date(), scheduleRetry: sqsRetryQueue() });
    logger.info('deliver-webhooks run', { ...summary, ms: Date.now() - started });
    return summary;
  });
}
