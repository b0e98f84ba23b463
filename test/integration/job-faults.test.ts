/**
 * The expiry and upkeep jobs under a poisoned item (DESIGN §9 "One tenant
 * never slows another"; issue 17 §1), in a table of their own so no other
 * test's job runs touch these items. Tenant A's item throws on every attempt
 * (a member attribute of the wrong type — data a bug or a bad migration
 * could leave); tenant B's due work is done in the same run, A's
 * item is retried only after its backoff and set aside after the cap. The
 * clock is injected.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTable } from '../../infra/local/emulators.ts';
import { expireDueInvitations } from '../../lib/app/expiry.ts';
import { runAccessUpkeep } from '../../lib/app/upkeep.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config, resetConfig } from '../../lib/config.ts';
import { JOB_RETRY } from '../../lib/domain/job-scheduling.ts';
import { logger } from '../../lib/log.ts';
import { faultKey, jobFaults, poisonedItems } from '../../lib/store/job-faults.ts';
import { keys } from '../../lib/store/keys.ts';
import { getMember } from '../../lib/store/members.ts';
import { getTenant } from '../../lib/store/tenants.ts';
import { newTenant, seedMember, unique } from './support/assignment-fixtures.ts';

const DAY = 86_400_000;

beforeAll(async () => {
  const table = `jobfaults-${unique()}`;
  await createTable(process.env.AWS_ENDPOINT_URL_DYNAMODB as string, table);
  process.env.TABLE_NAME = table;
  resetConfig();
});

/** A member attribute replaced by the wrong type behind the app's back: whatever reads it throws. */
const corrupt = (tenantId: string, memberId: string, field: 'grants' | 'name', value: unknown) =>
  dynamo().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.member(tenantId, memberId),
      UpdateExpression: 'SET #f = :bad',
      ExpressionAttributeNames: { '#f': field },
      ExpressionAttributeValues: { ':bad': value },
    }),
  );

/** Runs `job` at each next attempt until the item is set aside; checks attempts grow by one each time. */
async function untilSetAside(job: string, key: string, run: (now: Date) => Promise<unknown>) {
  for (let attempts = 1; attempts < JOB_RETRY.maxAttempts; attempts++) {
    const fault = (await jobFaults(job)).get(key);
    expect(fault?.attempts).toBe(attempts);
    // Not before its backoff …
    await run(new Date(Date.parse(fault?.nextAttemptAt as string) - 1));
    expect((await jobFaults(job)).get(key)?.attempts).toBe(attempts);
    // … and once at it.
    await run(new Date(fault?.nextAttemptAt as string));
  }
  return (await jobFaults(job)).get(key);
}

describe('expire-invitations with a poisoned invitation', () => {
  it('B’s invitation expires in the same run; A’s is retried with backoff, then set aside', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const [a, b] = await Promise.all([newTenant('Poisoned Invites', 'growth'), newTenant('Victim Invites', 'growth')]);
    const aOwner = (await getTenant(a))?.ownerId as string;
    const bOwner = (await getTenant(b))?.ownerId as string;
    await corrupt(a, aOwner, 'name', 42);

    const now = new Date(Date.now() + 8 * DAY);
    const first = await expireDueInvitations({ now });
    expect((await getMember(b, bOwner))?.status).toBe('expired');
    expect((await getMember(a, aOwner))?.status).toBe('invited');
    expect(first).toMatchObject({ expired: 1, failed: 1, setAside: 0 });

    const key = faultKey(a, aOwner);
    const last = await untilSetAside('expireInvitations', key, (at) => expireDueInvitations({ now: at }));
    expect(last).toMatchObject({ attempts: JOB_RETRY.maxAttempts });
    expect(last?.poisonedAt).toBeDefined();
    expect(last?.lastError).toMatch(/TypeError/);
    expect((await poisonedItems('expireInvitations')).map((f) => f.itemId)).toContain(aOwner);
    const later = await expireDueInvitations({ now: new Date(now.getTime() + 30 * DAY) });
    expect(later).toMatchObject({ failed: 0, backedOff: 1 });
    vi.restoreAllMocks();
  });
});

describe('access-upkeep with a poisoned member', () => {
  it('B’s ended grant is removed in the same run; A’s member is retried with backoff, then set aside', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const [a, b] = await Promise.all([newTenant('Poisoned Grants'), newTenant('Victim Grants')]);
    const ends = new Date(Date.now() + DAY).toISOString();
    const grants = [{ permission: 'analytics:view' as const, expiresAt: ends }];
    const [ma, mb] = await Promise.all([
      seedMember(a, 'agent', 'ga', { grants }),
      seedMember(b, 'agent', 'gb', { grants }),
    ]);
    await corrupt(a, ma, 'grants', 'corrupt');

    const now = new Date(Date.now() + 2 * DAY);
    const first = await runAccessUpkeep({ now });
    expect((await getMember(b, mb))?.grants).toEqual([]);
    expect(first).toMatchObject({ grantsRemoved: 1, failed: 1 });

    const key = faultKey(a, `grants#${ma}`);
    const last = await untilSetAside('accessUpkeep', key, (at) => runAccessUpkeep({ now: at }));
    expect(last?.poisonedAt).toBeDefined();
    expect(last?.lastError).toMatch(/TypeError/);
    expect((await poisonedItems('accessUpkeep')).map((f) => f.itemId)).toContain(`grants#${ma}`);
    vi.restoreAllMocks();
  });
});
