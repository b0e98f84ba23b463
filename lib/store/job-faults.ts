/**
 * The jobs' fault records (lib/domain/job-scheduling.ts decides; this keeps):
 * one item per (job, tenant, item) that failed, in the tenant's partition and
 * listed on GSI2 under `JOBFAULTS#<job>` — `RETRY#<tenant>#<item>` while it
 * is retried with backoff, `POISONED#<tenant>#<item>` once set aside. A run
 * reads its job's list once (only failing items are on it); a success deletes
 * the item's record; an operator lists the set-aside ones and re-drives one
 * by deleting its record (`redriveJobItem`).
 */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import type { ItemFault } from '../domain/job-scheduling.ts';
import { keys } from './keys.ts';
import { INDEXES } from './table.ts';

export interface JobFault extends ItemFault {
  job: string;
  tenantId: string;
  itemId: string;
}

/** The key a run looks a fault up by. */
export const faultKey = (tenantId: string, itemId: string) => `${tenantId}\u0000${itemId}`;

async function query(job: string, prefix?: string): Promise<JobFault[]> {
  const { partitionKey, sortKey } = INDEXES.gsi2;
  const faults: JobFault[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().tableName,
        IndexName: INDEXES.gsi2.name,
        KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, ...(prefix ? { '#sk': sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': keys.jobFaultPartition(job), ...(prefix ? { ':prefix': prefix } : {}) },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) {
      faults.push({
        job,
        tenantId: String(i.tenantId),
        itemId: String(i.itemId),
        attempts: Number(i.attempts),
        nextAttemptAt: String(i.nextAttemptAt),
        lastError: String(i.lastError ?? ''),
        ...(i.poisonedAt ? { poisonedAt: String(i.poisonedAt) } : {}),
      });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return faults;
}

/** Every fault the job recorded (retried and set aside), by `faultKey`: what a run must not try yet. */
export async function jobFaults(job: string): Promise<Map<string, JobFault>> {
  return new Map((await query(job)).map((f) => [faultKey(f.tenantId, f.itemId), f]));
}

/** The job's set-aside items, for an operator (docs/operations.md, "Set-aside job items"). */
export const poisonedItems = (job: string) => query(job, 'POISONED#');

/** Records the item's fault as decided (a retry later, or set aside). */
export async function saveJobFault(fault: JobFault): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: config().tableName,
      Item: {
        ...keys.jobFault(fault.job, fault.tenantId, fault.itemId),
        ...keys.jobFaultList(fault.job, fault.tenantId, fault.itemId, fault.poisonedAt !== undefined),
        entity: 'jobFault',
        job: fault.job,
        tenantId: fault.tenantId,
        itemId: fault.itemId,
        attempts: fault.attempts,
        nextAttemptAt: fault.nextAttemptAt,
        lastError: fault.lastError,
        ...(fault.poisonedAt ? { poisonedAt: fault.poisonedAt } : {}),
      },
    }),
  );
}

/** The item succeeded (or an operator re-drives it): its record goes, and the next run treats it as new. */
export async function clearJobFault(job: string, tenantId: string, itemId: string): Promise<void> {
  await dynamo().send(new DeleteCommand({ TableName: config().tableName, Key: keys.jobFault(job, tenantId, itemId) }));
}

/** An operator's re-drive of a set-aside item: its next run tries it afresh (with a new retry budget). */
export const redriveJobItem = clearJobFault;
