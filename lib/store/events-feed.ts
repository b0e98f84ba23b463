/**
 * The events feed (`GET /v1/tenants/{t}/events?after=`): the tenant's audit
 * items, oldest first, as event envelopes — the same events webhooks carry,
 * for systems that poll. Kept 30 days (older audit items stay in the audit
 * trail, not in the feed). ONE query a page; the cursor is bound to the
 * tenant and the type filter, and is always returned so a poller resumes
 * exactly after the last event it saw, even when the page was empty.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DELIVERY_RETENTION_DAYS } from '../domain/webhooks.ts';
import { type AuditLike, type EventEnvelope, envelopeOf } from '../events/envelope.ts';
import { decodeCursor, encodeCursor, filteredScope } from './cursor.ts';
import { keys } from './keys.ts';

/** Items one filtered page reads at most. */
const FEED_READ_BUDGET = 500;

export async function eventsAfter(
  tenantId: string,
  page: { limit: number; after?: string; types?: readonly string[] },
  now: Date,
): Promise<{ items: EventEnvelope[]; nextCursor: string }> {
  const partition = keys.auditPartition(tenantId);
  const types = [...new Set(page.types ?? [])].sort();
  const scope = filteredScope(`EVENTS#${tenantId}`, { types: types.join(',') });
  const oldest = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000).toISOString();
  const start = decodeCursor(scope, page.after, {
    attributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: partition },
  });
  // Resume after the cursor's event, or at the window's start if that is later.
  const after = start && String(start.sk) > oldest ? String(start.sk) : oldest;
  const values: Record<string, unknown> = { ':pk': partition, ':after': after };
  types.forEach((type, i) => {
    values[`:t${i}`] = type;
  });
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND sk > :after',
      ...(types.length
        ? {
            FilterExpression: `#action IN (${types.map((_, i) => `:t${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#action': 'action' },
          }
        : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: true,
      Limit: types.length ? FEED_READ_BUDGET : page.limit,
    }),
  );
  const found = out.Items ?? [];
  const items = found.slice(0, page.limit);
  const last = items.at(-1);
  // After the last event returned; else where the read stopped; else where it started.
  const position = last ? String(last.sk) : out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : after;
  return {
    items: items.map((item) => envelopeOf(item as unknown as AuditLike)),
    nextCursor: encodeCursor(scope, { pk: partition, sk: position }) as string,
  };
}
