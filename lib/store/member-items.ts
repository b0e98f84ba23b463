/**
 * Item builders that more than one repository writes: a member item, its
 * per-tenant email claim and the tenant's counters. They live below both
 * `members.ts` and `tenants.ts` so neither repository imports the other.
 */
import { DomainError, notFound } from '../domain/errors.ts';
import { nextExpiry } from '../domain/grants.ts';
import { inactiveSince } from '../domain/inactivity.ts';
import type { MemberRecord } from '../domain/records.ts';
import { nameOrderKey } from '../domain/search.ts';
import { seatLimitReached } from '../domain/seats.ts';
import { claim } from './claims.ts';
import { keys } from './keys.ts';
import { type TxItem, update } from './transact.ts';

/** GSI2 of a member: its pending invitation while invited, else its earliest timed grant's expiry, if any. */
function expiryKeys(member: MemberRecord) {
  if (member.status === 'invited' && member.invitation) {
    return keys.pendingInvite(member.tenantId, member.id, member.invitation.expiresAt);
  }
  const due = nextExpiry(member.grants);
  return due ? keys.grantExpiry(member.tenantId, member.id, due) : {};
}

export function memberItem(member: MemberRecord) {
  const since = inactiveSince(member);
  return {
    ...keys.member(member.tenantId, member.id),
    ...keys.identityMembership(member.id, member.tenantId),
    ...expiryKeys(member),
    ...keys.memberActivity(member.tenantId, member.id, member.lastLoginAt, since),
    ...keys.memberByName(member.tenantId, member.id, nameOrderKey(member.name)),
    entity: 'member',
    ...member,
    searchName: member.name.toLowerCase(),
    inactiveSince: since,
  };
}

export const emailTaken = (email: string) => () =>
  new DomainError('email-taken', `${email} is already a member of this tenant (or invited).`);

export const emailTakenError = (email: string) => emailTaken(email)();

/** The per-tenant claim that keeps one membership per email address. */
export function emailClaim(member: MemberRecord, onTaken = emailTaken(member.email)): TxItem {
  return claim(keys.emailClaim(member.tenantId, member.email), 'emailClaim', { memberId: member.id }, onTaken);
}

/**
 * The tenant's counters moving with a member change, inside the same
 * transaction: taking a seat needs a free one (409 `seat-limit-reached` with
 * the exact usage); losing an active admin needs another (409 `last-admin`).
 */
export function tenantCounters(tenantId: string, delta: { seats: number; admins: number }): TxItem | undefined {
  if (delta.seats === 0 && delta.admins === 0) return undefined;
  const conditions = ['attribute_exists(pk)'];
  // Deltas are ±1 (one member per change); conditions have no arithmetic.
  if (delta.seats > 0) conditions.push('(attribute_not_exists(seatLimit) OR seatsUsed < seatLimit)');
  if (delta.admins < 0) conditions.push('activeAdmins > :one');
  return update(
    {
      Key: keys.tenant(tenantId),
      UpdateExpression: 'ADD seatsUsed :seats, activeAdmins :admins',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeValues: {
        ':seats': delta.seats,
        ':admins': delta.admins,
        ...(delta.admins < 0 ? { ':one': 1 } : {}),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
    (old) => {
      if (!old) return notFound('The tenant');
      const used = Number(old.seatsUsed ?? 0);
      const limit = old.seatLimit === undefined ? null : Number(old.seatLimit);
      if (delta.seats > 0 && limit !== null && used + delta.seats > limit) {
        return seatLimitReached(String(old.plan), used, limit);
      }
      return new DomainError('last-admin', 'This would leave the tenant without an active admin.');
    },
  );
}
