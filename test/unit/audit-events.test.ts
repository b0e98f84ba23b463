/** The audit item → event mapping the pipe and the local feed share: filter, template, dynamic paths. */
import { describe, expect, it } from 'vitest';
import { DETAIL_TEMPLATE, renderTemplate, toEvent, valueAt } from '../../lib/events/audit-events.ts';

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
        before: { M: { status: { S: 'active' } } },
        after: { M: { status: { S: 'suspended' } } },
      },
    });
  });

  it('drops what the pipe filter drops: TTL removals, updates and every other item', () => {
    expect(toEvent(record('REMOVE'))).toBeUndefined();
    expect(toEvent(record('MODIFY'))).toBeUndefined();
    expect(toEvent(record('INSERT', { ...image, entity: { S: 'member' } }))).toBeUndefined();
    expect(toEvent({ eventName: 'INSERT', dynamodb: {} })).toBeUndefined();
  });
});

describe('the input template', () => {
  it('is valid JSON once rendered, strings escaped, maps inserted as JSON', () => {
    const tricky = { ...image, target: { M: { type: { S: 'member' }, id: { S: 'quote"and\\slash' } } } };
    const detail = JSON.parse(renderTemplate(DETAIL_TEMPLATE, { dynamodb: { NewImage: tricky } }));
    expect(detail.target.id).toBe('quote"and\\slash');
    expect(detail.before).toEqual({ M: { status: { S: 'active' } } });
  });

  it('uses only the dot-notation paths pipes evaluate', () => {
    for (const [, path] of DETAIL_TEMPLATE.matchAll(/<(\$[^>]*)>/g)) {
      expect(path).toMatch(/^\$(\.[A-Za-z0-9_-]+)+$/);
      expect(valueAt({ dynamodb: { NewImage: image } }, path as string), path).toBeDefined();
    }
  });
});
