/**
 * Time-limited grants: what a grant confers at an instant, and that
 * authorisation, dominance and escalation all judge the same effective set —
 * an expired grant is out of every one of them from its expiry on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/domain/errors.ts';
import { assertCanConfer } from '../../lib/domain/escalation.ts';
import {
  assertFutureExpiries,
  expiredGrants,
  type Grant,
  isLive,
  liveGrants,
  nextExpiry,
  normaliseGrants,
} from '../../lib/domain/grants.ts';
import { assertDominates } from '../../lib/domain/identity.ts';
import {
  effectivePermissions,
  type Permission,
  type PermissionSubject,
  permissionTerms,
  timeLimited,
} from '../../lib/domain/permissions.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
const campaign = { permission: 'contacts:view', expiresAt: '2026-06-15T00:00:00.000Z' };
const agentWith = (grants: Grant[], crmAccess = false): PermissionSubject => ({ role: 'agent', grants, crmAccess });

describe('a timed grant', () => {
  it('confers its permission up to its expiry, and nothing from that very instant on', () => {
    const subject = {
      role: 'custom' as const,
      grants: [{ permission: 'audit:view', expiresAt: '2026-06-01T12:00:01.000Z' }],
      crmAccess: true,
    };
    expect(effectivePermissions(subject, [], NOW)).toEqual(['audit:view']);
    expect(effectivePermissions(subject, [], at('2026-06-01T12:00:00.999Z'))).toEqual(['audit:view']);
    expect(effectivePermissions(subject, [], at('2026-06-01T12:00:01.000Z'))).toEqual([]);
    expect(effectivePermissions(subject, [], at('2027-01-01T00:00:00.000Z'))).toEqual([]);
  });

  it('is CRM-gated like any grant', () => {
    expect(
      effectivePermissions(agentWith([{ permission: 'contacts:delete', expiresAt: campaign.expiresAt }]), [], NOW),
    ).not.toContain('contacts:delete');
    expect(
      effectivePermissions(
        agentWith([{ permission: 'contacts:delete', expiresAt: campaign.expiresAt }], true),
        [],
        NOW,
      ),
    ).toContain('contacts:delete');
  });

  it('adds nothing to a permission the role already holds (held without end)', () => {
    const terms = permissionTerms(agentWith([{ permission: 'users:view', expiresAt: campaign.expiresAt }]), [], NOW);
    expect(terms.get('users:view')).toBeNull();
    expect(timeLimited(terms)).toEqual({});
  });

  it('reports the longest hold when a permission is granted twice', () => {
    const grants: Grant[] = [
      { permission: 'audit:view', expiresAt: '2026-06-10T00:00:00.000Z' },
      { permission: 'audit:view', expiresAt: '2026-06-20T00:00:00.000Z' },
    ];
    expect(timeLimited(permissionTerms(agentWith(grants), [], NOW))).toEqual({
      'audit:view': '2026-06-20T00:00:00.000Z',
    });
    expect(timeLimited(permissionTerms(agentWith([...grants, 'audit:view']), [], NOW))).toEqual({});
  });

  it('property: effective at t = effective without timed grants ∪ the timed grants live at t', () => {
    const permission = fc.constantFrom<Permission>(
      'audit:view',
      'billing:view',
      'contacts:view',
      'users:create',
      'roles:view',
    );
    const instant = fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z'), noInvalidDate: true });
    const timed = fc.record({ permission, expiresAt: instant.map((d) => d.toISOString()) });
    fc.assert(
      fc.property(fc.array(fc.oneof(permission, timed), { maxLength: 8 }), instant, fc.boolean(), (grants, t, crm) => {
        const permanent = grants.filter((g): g is Permission => typeof g === 'string');
        const live = grants.filter((g) => typeof g !== 'string' && Date.parse(g.expiresAt) > t.getTime());
        const want = new Set(
          effectivePermissions(
            agentWith([...permanent, ...live.map((g) => (g as { permission: string }).permission)], crm),
            [],
            t,
          ),
        );
        expect(new Set(effectivePermissions(agentWith(grants, crm), [], t))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('grant lists', () => {
  it('normalises: one entry per permission, permanent beats timed, the later end wins, UTC with milliseconds', () => {
    expect(
      normaliseGrants([
        { permission: 'audit:view', expiresAt: '2026-06-10T02:00:00+02:00' },
        'billing:view',
        { permission: 'audit:view', expiresAt: '2026-06-05T00:00:00Z' },
        { permission: 'billing:view', expiresAt: '2026-06-05T00:00:00Z' },
      ]),
    ).toEqual([{ permission: 'audit:view', expiresAt: '2026-06-10T00:00:00.000Z' }, 'billing:view']);
  });

  it('splits live from expired and names the next expiry', () => {
    const grants: Grant[] = [
      'users:view',
      { permission: 'audit:view', expiresAt: '2026-05-01T00:00:00.000Z' },
      campaign,
    ];
    expect(liveGrants(grants, NOW)).toEqual(['users:view', campaign]);
    expect(expiredGrants(grants, NOW)).toEqual([{ permission: 'audit:view', expiresAt: '2026-05-01T00:00:00.000Z' }]);
    expect(nextExpiry(grants)).toBe('2026-05-01T00:00:00.000Z');
    expect(nextExpiry(['users:view'])).toBeUndefined();
    expect(isLive('users:view', at('2999-01-01T00:00:00Z'))).toBe(true);
  });

  it('refuses a grant given with an end that is not in the future, naming it', () => {
    expect(() => assertFutureExpiries([campaign], NOW)).not.toThrow();
    const past = { permission: 'audit:view', expiresAt: NOW.toISOString() };
    expect(() => assertFutureExpiries([campaign, past], NOW)).toThrow(DomainError);
    try {
      assertFutureExpiries([past], NOW);
    } catch (error) {
      expect((error as DomainError).code).toBe('validation-failed');
      expect(JSON.stringify((error as DomainError).extensions)).toContain('audit:view');
    }
  });
});

describe('escalation and dominance judge the same effective set', () => {
  const manager = { role: 'manager' as const, grants: [] as Grant[], crmAccess: true };
  const grantorOf = (subject: PermissionSubject, now: Date) => {
    const terms = permissionTerms(subject, [], now);
    return { role: subject.role, permissions: [...terms.keys()], heldUntil: timeLimited(terms) };
  };
  const principal = (id: string, subject: PermissionSubject, now: Date) => ({
    id,
    role: subject.role,
    permissions: effectivePermissions(subject, [], now),
    isOwner: false,
  });

  it('a grantor whose grant of users:create expired can no longer confer it', () => {
    const timedCreator = { ...manager, grants: [{ permission: 'users:create', expiresAt: campaign.expiresAt }] };
    const give = {
      role: 'agent' as const,
      grants: [{ permission: 'users:create', expiresAt: '2026-06-10T00:00:00.000Z' }],
    };
    expect(() => assertCanConfer(grantorOf(timedCreator, NOW), give, {})).not.toThrow();
    expect(() => assertCanConfer(grantorOf(timedCreator, at(campaign.expiresAt)), give, {})).toThrow(
      /do not hold: users:create/,
    );
  });

  it('a permission held until a moment is conferred only by a grant ending no later', () => {
    const timed = grantorOf(
      { ...manager, grants: [{ permission: 'users:create', expiresAt: campaign.expiresAt }] },
      NOW,
    );
    const until = (expiresAt: string) => ({
      role: 'agent' as const,
      grants: [{ permission: 'users:create', expiresAt }],
    });
    expect(() => assertCanConfer(timed, until(campaign.expiresAt), {})).not.toThrow();
    expect(() => assertCanConfer(timed, until('2026-06-15T00:00:00.001Z'), {})).toThrow(/only until/);
    expect(() => assertCanConfer(timed, { role: 'agent', grants: ['users:create'] }, {})).toThrow(/only until/);
    // Through a role too: a custom role carrying it would confer it without end.
    expect(() => assertCanConfer(timed, { role: 'custom', roleId: 'r', grants: [] }, { r: ['users:create'] })).toThrow(
      /only until/,
    );
  });

  it('dominance: a target whose extra grant expired is dominated again, an actor whose grant expired no longer dominates', () => {
    const agent = agentWith([{ permission: 'billing:view', expiresAt: campaign.expiresAt }], true);
    const before = NOW;
    const after = at(campaign.expiresAt);
    // A manager lacks billing:view: they cannot act on the agent while the agent holds it…
    expect(() => assertDominates(principal('m', manager, before), principal('a', agent, before), 'edit')).toThrow(
      /billing:view/,
    );
    // …and can from the instant it ends.
    expect(() => assertDominates(principal('m', manager, after), principal('a', agent, after), 'edit')).not.toThrow();
    // A manager whose timed billing:view lapsed no longer dominates a target that holds it permanently.
    const timedManager = { ...manager, grants: [{ permission: 'billing:view', expiresAt: campaign.expiresAt }] };
    const billingAgent = agentWith(['billing:view'], true);
    expect(() =>
      assertDominates(principal('m', timedManager, before), principal('a', billingAgent, before), 'edit'),
    ).not.toThrow();
    expect(() =>
      assertDominates(principal('m', timedManager, after), principal('a', billingAgent, after), 'edit'),
    ).toThrow(/billing:view/);
  });
});
