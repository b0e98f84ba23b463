/**
 * The `IDENTITY#sub` item (DESIGN §2a): which tenant manages the login, where
 * it has joined, whether a password is set, and when its sessions were last
 * revoked. Read in the authorisation round trip; every membership change
 * moves its counters in the member's own transaction.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { type IdentityState, isAccepted, unknownIdentity } from '../domain/identity.ts';
import type { MemberRecord } from '../domain/records.ts';
import { keys, normaliseEmail } from './keys.ts';
import { type TxItem, update } from './transact.ts';

export function identityFromItem(item: Record<string, unknown>): IdentityState {
  const accepted = item.acceptedTenants;
  return {
    id: String(item.id),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(typeof item.emailProven === 'string' ? { emailProven: item.emailProven } : {}),
    managedBy: typeof item.managedBy === 'string' ? item.managedBy : null,
    acceptedTenants: accepted instanceof Set || Array.isArray(accepted) ? [...accepted].map(String) : [],
    membershipCount: Number(item.membershipCount ?? 0),
    hasPassword: item.hasPassword !== false,
    mustChangePassword: item.mustChangePassword === true,
    tokensValidAfter: Number(item.tokensValidAfter ?? 0),
    tenantStampedAt: Number(item.tenantStampedAt ?? 0),
    ...(typeof item.mfaEnrolledAt === 'string' ? { mfaEnrolledAt: item.mfaEnrolledAt } : {}),
    version: Number(item.version ?? 0),
    ...(item.ssoOnly === true ? { ssoOnly: true } : {}),
  };
}

/** The stored state, or that of a login Roster never recorded (managed by nobody). */
export function identityOrUnknown(id: string, item: Record<string, unknown> | undefined): IdentityState {
  return item ? identityFromItem(item) : unknownIdentity(id);
}

export async function getIdentity(id: string): Promise<IdentityState | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.identity(id), ConsistentRead: true }),
  );
  return Item ? identityFromItem(Item) : undefined;
}

/** A change to one identity item, merged into a single update of the transaction it rides in. */
export interface IdentityPatch {
  /** Written only when the item is new: who made the login, and its address. */
  init?: {
    email: string;
    managedBy: string | null;
    hasPassword: boolean;
    mustChangePassword?: boolean;
    /** Made by an SSO sign-in: no password anybody knows (IdentityState.ssoOnly). */
    ssoOnly?: boolean;
  };
  /** Memberships gained (+1) or lost (−1). */
  memberships?: number;
  /** The tenant where an accepted membership starts (`add`) or ends (`remove`). */
  accepted?: { add?: string; remove?: string };
  /** Credential change: tokens authenticated before this instant (epoch ms) are refused. */
  revokeSessionsAt?: number;
  /** A tenant stamped its own membership (DESIGN §2a rule 11): refuses nothing here; sign-ins wait it out. */
  tenantStampAt?: number;
  email?: string;
  /** The person used what Roster mailed to this address (an invitation's link, a recovery code). */
  emailProven?: string;
  hasPassword?: boolean;
  mustChangePassword?: boolean;
  /** Two-factor authentication set up (an ISO instant) or reset (null: removed). */
  mfaEnrolledAt?: string | null;
  /** The login's last membership goes: the record stays (its stamp keeps old tokens refused), retired. */
  retiredAt?: string;
  /** Condition: the item is still the version the decision was made on (0 = still absent). */
  expectVersion?: number;
}

/** How a member change moves its identity's counters (none for a change within the same kind of status). */
export function membershipMove(current: MemberRecord | undefined, next: MemberRecord | undefined): IdentityPatch {
  const tenantId = (current ?? next)?.tenantId as string;
  const was = isAccepted(current?.status);
  const is = isAccepted(next?.status);
  return {
    memberships: Number(next !== undefined) - Number(current !== undefined),
    accepted: was === is ? undefined : is ? { add: tenantId } : { remove: tenantId },
  };
}

export function mergePatches(...patches: (IdentityPatch | undefined)[]): IdentityPatch {
  const merged: IdentityPatch = {};
  for (const patch of patches) {
    if (!patch) continue;
    const memberships = (merged.memberships ?? 0) + (patch.memberships ?? 0);
    Object.assign(merged, patch, { memberships, accepted: patch.accepted ?? merged.accepted });
  }
  return merged;
}

const isEmpty = (p: IdentityPatch) =>
  !p.init &&
  !p.memberships &&
  !p.accepted &&
  p.revokeSessionsAt === undefined &&
  p.tenantStampAt === undefined &&
  p.email === undefined &&
  p.emailProven === undefined &&
  p.hasPassword === undefined &&
  p.mustChangePassword === undefined &&
  p.retiredAt === undefined &&
  p.mfaEnrolledAt === undefined &&
  p.expectVersion === undefined;

const identityChanged = () =>
  new DomainError('conflict', 'This person’s login changed meanwhile (they joined or left a tenant); retry.');

/** One Update of `IDENTITY#id` (created when absent), or nothing when the patch changes nothing. */
export function identityUpdate(id: string, patch: IdentityPatch): TxItem | undefined {
  if (isEmpty(patch)) return undefined;
  const names: Record<string, string> = { '#entity': 'entity', '#id': 'id', '#version': 'version' };
  const values: Record<string, unknown> = { ':entity': 'identity', ':id': id, ':one': 1 };
  const sets = ['#entity = :entity', '#id = :id'];
  const adds = ['#version :one'];
  const deletes: string[] = [];
  const removes: string[] = [];
  const conditions: string[] = [];
  const set = (name: string, value: unknown, ifNew = false) => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(ifNew ? `#${name} = if_not_exists(#${name}, :${name})` : `#${name} = :${name}`);
  };
  if (patch.init) {
    set('email', normaliseEmail(patch.email ?? patch.init.email), patch.email === undefined);
    set('managedBy', patch.init.managedBy, true);
    if (patch.hasPassword === undefined) set('hasPassword', patch.init.hasPassword, true);
    if (patch.mustChangePassword === undefined) set('mustChangePassword', patch.init.mustChangePassword ?? false, true);
    if (patch.init.ssoOnly) set('ssoOnly', true, true);
  } else if (patch.email !== undefined) set('email', normaliseEmail(patch.email));
  if (patch.emailProven !== undefined) set('emailProven', normaliseEmail(patch.emailProven));
  if (patch.hasPassword !== undefined) set('hasPassword', patch.hasPassword);
  // A password somebody knows now (recovered, set by an admin): the login's sessions are no longer all SSO ones.
  if (patch.hasPassword === true && !patch.init?.ssoOnly) {
    names['#ssoOnly'] = 'ssoOnly';
    removes.push('#ssoOnly');
  }
  if (patch.mustChangePassword !== undefined) set('mustChangePassword', patch.mustChangePassword);
  if (patch.revokeSessionsAt !== undefined) set('tokensValidAfter', patch.revokeSessionsAt);
  if (patch.tenantStampAt !== undefined) set('tenantStampedAt', patch.tenantStampAt);
  if (patch.retiredAt !== undefined) set('retiredAt', patch.retiredAt);
  if (patch.mfaEnrolledAt !== undefined) {
    if (patch.mfaEnrolledAt === null) {
      names['#mfaEnrolledAt'] = 'mfaEnrolledAt';
      removes.push('#mfaEnrolledAt');
    } else set('mfaEnrolledAt', patch.mfaEnrolledAt);
  }
  if (patch.memberships) {
    names['#count'] = 'membershipCount';
    values[':count'] = patch.memberships;
    adds.push('#count :count');
  }
  if (patch.accepted?.add || patch.accepted?.remove) names['#accepted'] = 'acceptedTenants';
  if (patch.accepted?.add) {
    values[':addTenant'] = new Set([patch.accepted.add]);
    adds.push('#accepted :addTenant');
  }
  if (patch.accepted?.remove) {
    values[':removeTenant'] = new Set([patch.accepted.remove]);
    deletes.push('#accepted :removeTenant');
  }
  if (patch.expectVersion !== undefined) {
    if (patch.expectVersion === 0) conditions.push('attribute_not_exists(#version)');
    else {
      values[':expectVersion'] = patch.expectVersion;
      conditions.push('#version = :expectVersion');
    }
  }
  const expression = [
    `SET ${sets.join(', ')}`,
    `ADD ${adds.join(', ')}`,
    ...(deletes.length ? [`DELETE ${deletes.join(', ')}`] : []),
    ...(removes.length ? [`REMOVE ${removes.join(', ')}`] : []),
  ].join(' ');
  return update(
    {
      Key: keys.identity(id),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
    },
    identityChanged,
  );
}

/**
 * Marks the record of a login that has no membership left as retired, so its
 * login can go. The item itself stays: its session stamp keeps refusing the
 * old tokens of a login that no longer exists. False when a racing new
 * membership means the login stays.
 */
export async function retireIdentity(id: string, at: string): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.identity(id),
        UpdateExpression: 'SET retiredAt = :at',
        ConditionExpression: 'attribute_not_exists(membershipCount) OR membershipCount <= :zero',
        ExpressionAttributeValues: { ':zero': 0, ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
