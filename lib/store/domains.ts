/**
 * Verified domains (DESIGN §2a rule 13). Minimal stand-in owned by the
 * domains area: the SSO area only asks which tenant holds a verified claim on
 * a domain. A claim item `DOMAIN#<domain>` `#CLAIM` holds `{tenantId, status,
 * flaggedAt?, graceEndsAt?}`; a flagged claim stops counting once its grace
 * period is over.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { keys } from './keys.ts';

/** The tenant that has verified `domain` (and still holds it at `now`), if any. */
export async function verifiedDomainTenant(domain: string, now: Date = new Date()): Promise<string | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config().tableName, Key: keys.domainClaim(domain), ConsistentRead: true }),
  );
  if (!Item || Item.status !== 'verified' || typeof Item.tenantId !== 'string') return undefined;
  if (typeof Item.graceEndsAt === 'string' && Date.parse(Item.graceEndsAt) <= now.getTime()) return undefined;
  return Item.tenantId;
}
