/**
 * Audit items → EventBridge events (source `roster`, detail-type = the audit
 * action, detail = the audit event), defined once as data: the pipe in AWS
 * (infra/constructs/events.ts) is configured with this filter, enrichment,
 * input template and these dynamic paths, and the local stack applies the
 * very same ones to DynamoDB Local's stream records (`toEvent`). So an event
 * exists if and only if its audit item was written, i.e. the change committed.
 *
 * A stream record holds DynamoDB's typed JSON (`{"M": {"status": {"S":
 * "active"}}}`), which no input template can turn into plain JSON for the
 * free-form `before`/`after`. So the pipe's enrichment step (`enrich`, the
 * `enrichAuditEvents` function) unmarshalls each record into the plain event
 * detail, and the template only places it: consumers get plain JSON.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** The pipe's enrichment function (one Lambda, like a route's). */
export const ENRICHMENT = { id: 'enrichAuditEvents', entry: 'functions/events/enrich-audit.ts' } as const;

/** Webhooks' fan-out function (an SQS consumer of the bus's events): reads endpoints, writes deliveries, mails on disable. */
export const WEBHOOK_FAN_OUT = {
  id: 'fanOutWebhooks',
  entry: 'functions/events/fan-out-webhooks.ts',
  uses: { table: 'readWrite', mail: true },
} as const;

export const EVENT_SOURCE = 'roster';

/** Pipe source filter (EventBridge pattern): audit items being written; TTL expiry and other items are dropped. */
export const AUDIT_ITEM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: ['audit'] } } },
} as const;

/** Dynamic target parameters: paths into what the enrichment returned for one record. */
export const DETAIL_TYPE_PATH = '$.detailType';
export const TIME_PATH = '$.time';

/** The pipe's input template: the event detail, as the enrichment made it (an object: unquoted). */
export const DETAIL_TEMPLATE = '<$.detail>';

/** A DynamoDB Streams record as the pipe and GetRecords see it (attribute values in typed JSON). */
export interface StreamRecord {
  eventID?: string;
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, unknown>; ApproximateCreationDateTime?: unknown };
}

export interface RosterEvent {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': string;
  time: string;
  detail: AuditEventDetail;
}

export interface AuditEventDetail {
  id: string;
  tenantId: string;
  at: string;
  action: string;
  actor: { type: string; id: string; name?: string };
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  /** The target's version after the change, when recorded (null otherwise). */
  version: number | null;
}

/** What the enrichment returns for one stream record: the event's detail-type, time and plain detail. */
export interface EnrichedRecord {
  detailType: string;
  time: string;
  detail: AuditEventDetail;
}

/** One filtered stream record → its plain event detail (DynamoDB's typed JSON unmarshalled). */
export function enrich(record: StreamRecord): EnrichedRecord {
  const item = unmarshall((record.dynamodb?.NewImage ?? {}) as Parameters<typeof unmarshall>[0]) as Record<
    string,
    unknown
  >;
  const detail: AuditEventDetail = {
    id: String(item.id ?? ''),
    tenantId: String(item.tenantId ?? ''),
    at: String(item.at ?? ''),
    action: String(item.action ?? ''),
    actor: item.actor as AuditEventDetail['actor'],
    target: item.target as AuditEventDetail['target'],
    before: item.before ?? null,
    after: item.after ?? null,
    version: typeof item.version === 'number' ? item.version : null,
  };
  return { detailType: detail.action, time: detail.at, detail };
}

/** What the pipe would put on the bus for this record (filter, enrichment, template), or undefined when dropped. */
export function toEvent(record: StreamRecord): RosterEvent | undefined {
  if (!matches(AUDIT_ITEM_FILTER, record)) return undefined;
  const enriched = enrich(record);
  return {
    id: record.eventID ?? '',
    source: EVENT_SOURCE,
    'detail-type': String(valueAt(enriched, DETAIL_TYPE_PATH)),
    time: String(valueAt(enriched, TIME_PATH)),
    detail: JSON.parse(renderTemplate(DETAIL_TEMPLATE, enriched)) as AuditEventDetail,
  };
}

/** EventBridge pattern matching, the subset used here: nested objects whose leaves list the allowed values. */
export function matches(pattern: object, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(expected) ? expected.includes(actual) : matches(expected as object, actual);
  });
}

/** Pipes' input transformation: `"<$.path>"` inserts a string, `<$.path>` the value's JSON. */
export function renderTemplate(template: string, input: unknown): string {
  return template.replace(/("?)<(\$[\w.-]*)>\1/g, (_match, quote: string, path: string) => {
    const value = valueAt(input, path);
    if (quote) return JSON.stringify(value === undefined ? '' : String(value));
    return value === undefined ? 'null' : JSON.stringify(value);
  });
}

/** `$.a.b.c` (dot notation, the JSON path subset pipes evaluate) inside `input`. */
export function valueAt(input: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], input);
}
