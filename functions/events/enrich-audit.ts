import { type EnrichedRecord, enrich, type StreamRecord } from '../../lib/events/audit-events.ts';

/**
 * The events pipe's enrichment step: the batch of new audit items from the
 * table's stream (already filtered) → one plain-JSON event detail each, in
 * order; the pipe then puts each on the Roster bus.
 */
export async function handler(records: StreamRecord[]): Promise<EnrichedRecord[]> {
  return records.map(enrich);
}
