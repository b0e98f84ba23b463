/**
 * Webhooks on the local stack: the SAME delivery code as in AWS, driven by
 * the local event feed (instead of the bus → queue → fan-out function), the
 * retry queue's port as a timer per retry (instead of an SQS message with
 * DelaySeconds → the fan-out function) and a sweep timer (instead of the
 * every-minute deliverWebhooks job; every minute here too: the 5 s retry is
 * the retry timer's, as in AWS it is the queue's). Deliveries to receivers
 * on this machine are allowed by WEBHOOK_ALLOW_PRIVATE_TARGETS=true, which the emulators'
 * environment sets (never the CDK stack).
 */

import {
  attemptQueuedRetry,
  type DeliveryOptions,
  runDueDeliveries,
  type ScheduleRetry,
} from '../../lib/app/webhook-delivery.ts';
import { deliverAuditEvent } from '../../lib/app/webhook-events.ts';
import type { RosterEvent } from '../../lib/events/audit-events.ts';

export interface WebhookDispatcher {
  /** The feed's `onEvent`: fans the event out without holding the feed up. */
  onEvent(event: RosterEvent): void;
  /** Resolves when every fan-out and sweep started so far has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startWebhookDispatcher(
  options: { intervalMs?: number; now?: () => Date; onError?: (message: string) => void } = {},
): WebhookDispatcher {
  const now = options.now ?? (() => new Date());
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work
      .catch((error: unknown) =>
        options.onError?.(`webhooks: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };
  // The retry queue: the message arrives after its delay, like SQS's DelaySeconds.
  const retries = new Set<NodeJS.Timeout>();
  const scheduleRetry: ScheduleRetry = async (message, delaySeconds) => {
    const retry = setTimeout(() => {
      retries.delete(retry);
      track(attemptQueuedRetry(message, delivery));
    }, delaySeconds * 1_000);
    retry.unref();
    retries.add(retry);
  };
  const delivery: DeliveryOptions = { now, scheduleRetry };
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    track(runDueDeliveries(delivery).finally(() => (sweeping = false)));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  const idle = async () => {
    while (running.size) await Promise.all(running);
  };
  return {
    onEvent: (event) => track(deliverAuditEvent(event.detail, delivery)),
    idle,
    stop: async () => {
      clearInterval(timer);
      for (const retry of retries) clearTimeout(retry);
      retries.clear();
      await idle();
    },
  };
}
