/** The audit item → event mapping the pipe and the local feed share: filter, template, dynamic paths. */
import { describe, expect, it } from 'vitest';
import { handler as enrichAuditEvents } from '../../functions/events/enrich-audit.ts';
import {
  DETAIL_TEMPLATE,
  DETAIL_TYPE_PATH,
  enrich,
  renderTemplate,
  TIME_PATH,
  toEvent,
  valueAt,
} from '../../lib/events/audit-events.ts';

const image = {
  pk: { S: 'TENANT#acme#AUDIT' },
  sk: { S: '2026-03-01T09:30:00.000Z#01J' },
  entity: { S: 'audit' },
  id: { S: '01J' },
  tenantId: { S: 'acme' },
  at: { S: '2026-03-01T09:30:00.000Z' },
  action: { S: 'member.suspended' },
  actor: { M: { type: { S: 'user' }, id: { S: 'u-owner' } } },
  target: { M: { type: { S: 'member' }, id: { S: 'u-1' } } },
  before: { M: { status: { S: 'active' } } },
  after: { M: { status: { S: 'suspended' } } },
  expiresAtEpoch: { N: '1800000000' },
};
const record = (eventName: string, NewImage: Record<string, unknown> = image) => ({
  eventID: 'e-1',
  eventName,
  dynamodb: { NewImage },
});

describe('toEvent', () => {
  it('maps a new audit item to source roster, detail-type = action, detail = the audit event', () => {
    expect(toEvent(record('INSERT'))).toEqual({
      id: 'e-1',
      source: 'roster',
      'detail-type': 'member.suspended',
      time: '2026-03-01T09:30:00.000Z',
      detail: {
        id: '01J',
        tenantId: 'acme',
        at: '2026-03-01T09:30:00.000Z',
        action: 'member.suspended',
        actor: { type: 'user', id: 'u-owner' },
        target: { type: 'member', id: 'u-1' },
        before: { status: 'active' },
        after: { status: 'suspended' },
        // Recorded only by changes that know the target's version (webhooks' envelopes carry it).
        version: null,
      },
    });
    expect(toEvent(record('INSERT', { ...image, version: { N: '7' } }))?.detail.version).toBe(7);
  });

  it('gives consumers plain JSON in before/after, whatever the shape (no DynamoDB types)', async () => {
    const typed = {
      ...image,
      action: { S: 'member.updated' },
      before: { M: { grants: { L: [{ S: 'contacts:view' }] }, version: { N: '3' }, roleId: { NULL: true } } },
      after: {
        M: { grants: { L: [] }, version: { N: '4' }, crmAccess: { BOOL: false }, team: { M: { id: { S: 't' } } } },
      },
    };
    const event = toEvent(record('INSERT', typed));
    expect(event?.detail.before).toEqual({ grants: ['contacts:view'], version: 3, roleId: null });
    expect(event?.detail.after).toEqual({ grants: [], version: 4, crmAccess: false, team: { id: 't' } });
    const created = toEvent(record('INSERT', { ...image, before: { NULL: true } }));
    expect(created?.detail.before).toBeNull();
    // The pipe's enrichment function answers a batch with the same details, in order.
    const batch = await enrichAuditEvents([record('INSERT', typed), record('INSERT')]);
    expect(batch.map((e) => e.detail)).toEqual([event?.detail, toEvent(record('INSERT'))?.detail]);
    expect(batch[0]).toMatchObject({ detailType: 'member.updated', time: '2026-03-01T09:30:00.000Z' });
  });

  it('drops what the pipe filter drops: TTL removals, updates and every other item', () => {
    expect(toEvent(record('REMOVE'))).toBeUndefined();
    expect(toEvent(record('MODIFY'))).toBeUndefined();
    expect(toEvent(record('INSERT', { ...image, entity: { S: 'member' } }))).toBeUndefined();
    expect(toEvent({ eventName: 'INSERT', dynamodb: {} })).toBeUndefined();
  });
});

describe('the input template', () => {
  it('is valid JSON once rendered over the enrichment, strings escaped', () => {
    const tricky = { ...image, target: { M: { type: { S: 'member' }, id: { S: 'quote"and\\slash' } } } };
    const detail = JSON.parse(renderTemplate(DETAIL_TEMPLATE, enrich({ dynamodb: { NewImage: tricky } })));
    expect(detail.target.id).toBe('quote"and\\slash');
    expect(detail.before).toEqual({ status: 'active' });
  });

  it('uses only the dot-notation paths pipes evaluate, each present in what the enrichment returns', () => {
    const enriched = enrich({ dynamodb: { NewImage: image } });
    for (const path of [
      ...[...DETAIL_TEMPLATE.matchAll(/<(\$[^>]*)>/g)].map((m) => m[1]),
      DETAIL_TYPE_PATH,
      TIME_PATH,
    ]) {
      expect(path).toMatch(/^\$(\.[A-Za-z0-9_-]+)+$/);
      expect(valueAt(enriched, path as string), path).toBeDefined();
    }
  });
});
