/**
 * Verified-domain repository (DESIGN §1 "Enterprise sign-in", §2a rule 13).
 * A tenant's domain is a `DOMAIN#<d>` item in its partition (status, the
 * challenge to publish, check times); a *verified* domain also holds the one
 * global claim `DOMAIN#<d>` / `#CLAIM` naming its tenant — put in the verify
 * transaction on the condition that no other tenant holds it, so a domain is
 * verified by at most one tenant. Every change is one transaction with its
 * audit item. Verified domains carry GSI2 keys (`DOMAIN_CHECKS`, by next check
 * time): the daily re-check job's work list.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { type DomainRecord, domainEnables } from '../domain/domains.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import { type Actor, auditPut } from './audit.ts';
import { keys } from './keys.ts';
import { sortKeyStartsWith } from './query.ts';
import { INDEXES } from './table.ts';
import { check, put, remove, type TxItem, transact } from './transact.ts';

/** What the global claim says: which tenant verified the domain, and whether it is flagged. */
export interface DomainClaim {
  tenantId: string;
  domain: string;
  status: 'verified';
  flaggedAt?: string;
  graceEndsAt?: string;
}

const HIDDEN = new Set(['pk', 'sk', 'gsi2pk', 'gsi2sk', 'entity']);

function recordOf(item: Record<string, unknown>): DomainRecord {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(item)) if (!HIDDEN.has(key)) record[key] = item[key];
  return record as unknown as DomainRecord;
}

function domainItem(record: DomainRecord) {
  return {
    ...keys.domain(record.tenantId, record.domain),
    entity: 'domain',
    ...record,
    ...(record.status === 'verified' && record.nextCheckAt
      ? keys.domainCheck(record.tenantId, record.domain, record.nextCheckAt)
      : {}),
  };
}

export const verifiedElsewhere = () =>
  conflict('This domain is verified by another organisation. Ask them to remove it before you verify it here.');

const changedMeanwhile = () =>
  new DomainError('precondition-failed', 'The domain changed meanwhile; read it again and retry.');

/**
 * The tenant whose verified domain `domain` is (lower-cased, exact match), or
 * undefined: none verified it, or it is flagged (its record disappeared) and
 * its grace period has passed. What JIT provisioning and auto-join ask.
 */
export async function verifiedDomainTenant(domain: string, now: Date = new Date()): Promise<string | undefined> {
  const claim = await getDomainClaim(domain.trim().toLowerCase().replace(/\.$/, ''));
  return claim && domainEnables(claim, now) ? claim.tenantId : undefined;
}

export async function getDomainClaim(domain: string): Promise<DomainClaim | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.domainClaim(domain), ConsistentRead: true }),
  );
  if (!Item || typeof Item.tenantId !== 'string') return undefined;
  return {
    tenantId: Item.tenantId,
    domain,
    status: 'verified',
    ...(typeof Item.flaggedAt === 'string' ? { flaggedAt: Item.flaggedAt } : {}),
    ...(typeof Item.graceEndsAt === 'string' ? { graceEndsAt: Item.graceEndsAt } : {}),
  };
}

export async function getDomain(tenantId: string, domain: string): Promise<DomainRecord | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.domain(tenantId, domain), ConsistentRead: true }),
  );
  return Item ? recordOf(Item) : undefined;
}

/** Every domain of the tenant (at most MAX_DOMAINS), by name, in one query. */
export async function listDomains(tenantId: string): Promise<DomainRecord[]> {
  const range = sortKeyStartsWith('sk', keys.domainPrefix);
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: `pk = :pk AND ${range.condition}`,
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ...range.values },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map(recordOf);
}

/** Verified domains whose re-check is due at `now`, oldest due first (one page of the index). */
export async function dueDomainChecks(now: Date, limit: number): Promise<{ tenantId: string; domain: string }[]> {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: INDEXES.gsi2.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
      ExpressionAttributeValues: { ':pk': keys.domainCheckPartition, ':now': `${now.toISOString()}#\uffff` },
      Limit: limit,
    }),
  );
  return (Items ?? []).map((item) => ({ tenantId: String(item.tenantId), domain: String(item.domain) }));
}

const SHOWN = ['status', 'verifiedAt', 'flaggedAt', 'graceEndsAt'] as const;
const shown = (record: DomainRecord | undefined) =>
  record ? Object.fromEntries(SHOWN.map((f) => [f, record[f] ?? null])) : null;

/** The claim as `next` (verified) has it: put on the condition no other tenant holds the domain. */
function claimPut(next: DomainRecord): TxItem {
  return put(
    {
      Item: {
        ...keys.domainClaim(next.domain),
        entity: 'domainClaim',
        tenantId: next.tenantId,
        domain: next.domain,
        status: 'verified',
        ...(next.flaggedAt ? { flaggedAt: next.flaggedAt } : {}),
        ...(next.graceEndsAt ? { graceEndsAt: next.graceEndsAt } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :tenant',
      ExpressionAttributeValues: { ':tenant': next.tenantId },
    },
    verifiedElsewhere,
  );
}

/** The claim goes with this tenant's verified domain (never another tenant's claim). */
function claimRemove(record: DomainRecord): TxItem {
  return remove(
    {
      Key: keys.domainClaim(record.domain),
      ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :tenant',
      ExpressionAttributeValues: { ':tenant': record.tenantId },
    },
    changedMeanwhile,
  );
}

export interface DomainChange {
  /** undefined: a new domain. */
  current: DomainRecord | undefined;
  /** undefined: the domain is removed. */
  next: DomainRecord | undefined;
  actor: Actor;
  /** The audit action; none for a routine re-check that changed nothing a person cares about. */
  action?: string;
  at: string;
  extra?: TxItem[];
}

/**
 * One domain change in ONE transaction: the tenant's item (conditioned on the
 * version read), the global claim (taken while verified, kept in step with
 * the flag, released otherwise) and the audit item.
 */
export async function writeDomainChange(change: DomainChange): Promise<void> {
  const { current, next, actor, action, at } = change;
  const record = (next ?? current) as DomainRecord;
  const items: TxItem[] = [];
  if (next) {
    items.push(
      put(
        current
          ? {
              Item: domainItem(next),
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': current.version },
            }
          : { Item: domainItem(next), ConditionExpression: 'attribute_not_exists(pk)' },
        current ? changedMeanwhile : () => conflict(`${next.domain} is already one of this organisation’s domains.`),
      ),
    );
  } else if (current) {
    items.push(
      remove(
        {
          Key: keys.domain(current.tenantId, current.domain),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': current.version },
        },
        () => notFound('The domain'),
      ),
    );
  }
  if (next?.status === 'verified') items.push(claimPut(next));
  else if (current?.status === 'verified') items.push(claimRemove(current));
  if (action) {
    items.push(
      auditPut({
        tenantId: record.tenantId,
        actor,
        action,
        target: { type: 'domain', id: record.domain },
        before: shown(current),
        after: shown(next),
        at,
      }),
    );
  }
  await transact([...items, ...(change.extra ?? [])]);
}

export const domainUnverified = (detail = 'Your email address is not in a verified domain of this organisation.') =>
  new DomainError('domain-unverified', detail);

/**
 * A condition for a membership's transaction: `domain` is still verified by
 * `tenantId` and not flagged past its grace period at `now` (removed or lost
 * meanwhile: 409 domain-unverified, nothing written).
 */
export function domainStillEnables(domain: string, tenantId: string, now: Date): TxItem {
  return check(
    {
      Key: keys.domainClaim(domain),
      ConditionExpression: 'tenantId = :tenant AND (attribute_not_exists(graceEndsAt) OR graceEndsAt > :now)',
      ExpressionAttributeValues: { ':tenant': tenantId, ':now': now.toISOString() },
    },
    () => domainUnverified(),
  );
}
