/**
 * Member cards on team links. Each `TEAM#id#MEMBER#uid` link carries what a
 * strategy and the team's member list need of that member — name, email,
 * status, role and grants (their rights), availability and working hours, teams, the member's
 * `version` and open load — so a pick or a page of the team reads ONE
 * partition range instead of every member item.
 *
 * The member item stays the authority. Every write that changes a member
 * refreshes their cards in the same transaction (`withMemberCards`, called by
 * `writeMemberChange`); every pick is conditioned on the member's `version`
 * being the card's (a stale card fails the pick, which then reads the member);
 * the card's `load` moves by ADD in the very transactions that move the
 * member's `openAssignments`.
 */
import { conflict, type DomainError } from '../domain/errors.ts';
import type { MemberRecord } from '../domain/records.ts';
import { keys } from './keys.ts';
import { check, put, type TxItem, transact, update } from './transact.ts';

/** The member's fields a card copies (besides `version` → `memberVersion`). */
export const CARD_FIELDS = [
  'name',
  'email',
  'status',
  'role',
  'roleId',
  'grants',
  'crmAccess',
  'availability',
  'awaySince',
  'workingHours',
  'teamIds',
] as const;

export type Card = Pick<MemberRecord, (typeof CARD_FIELDS)[number] | 'id' | 'version'>;

/** A member link as read: the card is absent on links written before cards existed (read the member then). */
export interface Link {
  teamId: string;
  memberId: string;
  addedAt: string;
  card?: Card;
  /** The member's open conversations, as of the last transaction that moved them. */
  load?: number;
}

export function linkFromItem(item: Record<string, unknown>): Link {
  const link: Link = { teamId: String(item.teamId), memberId: String(item.memberId), addedAt: String(item.addedAt) };
  if (typeof item.memberVersion === 'number') {
    const card: Record<string, unknown> = { id: link.memberId, version: item.memberVersion };
    for (const field of CARD_FIELDS) if (item[field] !== undefined) card[field] = item[field];
    card.teamIds ??= [];
    card.grants ??= [];
    link.card = card as unknown as Card;
  }
  if (typeof item.load === 'number') link.load = item.load;
  return link;
}

/** The card attributes of a link, from the member as written. */
export function cardAttributes(member: MemberRecord): Record<string, unknown> {
  const attributes: Record<string, unknown> = { memberVersion: member.version };
  for (const field of CARD_FIELDS) attributes[field] = member[field];
  return attributes;
}

function linkIdentity(tenantId: string, teamId: string, memberId: string) {
  return { ...keys.teamMember(tenantId, teamId, memberId), entity: 'teamMember', tenantId, teamId, memberId };
}

/** A new link; with the member given, its card and load as read (the caller's transaction pins the load). */
export function linkCreate(
  tenantId: string,
  teamId: string,
  member: MemberRecord | string,
  at: string,
  onTaken: () => DomainError,
): TxItem {
  const memberId = typeof member === 'string' ? member : member.id;
  return put(
    {
      Item: {
        ...linkIdentity(tenantId, teamId, memberId),
        addedAt: at,
        ...(typeof member === 'string' ? {} : { ...cardAttributes(member), load: member.openAssignments }),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    onTaken,
  );
}

/** Writes the member's card onto their existing link (load untouched, or set once when missing). */
export function cardUpsert(
  member: MemberRecord,
  teamId: string,
  at: string,
  options: { exactLoad?: boolean } = {},
): TxItem {
  const { pk, sk, ...identity } = linkIdentity(member.tenantId, teamId, member.id);
  const attributes: Record<string, unknown> = { ...identity, ...cardAttributes(member) };
  const names: Record<string, string> = { '#load': 'load', '#addedAt': 'addedAt' };
  const values: Record<string, unknown> = { ':load': member.openAssignments, ':at': at };
  const sets = [
    options.exactLoad ? '#load = :load' : '#load = if_not_exists(#load, :load)',
    '#addedAt = if_not_exists(#addedAt, :at)',
  ];
  const removes: string[] = [];
  Object.entries(attributes).forEach(([field, value], i) => {
    names[`#c${i}`] = field;
    if (value === undefined) removes.push(`#c${i}`);
    else {
      values[`:c${i}`] = value;
      sets.push(`#c${i} = :c${i}`);
    }
  });
  return update({
    Key: { pk, sk },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/** The member's load on every link of theirs: ADD `delta`, in the transaction that moves their counter. */
export function loadMoves(tenantId: string, memberId: string, teamIds: readonly string[], delta: number): TxItem[] {
  if (delta === 0) return [];
  return [...new Set(teamIds)].map((teamId) => {
    const { pk, sk } = keys.teamMember(tenantId, teamId, memberId);
    return update({
      Key: { pk, sk },
      UpdateExpression: 'ADD #load :delta',
      ExpressionAttributeNames: { '#load': 'load' },
      ExpressionAttributeValues: { ':delta': delta },
    });
  });
}

/**
 * The member's cards follow a member change in its own transaction: links the
 * transaction creates get the card (and the load as read), the member's other
 * links get it written over. A deleted member's links go with it (the caller's items).
 */
export function withMemberCards(items: TxItem[], current: MemberRecord, next: MemberRecord | undefined): TxItem[] {
  if (!next || next.teamIds.length === 0) return items;
  const created = new Set<string>();
  for (const item of items) {
    const written = item.write.Put?.Item;
    if (
      written?.entity === 'teamMember' &&
      written.memberId === next.id &&
      next.teamIds.includes(String(written.teamId))
    ) {
      Object.assign(written, cardAttributes(next), { load: next.openAssignments });
      created.add(String(written.teamId));
    }
  }
  const at = next.updatedAt ?? current.updatedAt;
  return [
    ...items,
    ...next.teamIds.filter((teamId) => !created.has(teamId)).map((teamId) => cardUpsert(next, teamId, at)),
  ];
}

/**
 * Rewrites the cards of members read from their own items (card missing,
 * stale or with a drifted load), each only while the member is still as read.
 */
export async function repairCards(tenantId: string, members: readonly MemberRecord[]): Promise<void> {
  let items: TxItem[] = [];
  const flush = async () => {
    if (items.length) await transact(items);
    items = [];
  };
  for (const member of members) {
    if (member.teamIds.length === 0) continue;
    if (items.length + member.teamIds.length + 1 > 100) await flush();
    items.push(
      check(
        {
          Key: keys.member(tenantId, member.id),
          ConditionExpression: '#version = :version AND (attribute_not_exists(#open) OR #open = :open)',
          ExpressionAttributeNames: { '#version': 'version', '#open': 'openAssignments' },
          ExpressionAttributeValues: { ':version': member.version, ':open': member.openAssignments ?? 0 },
        },
        () => conflict('The member changed while their team cards were repaired.'),
      ),
      ...member.teamIds.map((teamId) => cardUpsert(member, teamId, member.updatedAt, { exactLoad: true })),
    );
  }
  await flush();
}
