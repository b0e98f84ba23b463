import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverAuditEvent } from '../../lib/app/webhook-events.ts';
import { sqsRetryQueue } from '../../lib/aws/webhook-retry-queue.ts';
import type { AuditEventDetail } from '../../lib/events/audit-events.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/**
 * The webhooks queue's consumer: each message is a Roster event the bus's
 * rule forwarded (source `roster`); each becomes one delivery per subscribed
 * endpoint, attempted at once. A message whose fan-out failed is reported
 * (partial batch response) and comes back after the queue's visibility
 * time-out; after 5 receipts it goes to the dead-letter queue. Writing a
 * delivery is idempotent (its id is the event's), so a redelivered message
 * sends nothing twice; a failed attempt's retry goes to the retry queue if
 * it is due within 15 minutes (functions/events/retry-webhooks.ts), and the
 * due sweep makes it otherwise (or if the message is lost).
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext(context, {}, async () => {
    const scheduleRetry = sqsRetryQueue();
    const failures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const { detail } = JSON.parse(record.body) as { detail: AuditEventDetail };
          await deliverAuditEvent(detail, { now: () => new Date(), scheduleRetry });
        } catch (error) {
          logger.error('webhook fan-out failed', { messageId: record.messageId, error: String(error) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });
}
