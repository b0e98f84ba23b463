/**
 * A refused invitation or creation leaves no Cognito login behind, even when
 * the refusal comes from the transaction (a seat taken by a concurrent invite
 * after the authorisation read), not from the early check.
 */
import { describe, expect, it } from 'vitest';
import { inviteMember } from '../../lib/app/members.ts';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { findLogin } from '../../lib/aws/identity.ts';
import { effectivePermissions } from '../../lib/domain/permissions.ts';
import type { TenantAccess } from '../../lib/http/middleware/authorize.ts';
import { loadAccess } from '../../lib/store/members.ts';

const unique = () => Math.random().toString(36).slice(2, 10);

async function ownerAccess(tenantId: string, ownerId: string): Promise<TenantAccess> {
  const { tenant, member, identity } = await loadAccess(tenantId, ownerId);
  if (!tenant || !member) throw new Error('missing tenant or owner');
  const now = new Date();
  return {
    tenant,
    member: { ...member, status: 'active' },
    permissions: effectivePermissions(member, undefined, now),
    heldUntil: {},
    now,
    identity,
  };
}

describe('no orphan logins', () => {
  it('removes the login it created when the seat transaction refuses', async () => {
    const created = await provisionTenant(
      { name: 'Orphans', plan: 'trial', owner: { email: `o-${unique()}@it.test`, name: 'O' } },
      { type: 'platform', id: 'it' },
      new Date(),
    );
    const access = await ownerAccess(created.id, created.ownerId);
    // A stale view of the tenant: the early check sees a free seat, the transaction does not.
    const stale: TenantAccess = { ...access, tenant: { ...access.tenant, seatsUsed: 0 } };
    const email = `late-${unique()}@it.test`;
    await expect(inviteMember(stale, { email, role: 'agent' }, new Date())).rejects.toMatchObject({
      code: 'seat-limit-reached',
    });
    expect(await findLogin(email)).toBeUndefined();
  });

  it('keeps a login that existed before the refused invitation', async () => {
    const first = await provisionTenant(
      { name: 'Keeper', plan: 'growth', owner: { email: `k-${unique()}@it.test`, name: 'K' } },
      { type: 'platform', id: 'it' },
      new Date(),
    );
    const full = await provisionTenant(
      { name: 'Full', plan: 'trial', owner: { email: `f-${unique()}@it.test`, name: 'F' } },
      { type: 'platform', id: 'it' },
      new Date(),
    );
    const access = await ownerAccess(full.id, full.ownerId);
    const stale: TenantAccess = { ...access, tenant: { ...access.tenant, seatsUsed: 0 } };
    const existing = first.owner.email;
    await expect(inviteMember(stale, { email: existing, role: 'agent' }, new Date())).rejects.toMatchObject({
      code: 'seat-limit-reached',
    });
    expect((await findLogin(existing))?.id).toBe(first.ownerId);
  });
});
