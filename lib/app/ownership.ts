/**
 * Ownership transfer (DESIGN §1): the owner is the admin who can't be demoted,
 * suspended, deactivated or deleted; only they can hand that role to another
 * active admin, after which they are an ordinary admin.
 */
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import type { TenantRecord } from '../domain/records.ts';
import { getMember } from '../store/members.ts';
import { writeOwnershipTransfer } from '../store/tenants.ts';
import { actorOf, isOwner } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

export async function transferOwnership(access: TenantAccess, memberId: string, now: Date): Promise<TenantRecord> {
  const { tenant } = access;
  if (!isOwner(access, access.member)) throw forbidden('Only the tenant owner can transfer ownership.');
  if (memberId === access.member.id) throw conflict('You already own this tenant.');
  const target = await getMember(tenant.id, memberId);
  if (!target) throw notFound('The member');
  if (target.status !== 'active' || target.role !== 'admin') {
    throw conflict(
      `Ownership can only go to an active admin of this tenant; this member is ${target.status} with the role ${target.role}.`,
    );
  }
  const next: TenantRecord = {
    ...tenant,
    ownerId: target.id,
    updatedAt: now.toISOString(),
    version: tenant.version + 1,
  };
  await writeOwnershipTransfer(tenant, next, target, actorOf(access));
  return next;
}
