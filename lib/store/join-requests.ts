/**
 * Join requests (auto-join in `request` mode): a `JOIN_REQUEST#<identityId>`
 * item in the tenant's partition — one per person and tenant — written with
 * its audit item and the condition that the domain still enables auto-join;
 * approving (a new member, lib/store/members.ts's insertMember) or denying
 * removes it in the same transaction.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { type Actor, auditPut } from './audit.ts';
import { domainStillEnables } from './domains.ts';
import { keys } from './keys.ts';
import { queryPage } from './query.ts';
import { put, remove, type TxItem, transact } from './transact.ts';

export interface JoinRequestRecord {
  tenantId: string;
  /** The person's login (their member id once approved). */
  id: string;
  email: string;
  name: string;
  domain: string;
  requestedAt: string;
}

const HIDDEN = new Set(['pk', 'sk', 'entity']);
const recordOf = (item: Record<string, unknown>) => {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(item)) if (!HIDDEN.has(key)) record[key] = item[key];
  return record as unknown as JoinRequestRecord;
};

export async function getJoinRequest(tenantId: string, id: string): Promise<JoinRequestRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.joinRequest(tenantId, id), ConsistentRead: true }),
  );
  return Item ? recordOf(Item) : undefined;
}

export async function listJoinRequests(tenantId: string, page: { limit: number; cursor?: string }) {
  const { items, nextCursor } = await queryPage({
    scope: `JOIN_REQUESTS#${tenantId}`,
    partition: keys.tenant(tenantId).pk,
    sortPrefix: keys.joinRequestPrefix,
    page,
  });
  return { items: items.map(recordOf), nextCursor };
}

/** The request, its `member.join_requested` audit item, and the domain still verified — one transaction. */
export async function insertJoinRequest(request: JoinRequestRecord, actor: Actor, now: Date): Promise<void> {
  await transact([
    put(
      {
        Item: { ...keys.joinRequest(request.tenantId, request.id), entity: 'joinRequest', ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      () => conflict('You already asked to join this organisation; an admin will answer your request.'),
    ),
    domainStillEnables(request.domain, request.tenantId, now),
    auditPut({
      tenantId: request.tenantId,
      actor,
      action: 'member.join_requested',
      target: { type: 'member', id: request.id },
      after: { email: request.email, name: request.name, domain: request.domain },
      at: request.requestedAt,
    }),
  ]);
}

/** Removes the request as part of its answer's transaction (gone meanwhile: 404, nothing written). */
export function takeJoinRequest(request: Pick<JoinRequestRecord, 'tenantId' | 'id'>): TxItem {
  return remove(
    { Key: keys.joinRequest(request.tenantId, request.id), ConditionExpression: 'attribute_exists(pk)' },
    () => notFound('The join request'),
  );
}

/** Any request of the person's, dropped when they join another way (no condition: it may not exist). */
export function dropJoinRequest(tenantId: string, id: string): TxItem {
  return remove({ Key: keys.joinRequest(tenantId, id) });
}

export async function denyJoinRequest(request: JoinRequestRecord, actor: Actor, at: string): Promise<void> {
  await transact([
    takeJoinRequest(request),
    auditPut({
      tenantId: request.tenantId,
      actor,
      action: 'member.join_denied',
      target: { type: 'member', id: request.id },
      before: { email: request.email, name: request.name, domain: request.domain },
      at,
    }),
  ]);
}
