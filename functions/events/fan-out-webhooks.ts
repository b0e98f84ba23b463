import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { attemptQueuedRetry, type DeliveryOptions } from '../../lib/app/webhook-delivery.ts';
import { deliverAuditEvent } from '../../lib/app/webhook-events.ts';
import { sqsRetryQueue } from '../../lib/aws/webhook-retry-queue.ts';
import type { AuditEventDetail } from '../../lib/events/audit-events.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/** A message of the retry queue (lib/app/webhook-delivery.ts `RetryMessage`). */
const RetryMessageSchema = z.object({
  tenantId: z.string().min(1),
  webhookId: z.string().min(1),
  deliveryId: z.string().min(1),
  attempt: z.number().int().min(2),
});

/**
 * The consumer of the two webhook queues:
 *
 * - the events queue: each message is a Roster event the bus's rule forwarded
 *   (source `roster`, a `detail`); it becomes one delivery per subscribed
 *   endpoint, attempted at once. Writing a delivery is idempotent (its id is
 *   the event's), so a redelivered message sends nothing twice;
 * - the retry queue: each message (sent with the retry's delay, ≤ 15 min)
 *   makes that attempt now if it is due and still the one to make — the claim
 *   is the sweep's conditional update, so the two never both send it.
 *
 * A failed attempt queues its next retry if it is due within 15 minutes; the
 * due sweep (deliverWebhooks) makes the others, and any whose message is
 * lost. A message that could not be processed is reported (partial batch
 * response) and comes back after the visibility time-out; after 5 receipts
 * it goes to the dead-letter queue.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext(context, {}, async () => {
    const options: DeliveryOptions = { now: () => new Date(), scheduleRetry: sqsRetryQueue() };
    const failures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const body = JSON.parse(record.body) as { detail?: AuditEventDetail };
          if (body.detail) await deliverAuditEvent(body.detail, options);
          else await attemptQueuedRetry(RetryMessageSchema.parse(body), options);
        } catch (error) {
          logger.error('webhook fan-out failed', { messageId: record.messageId, error: String(error) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });
}
