import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { attemptQueuedRetry } from '../../lib/app/webhook-delivery.ts';
import { sqsRetryQueue } from '../../lib/aws/webhook-retry-queue.ts';
import { logger, withLogContext } from '../../lib/log.ts';

const RetryMessageSchema = z.object({
  tenantId: z.string().min(1),
  webhookId: z.string().min(1),
  deliveryId: z.string().min(1),
  attempt: z.number().int().min(2),
});

/**
 * The webhook retry queue's consumer: each message (sent with the retry's
 * delay, ≤ 15 min) makes that attempt of its delivery now, if it is due and
 * still the one to make — the claim is the same conditional update the
 * one-minute sweep uses, so the two never both send it. A failed attempt
 * queues its own next retry (if due within 15 min). A message it cannot read
 * or whose attempt threw is reported (partial batch response); after 5
 * receipts it goes to the dead-letter queue, and the sweep still makes the
 * attempt from the table.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext(context, {}, async () => {
    const scheduleRetry = sqsRetryQueue();
    const failures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const message = RetryMessageSchema.parse(JSON.parse(record.body));
          await attemptQueuedRetry(message, { now: () => new Date(), scheduleRetry });
        } catch (error) {
          logger.error('webhook queued retry failed', { messageId: record.messageId, error: String(error) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });
}
