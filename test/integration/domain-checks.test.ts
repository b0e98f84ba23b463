/**
 * The daily re-check of verified domains against DynamoDB Local and the
 * local DNS server, with an injected clock (no sleeps): a record that stays
 * keeps the domain verified; one that disappears flags it (audited) and, past
 * the grace period, `verifiedDomainTenant` stops answering — so JIT and
 * auto-join stop; one that comes back clears the flag. A failed lookup (the
 * DNS server unreachable) is retried with backoff, never taken for a
 * missing record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recheckDomains } from '../../lib/app/domain-checks.ts';
import { config, resetConfig } from '../../lib/config.ts';
import { challengeName, type DomainRecord } from '../../lib/domain/domains.ts';
import { listAuditEvents } from '../../lib/store/audit.ts';
import { getDomain, verifiedDomainTenant, writeDomainChange } from '../../lib/store/domains.ts';
import { newTenant, unique } from './support/assignment-fixtures.ts';

const DAY = 86_400_000;
const start = new Date('2031-03-01T09:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);
let tenantId: string;
let record: DomainRecord;

const dns = (method: 'POST' | 'DELETE', name: string, value?: string) =>
  fetch(process.env.LOCAL_DNS_URL as string, { method, body: JSON.stringify({ name, type: 'TXT', value }) });

beforeAll(async () => {
  tenantId = await newTenant('Domain Checks Co');
  const domain = `checks-${unique()}.com`;
  record = {
    tenantId,
    domain,
    status: 'verified',
    challenge: `roster-verification=${unique()}${unique()}`,
    createdAt: start.toISOString(),
    createdBy: 'seed',
    updatedAt: start.toISOString(),
    verifiedAt: start.toISOString(),
    lastCheckedAt: start.toISOString(),
    nextCheckAt: at(DAY).toISOString(),
    version: 1,
  };
  await writeDomainChange({
    current: undefined,
    next: record,
    actor: { type: 'system', id: 'seed' },
    at: record.createdAt,
  });
  await dns('POST', challengeName(domain), record.challenge);
});

afterAll(async () => {
  await dns('DELETE', challengeName(record.domain));
});

const state = () => getDomain(tenantId, record.domain) as Promise<DomainRecord>;
const actions = async () =>
  (await listAuditEvents(tenantId, { limit: 100 }, {})).items
    .filter((e) => e.target.id === record.domain)
    .map((e) => e.action);

describe('the daily re-check', () => {
  it('is not due before a day has passed; a record still published keeps the domain as it is', async () => {
    await recheckDomains({ now: at(DAY - 1000) });
    expect((await state()).lastCheckedAt).toBe(start.toISOString());
    await recheckDomains({ now: at(DAY) });
    const checked = await state();
    expect(checked).toMatchObject({ status: 'verified', lastCheckedAt: at(DAY).toISOString() });
    expect(checked.flaggedAt).toBeUndefined();
    expect(await actions()).toEqual([]);
  });

  it('a failed lookup is retried later, never taken for a missing record', async () => {
    const servers = process.env.DNS_SERVERS;
    process.env.DNS_SERVERS = '127.0.0.1:9';
    resetConfig();
    try {
      const summary = await recheckDomains({ now: at(2 * DAY) });
      expect(summary.failed).toBeGreaterThanOrEqual(1);
    } finally {
      process.env.DNS_SERVERS = servers;
      resetConfig();
    }
    expect((await state()).flaggedAt).toBeUndefined();
    expect(config().dnsServers).toEqual([servers]);
  });

  it('a record gone flags the domain (audited); past the grace period it enables nothing; back, the flag clears', async () => {
    await dns('DELETE', challengeName(record.domain));
    // After the failed attempt's backoff.
    const flaggedAt = at(2 * DAY + 3_600_000);
    await recheckDomains({ now: flaggedAt });
    const flagged = await state();
    expect(flagged).toMatchObject({ status: 'verified', flaggedAt: flaggedAt.toISOString() });
    const graceEnds = Date.parse(flagged.graceEndsAt as string);
    expect(graceEnds - flaggedAt.getTime()).toBe(config().domainGraceDays * DAY);
    expect(await actions()).toEqual(['domain.flagged']);
    // Within the grace period it still enables JIT and auto-join; after it, no more.
    expect(await verifiedDomainTenant(record.domain, new Date(graceEnds - 1))).toBe(tenantId);
    expect(await verifiedDomainTenant(record.domain.toUpperCase(), new Date(graceEnds))).toBeUndefined();
    // Checked again the next day, still gone: flagged once, the grace period does not restart.
    await recheckDomains({ now: new Date(flaggedAt.getTime() + DAY) });
    expect((await state()).graceEndsAt).toBe(flagged.graceEndsAt);
    expect(await actions()).toEqual(['domain.flagged']);
    // The record comes back: the next check clears the flag.
    await dns('POST', challengeName(record.domain), record.challenge);
    const back = new Date(graceEnds + DAY);
    await recheckDomains({ now: back });
    const restored = await state();
    expect(restored.flaggedAt).toBeUndefined();
    expect(restored.graceEndsAt).toBeUndefined();
    expect(await verifiedDomainTenant(record.domain, back)).toBe(tenantId);
    expect(await actions()).toEqual(['domain.restored', 'domain.flagged']);
  });
});
