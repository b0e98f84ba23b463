/**
 * Member repository: membership items, the identity index, invitation tokens
 * and the one-round-trip access read used by authorisation.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { IdentityState } from '../domain/identity.ts';
import { inactiveSince, inactivityCutoff } from '../domain/inactivity.ts';
import { activeAdminDelta, holdsSeat } from '../domain/lifecycle.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { queryWords } from '../domain/search.ts';
import { type Actor, auditPut } from './audit.ts';
import { withMemberCards } from './cards.ts';
import { release } from './claims.ts';
import { decodeCursor, filteredScope, invalidCursor, pageOf } from './cursor.ts';
import { versionedUpdate } from './diff.ts';
import { type IdentityPatch, identityOrUnknown, identityUpdate, membershipMove, mergePatches } from './identities.ts';
import { memberFromItem, tenantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { emailClaim, emailTaken, memberItem, tenantCounters } from './member-items.ts';
import { roleHolderChange } from './roles.ts';
import { INDEXES, KEY_ATTRIBUTES, TABLE_KEYS } from './table.ts';
import { put, remove, type TxItem, transact, update } from './transact.ts';
import { wordWrites } from './words.ts';

export interface Access {
  tenant?: TenantRecord;
  member?: MemberRecord;
  /** The member's login (its session stamp, who manages it); an unrecorded login reads as managed by nobody. */
  identity: IdentityState;
}

/** Consistent BatchGetItem of `keys`, unprocessed keys fetched once more rather than denied. */
export async function batchRead(keyList: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const table = config().tableName;
  const out = await dynamo().send(
    new BatchGetCommand({ RequestItems: { [table]: { Keys: keyList, ConsistentRead: true } } }),
  );
  let items = out.Responses?.[table] ?? [];
  // Unprocessed keys only appear under throttling.
  const unprocessed = out.UnprocessedKeys?.[table]?.Keys;
  if (unprocessed?.length) {
    const again = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: unprocessed, ConsistentRead: true } } }),
    );
    items = [...items, ...(again.Responses?.[table] ?? [])];
  }
  return items;
}

/**
 * The caller's membership, its tenant (with custom role permissions) and the
 * caller's identity (session stamp): ONE consistent round trip.
 */
export async function loadAccess(tenantId: string, memberId: string): Promise<Access> {
  const items = await batchRead([keys.tenant(tenantId), keys.member(tenantId, memberId), keys.identity(memberId)]);
  const access: Partial<Access> = {};
  let identity: Record<string, unknown> | undefined;
  for (const item of items) {
    if (item.entity === 'tenant') access.tenant = tenantFromItem(item);
    else if (item.entity === 'member') access.member = memberFromItem(item);
    else if (item.entity === 'identity') identity = item;
  }
  return { ...access, identity: identityOrUnknown(memberId, identity) };
}

/** A member named by a route and that person's login: ONE consistent round trip. */
export async function loadMemberWithIdentity(
  tenantId: string,
  memberId: string,
): Promise<{ member?: MemberRecord; identity: IdentityState }> {
  const items = await batchRead([keys.member(tenantId, memberId), keys.identity(memberId)]);
  const member = items.find((i) => i.entity === 'member');
  return {
    member: member ? memberFromItem(member) : undefined,
    identity: identityOrUnknown(
      memberId,
      items.find((i) => i.entity === 'identity'),
    ),
  };
}

/**
 * Every membership item of one identity (GSI1, eventually consistent), without
 * their tenants: what the shared-identity guard and the session checks need.
 */
export async function membersOfIdentity(identityId: string): Promise<MemberRecord[]> {
  const { partitionKey } = INDEXES.gsi1;
  const members: MemberRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        IndexName: INDEXES.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': keys.identityPartition(identityId) },
        ExclusiveStartKey: start,
      }),
    );
    members.push(...(out.Items ?? []).map(memberFromItem));
    start = out.LastEvaluatedKey;
  } while (start);
  return members;
}

/**
 * Every membership of one identity (via GSI1), with its tenant, and the
 * identity's own record read in the same BatchGetItem (its session check).
 */
export async function membershipsOf(identityId: string): Promise<{
  memberships: { member: MemberRecord; tenant: TenantRecord | undefined }[];
  identity: IdentityState;
}> {
  const table = config().tableName;
  const members = await membersOfIdentity(identityId);
  const tenants = new Map<string, TenantRecord>();
  let identity: Record<string, unknown> | undefined;
  const wanted = [keys.identity(identityId), ...members.map((m) => keys.tenant(m.tenantId))];
  for (let i = 0; i < wanted.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100);
    while (pending?.length) {
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        if (item.entity === 'identity') identity = item;
        else tenants.set(String(item.id), tenantFromItem(item));
      }
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return {
    memberships: members.map((member) => ({ member, tenant: tenants.get(member.tenantId) })),
    identity: identityOrUnknown(identityId, identity),
  };
}

/** Records that the invitation email for this token could not be sent (shown to admins; resend fixes it). */
export async function markDeliveryFailed(member: MemberRecord, tokenHash: string, at: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(member.tenantId, member.id),
        UpdateExpression: 'SET invitation.deliveryFailedAt = :at',
        ConditionExpression: 'invitation.tokenHash = :hash',
        ExpressionAttributeValues: { ':at': at, ':hash': tokenHash },
      }),
    )
    .catch((error: unknown) => {
      // The invitation was replaced or accepted meanwhile: nothing left to mark.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
}

/**
 * DESIGN §2a rule 11: the member's tenant refuses these tokens (`<exp>:<jti>`,
 * a refresh of a session it ended). Not a member change (no version, no
 * audit): the tenant's decision was audited when it ended the session.
 * Entries of expired tokens are dropped first.
 */
export async function refuseTokens(member: MemberRecord, entries: string[], expired: string[]): Promise<void> {
  const send = async (expression: string, values: Set<string>) => {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: config().tableName,
          Key: keys.member(member.tenantId, member.id),
          UpdateExpression: `${expression} refusedTokens :entries`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':entries': values },
        }),
      );
    } catch (error) {
      // The member was deleted meanwhile: this tenant no longer knows the person at all.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  };
  if (expired.length > 0) await send('DELETE', new Set(expired));
  await send('ADD', new Set(entries));
}

/**
 * Claims an invitation for one accept before anything touches the login
 * (issue 17: concurrent accepts each set a password, and the losers' rollback
 * scrambled the winner's). The claim holds while the link is the one read
 * (same version and token) and no other live claim exists; a claim left by
 * a request that died lapses at `until`. The version does not move: the
 * activation is still checked against the member as read.
 */
export async function claimInvitation(
  member: MemberRecord,
  claim: { id: string; until: string },
  now: Date,
): Promise<'claimed' | 'busy' | 'gone'> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(member.tenantId, member.id),
        UpdateExpression: 'SET invitation.acceptingId = :id, invitation.acceptingUntil = :until',
        ConditionExpression:
          '#version = :version AND invitation.tokenHash = :hash AND ' +
          '(attribute_not_exists(invitation.acceptingUntil) OR invitation.acceptingUntil < :now)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':id': claim.id,
          ':until': claim.until,
          ':version': member.version,
          ':hash': member.invitation?.tokenHash,
          ':now': now.toISOString(),
        },
      }),
    );
    return 'claimed';
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const stored = await getMember(member.tenantId, member.id);
    const same = stored?.version === member.version && stored.invitation?.tokenHash === member.invitation?.tokenHash;
    return same ? 'busy' : 'gone';
  }
}

/** Gives a claim up (its accept failed before activating): the same link may be used again at once. */
export async function releaseInvitationClaim(member: MemberRecord, claimId: string): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.member(member.tenantId, member.id),
        UpdateExpression: 'REMOVE invitation.acceptingId, invitation.acceptingUntil',
        ConditionExpression: 'invitation.acceptingId = :id',
        ExpressionAttributeValues: { ':id': claimId },
      }),
    );
  } catch (error) {
    // Not ours any more (the member changed, or the claim lapsed and another took it): nothing to give up.
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** Members of one tenant by id (consistent, 100 per BatchGetItem); the ones that no longer exist are absent. */
export async function readMembers(tenantId: string, memberIds: readonly string[]): Promise<MemberRecord[]> {
  const members: MemberRecord[] = [];
  for (let i = 0; i < memberIds.length; i += 100) {
    const items = await batchRead(memberIds.slice(i, i + 100).map((id) => keys.member(tenantId, id)));
    members.push(...items.map(memberFromItem));
  }
  return members;
}

export async function getMember(tenantId: string, memberId: string): Promise<MemberRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.member(tenantId, memberId), ConsistentRead: true }),
  );
  return Item ? memberFromItem(Item) : undefined;
}

/** Whether the address already has a membership (or invitation) in this tenant: checked before any Cognito call. */
export async function emailClaimed(tenantId: string, email: string): Promise<boolean> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config().tableName,
      Key: keys.emailClaim(tenantId, email),
      ConsistentRead: true,
      ProjectionExpression: 'pk',
    }),
  );
  return Item !== undefined;
}

/** What an audit item may show of a member: never the invitation's token hash. */
function auditable(member: MemberRecord | undefined, fields: readonly string[]) {
  if (!member) return null;
  const shown: Record<string, unknown> = {};
  for (const field of fields) {
    const value = (member as unknown as Record<string, unknown>)[field];
    shown[field] =
      field === 'invitation' && member.invitation
        ? { expiresAt: member.invitation.expiresAt, sendCount: member.invitation.sendCount }
        : (value ?? null);
  }
  return shown;
}

const AUDIT_HIDDEN = new Set<string>([
  'updatedAt',
  'version',
  'searchName',
  'inactiveSince',
  'sessionsValidAfter',
  'refusedTokens',
  ...KEY_ATTRIBUTES,
]);

/** A new member (invited or created active): takes a seat, claims the email, audited — all or nothing. */
export async function insertMember(input: {
  member: MemberRecord;
  actor: Actor;
  action: string;
  /** What else changes on the person's login (its creation, a password set); the membership count moves anyway. */
  identity?: IdentityPatch;
  extra?: TxItem[];
}): Promise<void> {
  const { member, actor, action } = input;
  const identity = identityUpdate(member.id, mergePatches(membershipMove(undefined, member), input.identity));
  const counters = tenantCounters(member.tenantId, {
    seats: holdsSeat(member.status) ? 1 : 0,
    admins: activeAdminDelta(undefined, member),
  });
  await transact([
    ...(counters ? [counters] : []),
    put({ Item: memberItem(member), ConditionExpression: 'attribute_not_exists(pk)' }, emailTaken(member.email)),
    emailClaim(member),
    auditPut({
      tenantId: member.tenantId,
      actor,
      action,
      target: { type: 'member', id: member.id },
      after: auditable(member, [
        'email',
        'name',
        'role',
        'roleId',
        'grants',
        'crmAccess',
        'teamIds',
        'status',
        'invitation',
      ]),
      at: member.createdAt,
      version: member.version,
    }),
    ...(identity ? [identity] : []),
    ...roleHolderChange(undefined, member),
    // The word index (lib/store/words.ts) joins with the member.
    ...wordWrites(undefined, member),
    ...(input.extra ?? []),
  ]);
}

export interface MemberChange {
  current: MemberRecord;
  /** undefined deletes the member (and its email claim). */
  next: MemberRecord | undefined;
  actor: Actor;
  action: string;
  at: string;
  /** The error when the member changed since it was read (version moved). */
  onStale?: () => DomainError;
  /** What else changes on the person's login (sessions revoked, …); joins and leaves move anyway. */
  identity?: IdentityPatch;
  /** Why (a system actor's change): recorded with the audit item's `after`. */
  reason?: string;
  /** A further condition on the member item as stored (e.g. "still not signed in since …"); failing it is `onStale`. */
  condition?: { expression: string; values: Record<string, unknown> };
  extra?: TxItem[];
}

const changedMeanwhile = () => new DomainError('conflict', 'The member changed meanwhile; read it again and retry.');

/**
 * Any change to an existing member, as ONE transaction: the member item
 * (version-checked), the tenant's seat and admin counters, the email claim when
 * the email changes or the member goes, and the audit item with before/after.
 */
export async function writeMemberChange(change: MemberChange): Promise<void> {
  const { current, next, actor, action, at } = change;
  const onStale = change.onStale ?? changedMeanwhile;
  const key = keys.member(current.tenantId, current.id);
  const items: TxItem[] = [];
  let fields: string[];
  if (next) {
    const update_ = versionedUpdate(memberItem(current), memberItem(next), change.condition);
    if (!update_) return;
    const { changed, ...expression } = update_;
    fields = changed.filter((f) => !AUDIT_HIDDEN.has(f));
    items.push(update({ Key: key, ...expression }, onStale));
    if (next.email !== current.email) {
      items.push(release(keys.emailClaim(current.tenantId, current.email), { memberId: current.id }), emailClaim(next));
    }
  } else {
    fields = ['email', 'name', 'role', 'status'];
    items.push(
      remove(
        {
          Key: key,
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': current.version },
        },
        onStale,
      ),
      remove({ Key: keys.emailClaim(current.tenantId, current.email) }),
    );
  }
  const counters = tenantCounters(current.tenantId, {
    seats: Number(next !== undefined && holdsSeat(next.status)) - Number(holdsSeat(current.status)),
    admins: activeAdminDelta(current, next),
  });
  if (counters) items.push(counters);
  // The word index moves with the name and email (and goes with the member).
  items.push(...wordWrites(current, next));
  const identity = identityUpdate(current.id, mergePatches(membershipMove(current, next), change.identity));
  if (identity) items.push(identity);
  items.push(...roleHolderChange(current, next));
  items.push(
    auditPut({
      tenantId: current.tenantId,
      actor,
      action,
      target: { type: 'member', id: current.id },
      before: auditable(current, fields),
      after: change.reason ? { ...auditable(next, fields), reason: change.reason } : auditable(next, fields),
      at,
      // The version the update wrote (versionedUpdate bumps it by one); none once deleted.
      ...(next ? { version: current.version + 1 } : {}),
    }),
    ...(change.extra ?? []),
  );
  // The member's cards on their team links follow in the same transaction (lib/store/cards.ts).
  await transact(withMemberCards(items, current, next));
}

export interface MemberFilter {
  status?: string;
  role?: string;
  team?: string;
  /** Words, each starting a word of the name or the email (NFKC, case-insensitive; lib/domain/search.ts). */
  q?: string;
  /** No sign-in for this many days (never signed in: since invited or created). */
  inactiveDays?: number;
}

/** `lastLoginAt`: least recent first (never signed in first); `-lastLoginAt`: most recent first. */
export type MemberSort = 'lastLoginAt' | '-lastLoginAt';

/** How many items one filtered page may examine: one round trip, bounded cost whatever the tenant size. */
const FILTERED_READ_BUDGET = 500;

const TABLE_POSITION = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey] as const;
const ACTIVITY_POSITION = [...TABLE_POSITION, INDEXES.gsi3.partitionKey, INDEXES.gsi3.sortKey] as const;
const NAME_POSITION = [...TABLE_POSITION, INDEXES.gsi4.partitionKey, INDEXES.gsi4.sortKey] as const;

/** Whether a member read by id passes the list's other filters (a search applies them after its word lookup). */
function passes(member: MemberRecord, filter: MemberFilter, cutoff: string | undefined): boolean {
  if (filter.status && member.status !== filter.status) return false;
  if (filter.role && member.role !== filter.role) return false;
  if (filter.team && !member.teamIds.includes(filter.team)) return false;
  if (cutoff !== undefined && !(inactiveSince(member) < cutoff)) return false;
  return true;
}

/**
 * A search (`q`): ONE query of the word index for the longest word of `q`
 * (every word starting with it), the other words matched against each hit's
 * word list, then the page's members read by id (one BatchGetItem), the
 * other filters applied to them. Ordered by the word matched, then id.
 */
async function searchMembers(
  tenantId: string,
  scope: string,
  page: { limit: number; cursor?: string },
  filter: MemberFilter,
  cutoff: string | undefined,
): Promise<{ items: MemberRecord[]; nextCursor: string | null }> {
  const words = queryWords(filter.q ?? '');
  if (words.length === 0) {
    // Nothing to look for: an empty list, which never issues a cursor — so none can resume it.
    if (page.cursor !== undefined) throw invalidCursor();
    return { items: [], nextCursor: null };
  }
  const lookup = words.reduce((a, b) => ([...b].length > [...a].length ? b : a));
  const others = words.filter((w) => w !== lookup);
  const partition = keys.tenant(tenantId).pk;
  const prefix = keys.memberWordPrefix(lookup);
  const start = decodeCursor(scope, page.cursor, {
    attributes: TABLE_POSITION,
    partition: { attribute: TABLE_KEYS.partitionKey, value: partition },
    sort: { attribute: TABLE_KEYS.sortKey, prefix },
  });
  const values: Record<string, unknown> = { ':pk': partition, ':prefix': prefix };
  others.forEach((word, i) => {
    values[`:w${i}`] = ` ${word}`;
  });
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(others.length
        ? {
            FilterExpression: others.map((_, i) => `contains(#text, :w${i})`).join(' AND '),
            ExpressionAttributeNames: { '#text': 'text' },
          }
        : {}),
      ExpressionAttributeValues: values,
      Limit: others.length ? FILTERED_READ_BUDGET : page.limit,
      ExclusiveStartKey: start,
      ConsistentRead: true,
    }),
  );
  const hits = pageOf(scope, out.Items ?? [], page.limit, out.LastEvaluatedKey, TABLE_POSITION);
  // One member may match by two words ("ann" finds "ann" and "anna"): listed once per page.
  const ids = [...new Set(hits.items.map((item) => String(item.memberId)))];
  const found = new Map((await readMembers(tenantId, ids)).map((m) => [m.id, m]));
  const items = ids
    .map((id) => found.get(id))
    .filter((m): m is MemberRecord => m !== undefined && passes(m, filter, cutoff));
  return { items, nextCursor: hits.nextCursor };
}

/**
 * One page of a tenant's members in ONE query: by name (the by-name index,
 * GSI4), or — to sort by last sign-in or find the inactive — from the
 * by-sign-in index (GSI3), where "no sign-in for N days" is a key range; a
 * search (`q`) reads the word index instead (see `searchMembers`). Without
 * filters it reads exactly `limit` items; with filters it examines a bounded
 * slice and may return a short page with a cursor (keep following `nextCursor`).
 */
export async function listMembers(
  tenantId: string,
  page: { limit: number; cursor?: string },
  filter: MemberFilter,
  /**
   * `now`: the clock `inactiveDays` counts back from (the request's); `list`: the list the cursors are bound
   * to, when another list pages the same members (the access review's cursors are not the users list's).
   */
  options: { sort?: MemberSort; now?: Date; list?: string } = {},
): Promise<{ items: MemberRecord[]; nextCursor: string | null }> {
  const { inactiveDays, ...fields } = filter;
  const scope = filteredScope(`${options.list ?? 'MEMBERS'}#${tenantId}`, {
    ...fields,
    q: filter.q === undefined ? undefined : queryWords(filter.q).join(' '),
    inactiveDays: inactiveDays?.toString(),
    sort: options.sort,
  });
  const cutoff = inactiveDays === undefined ? undefined : inactivityCutoff(options.now ?? new Date(), inactiveDays);
  if (filter.q !== undefined) return searchMembers(tenantId, scope, page, filter, cutoff);
  // An index position's table key must be a member of this tenant (not a crafted key of another item type).
  const memberKeyBounds = {
    partition: { attribute: TABLE_KEYS.partitionKey, value: keys.tenant(tenantId).pk },
    sort: { attribute: TABLE_KEYS.sortKey, prefix: keys.memberPrefix },
  };
  const byActivity = options.sort !== undefined || inactiveDays !== undefined;
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.role) {
    conditions.push('#role = :role');
    names['#role'] = 'role';
    values[':role'] = filter.role;
  }
  if (filter.team) {
    conditions.push('contains(teamIds, :team)');
    values[':team'] = filter.team;
  }
  let keyCondition: string;
  let position: readonly string[];
  let start: Record<string, string | number> | undefined;
  let index: string;
  if (byActivity) {
    const partition = keys.memberActivityPartition(tenantId);
    // Everyone below `1#<cutoff>` signed in last before the cutoff — or never; of those, the ones invited or
    // created since the cutoff are not inactive yet (the filter drops them).
    const below = cutoff === undefined ? undefined : keys.signedInBefore(cutoff);
    keyCondition = below ? '#ipk = :pk AND #isk < :below' : '#ipk = :pk';
    names['#ipk'] = INDEXES.gsi3.partitionKey;
    values[':pk'] = partition;
    if (below) {
      names['#isk'] = INDEXES.gsi3.sortKey;
      values[':below'] = below;
      conditions.push('inactiveSince < :cutoff');
      values[':cutoff'] = cutoff;
    }
    index = INDEXES.gsi3.name;
    position = ACTIVITY_POSITION;
    start = decodeCursor(scope, page.cursor, {
      attributes: position,
      partition: { attribute: INDEXES.gsi3.partitionKey, value: partition },
      ...(below ? { sort: { attribute: INDEXES.gsi3.sortKey, to: below } } : {}),
      item: memberKeyBounds,
    });
  } else {
    const partition = keys.memberByNamePartition(tenantId);
    keyCondition = '#npk = :pk';
    names['#npk'] = INDEXES.gsi4.partitionKey;
    values[':pk'] = partition;
    index = INDEXES.gsi4.name;
    position = NAME_POSITION;
    start = decodeCursor(scope, page.cursor, {
      attributes: position,
      partition: { attribute: INDEXES.gsi4.partitionKey, value: partition },
      item: memberKeyBounds,
    });
  }
  const filtered = conditions.length > 0;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: index,
      KeyConditionExpression: keyCondition,
      ...(filtered ? { FilterExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(options.sort === '-lastLoginAt' ? { ScanIndexForward: false } : {}),
      Limit: filtered ? FILTERED_READ_BUDGET : page.limit,
      ExclusiveStartKey: start,
    }),
  );
  const { items, nextCursor } = pageOf(scope, out.Items ?? [], page.limit, out.LastEvaluatedKey, position);
  return { items: items.map(memberFromItem), nextCursor };
}
