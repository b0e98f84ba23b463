/**
 * Where the delivery code meets the event sources: an event the pipe put on
 * the bus (in AWS: an EventBridge rule → SQS → the fan-out function; locally:
 * the stream feed) → its envelope → fan-out.
 */
import type { AuditEventDetail } from '../events/audit-events.ts';
import { envelopeOf } from '../events/envelope.ts';
import { type DeliveryOptions, fanOut } from './webhook-delivery.ts';

export async function deliverAuditEvent(detail: AuditEventDetail, options: DeliveryOptions) {
  return fanOut(envelopeOf(detail), options);
}
