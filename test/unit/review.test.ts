/**
 * The access review's rows and CSV, the inactivity rules behind the users
 * filter and auto-suspension, and the Accept negotiation the review route uses.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoSuspension, inactiveSince, inactivityCutoff, isInactive } from '../../lib/domain/inactivity.ts';
import type { MemberRecord, TenantRecord } from '../../lib/domain/records.ts';
import { csvField, defuseFormula, REVIEW_COLUMNS, reviewCsv, reviewRow } from '../../lib/domain/review.ts';
import { preferredMedia } from '../../lib/http/negotiate.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();

const tenant: TenantRecord = {
  id: 'acme',
  name: 'Acme',
  plan: 'growth',
  seatLimitOverride: null,
  seatLimit: 5,
  seatsUsed: 3,
  activeAdmins: 2,
  ownerId: 'owner',
  status: 'active',
  rolePermissions: { sales: ['contacts:view', 'campaigns:view'] },
  roleNames: { sales: 'Sales lead' },
  createdAt: daysAgo(400),
  updatedAt: daysAgo(1),
  version: 3,
};

function member(overrides: Partial<MemberRecord>): MemberRecord {
  return {
    tenantId: 'acme',
    id: 'm1',
    email: 'ann@acme.example',
    name: 'Ann',
    status: 'active',
    role: 'agent',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: daysAgo(3),
    invitedAt: daysAgo(300),
    invitedBy: 'owner',
    createdAt: daysAgo(300),
    updatedAt: daysAgo(3),
    version: 4,
    ...overrides,
  };
}

describe('review rows', () => {
  it('names the role template, lists effective permissions at the instant and live grants with their ends', () => {
    const row = reviewRow(
      member({
        role: 'custom',
        roleId: 'sales',
        crmAccess: false,
        grants: [
          'audit:view',
          { permission: 'billing:view', expiresAt: '2026-06-15T00:00:00.000Z' },
          { permission: 'users:create', expiresAt: '2026-05-01T00:00:00.000Z' },
        ],
        teamIds: ['t1', 't2'],
      }),
      tenant,
      NOW,
    );
    expect(row).toMatchObject({
      role: 'custom',
      roleId: 'sales',
      roleName: 'Sales lead',
      owner: false,
      crmAccess: false,
      permissions: ['campaigns:view', 'billing:view', 'audit:view'],
      grants: [
        { permission: 'audit:view', expiresAt: null },
        { permission: 'billing:view', expiresAt: '2026-06-15T00:00:00.000Z' },
      ],
      teamIds: ['t1', 't2'],
    });
    expect(reviewRow(member({ id: 'owner', role: 'admin' }), tenant, NOW)).toMatchObject({
      owner: true,
      roleName: 'Administrator',
      roleId: null,
    });
    expect(reviewRow(member({ role: 'custom', roleId: 'legacy' }), tenant, NOW).roleName).toBeNull();
  });

  it('people who cannot sign in or act hold no access: no effective permissions, in the rows and the CSV', () => {
    for (const status of ['invited', 'suspended', 'deactivated', 'expired'] as const) {
      const row = reviewRow(member({ status, role: 'admin', grants: ['audit:view'] }), tenant, NOW);
      expect(row.permissions, status).toEqual([]);
      const cells = reviewCsv([row]).split('\r\n')[1]?.split(',') ?? [];
      expect(cells[REVIEW_COLUMNS.findIndex(([n]) => n === 'permissions')], status).toBe('');
    }
    expect(reviewRow(member({ role: 'admin' }), tenant, NOW).permissions.length).toBeGreaterThan(10);
  });
});

describe('CSV', () => {
  it('defuses formula cells and quotes what RFC 4180 requires', () => {
    expect(defuseFormula('=1+1')).toBe("'=1+1");
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(defuseFormula(`${lead}x`)).toBe(`'${lead}x`);
    expect(defuseFormula('Ann = Bob')).toBe('Ann = Bob');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it('ends every line with CRLF and starts with the header', () => {
    const csv = reviewCsv([reviewRow(member({}), tenant, NOW)]);
    expect(csv.startsWith(`${REVIEW_COLUMNS.map(([n]) => n).join(',')}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('property: parsed back by csv-parse, every cell is the defused text of its row', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', 'é', '😀', ';'),
    });
    fc.assert(
      fc.property(fc.array(fc.record({ name: text, email: text }), { maxLength: 8 }), (people) => {
        const rows = people.map((p, i) => reviewRow(member({ id: `m${i}`, ...p }), tenant, NOW));
        const parsed = parse(reviewCsv(rows), { record_delimiter: '\r\n' }) as string[][];
        expect(parsed[0]).toEqual(REVIEW_COLUMNS.map(([n]) => n));
        expect(parsed.slice(1)).toEqual(rows.map((r) => REVIEW_COLUMNS.map(([, cell]) => defuseFormula(cell(r)))));
        for (const line of parsed.slice(1)) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('inactivity', () => {
  it('measures from the last sign-in, else from the invitation, else from creation', () => {
    expect(inactiveSince(member({ lastLoginAt: daysAgo(5) }))).toBe(daysAgo(5));
    expect(inactiveSince(member({ lastLoginAt: null, invitedAt: daysAgo(40) }))).toBe(daysAgo(40));
    expect(inactiveSince(member({ lastLoginAt: null, invitedAt: null, createdAt: daysAgo(9) }))).toBe(daysAgo(9));
    expect(isInactive(member({ lastLoginAt: daysAgo(31) }), NOW, 30)).toBe(true);
    expect(isInactive(member({ lastLoginAt: daysAgo(29) }), NOW, 30)).toBe(false);
    expect(inactivityCutoff(NOW, 30)).toBe(daysAgo(30));
  });

  it('auto-suspension takes only active members inactive that long, never the owner or the last active admin', () => {
    const t = { ownerId: 'owner', activeAdmins: 2 };
    const old = { lastLoginAt: daysAgo(100) };
    expect(autoSuspension(member(old), t, NOW, 90)).toEqual({ suspend: true });
    expect(autoSuspension(member({ lastLoginAt: daysAgo(10) }), t, NOW, 90)).toEqual({
      suspend: false,
      because: 'recently-active',
    });
    expect(autoSuspension(member({ ...old, status: 'suspended' }), t, NOW, 90)).toMatchObject({
      because: 'not-active',
    });
    expect(autoSuspension(member({ ...old, id: 'owner', role: 'admin' }), t, NOW, 90)).toMatchObject({
      because: 'owner',
    });
    expect(autoSuspension(member({ ...old, role: 'admin' }), t, NOW, 90)).toEqual({ suspend: true });
    expect(autoSuspension(member({ ...old, role: 'admin' }), { ...t, activeAdmins: 1 }, NOW, 90)).toMatchObject({
      because: 'last-admin',
    });
    expect(autoSuspension(member({ ...old, reactivatedAt: daysAgo(20) }), t, NOW, 90)).toMatchObject({
      because: 'recently-reactivated',
    });
    expect(autoSuspension(member({ ...old, reactivatedAt: daysAgo(95) }), t, NOW, 90)).toEqual({ suspend: true });
    expect(autoSuspension(member({ lastLoginAt: null, invitedAt: daysAgo(91) }), t, NOW, 90)).toEqual({
      suspend: true,
    });
  });
});

describe('Accept negotiation', () => {
  const offered = ['application/json', 'text/csv'] as const;
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['text/csv', 'text/csv'],
    ['text/*', 'text/csv'],
    ['*/*', 'application/json'],
    ['text/csv;q=0.5, application/json', 'application/json'],
    ['application/json;q=0.2, text/csv;q=0.9', 'text/csv'],
    ['text/csv;q=0, */*', 'application/json'],
    ['text/html', 'application/json'],
    ['TEXT/CSV', 'text/csv'],
  ])('%s → %s', (accept, want) => {
    expect(preferredMedia(accept, offered)).toBe(want);
  });
});
