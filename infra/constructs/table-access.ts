/**
 * What a function may do to the Roster table: explicit action lists instead
 * of `grantReadData`/`grantReadWriteData` (which bring Scan, BatchWriteItem,
 * DescribeTable and more), and the one rule no grant lifts — audit items are
 * append-only.
 */
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { keys } from '../../lib/store/keys.ts';

export type TableAccess = 'read' | 'readWrite';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/**
 * The calls `lib/store` makes: Get, BatchGet and Query to read; Update, and
 * TransactWriteItems, which IAM authorises item by item as PutItem,
 * UpdateItem, DeleteItem and ConditionCheckItem (it has no action of its
 * own). Nothing scans or batch-writes, so neither is granted.
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: READ,
  readWrite: [...READ, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

/** Only queries reach an index. */
export const INDEX_ACTIONS: readonly string[] = ['dynamodb:Query'];

/** Every tenant's audit partition (`TENANT#<t>#AUDIT`), as an IAM pattern. */
export const AUDIT_PARTITIONS = keys.auditPartition('*');

/**
 * What no function may do to an audit item. A batch's DeleteRequest and
 * PutRequest are one IAM action, so audit partitions are closed to batches
 * altogether (nothing batch-writes; BatchWriteItem is not granted anyway).
 */
export const AUDIT_DENIED_ACTIONS: readonly string[] = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Grants `access` on the table and its indexes. */
export function grantTable(role: IRole, table: Table, access: TableAccess): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS[access]], resources: [table.tableArn] }));
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...INDEX_ACTIONS], resources: [`${table.tableArn}/index/*`] }),
  );
}

/**
 * Audit items are append-only: an explicit Deny, which no Allow overrides, on
 * changing or removing any item whose partition key is an audit partition —
 * directly or as an item of a TransactWriteItems, which IAM checks as the same
 * per-item actions. The table's TTL still expires them: TTL deletes are the
 * service's, not a role's.
 *
 * A put stays allowed, because it is how an audit item is written (`auditPut`,
 * in the change's own transaction). Its sort key is the event time and a fresh
 * monotonic ULID, so a put creates a new item; no IAM condition key tells a
 * put that creates from one that replaces, and `auditPut` sets no
 * `attribute_not_exists` condition, so a replacing put is excluded only by
 * the key being new.
 */
export function denyAuditChanges(role: IRole, table: Table): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      actions: [...AUDIT_DENIED_ACTIONS],
      resources: [table.tableArn],
      conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [AUDIT_PARTITIONS] } },
    }),
  );
}
