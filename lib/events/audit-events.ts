/**
 * Audit items → EventBridge events (source `roster`, detail-type = the audit
 * action, detail = the audit event), defined once as data: the pipe in AWS
 * (infra/constructs/events.ts) is configured with this filter, input template
 * and these dynamic paths, and the local stack applies the very same ones to
 * DynamoDB Local's stream records (`toEvent`). So an event exists if and only
 * if its audit item was written, i.e. the change committed.
 *
 * `before`/`after` are free-form maps, which an input template cannot turn
 * from DynamoDB's typed JSON into plain JSON: they arrive as attribute values
 * (`{"M": {"status": {"S": "active"}}}`, `{"NULL": true}`) — `unmarshall`
 * from @aws-sdk/util-dynamodb makes them plain.
 */

export const EVENT_SOURCE = 'roster';

const IMAGE = '$.dynamodb.NewImage';

/** Pipe source filter (EventBridge pattern): audit items being written; TTL expiry and other items are dropped. */
export const AUDIT_ITEM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: ['audit'] } } },
} as const;

/** Dynamic target parameters: paths into the stream record. */
export const DETAIL_TYPE_PATH = `${IMAGE}.action.S`;
export const TIME_PATH = `${IMAGE}.at.S`;

const text = (attribute: string) => `"<${IMAGE}.${attribute}.S>"`;
const typed = (attribute: string) => `<${IMAGE}.${attribute}>`;

/** The pipe's input template: the event detail. Strings are quoted placeholders, maps unquoted (as AWS requires). */
export const DETAIL_TEMPLATE = [
  '{',
  `"id": ${text('id')}, `,
  `"tenantId": ${text('tenantId')}, `,
  `"at": ${text('at')}, `,
  `"action": ${text('action')}, `,
  `"actor": {"type": ${text('actor.M.type')}, "id": ${text('actor.M.id')}}, `,
  `"target": {"type": ${text('target.M.type')}, "id": ${text('target.M.id')}}, `,
  `"before": ${typed('before')}, `,
  `"after": ${typed('after')}`,
  '}',
].join('');

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
  actor: { type: string; id: string };
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
}

/** What the pipe would put on the bus for this record, or undefined when its filter drops it. */
export function toEvent(record: StreamRecord): RosterEvent | undefined {
  if (!matches(AUDIT_ITEM_FILTER, record)) return undefined;
  return {
    id: record.eventID ?? '',
    source: EVENT_SOURCE,
    'detail-type': String(valueAt(record, DETAIL_TYPE_PATH)),
    time: String(valueAt(record, TIME_PATH)),
    detail: JSON.parse(renderTemplate(DETAIL_TEMPLATE, record)) as AuditEventDetail,
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
