/**
 * The single table's shape: key attributes and global secondary indexes.
 * Imported by the CDK stack, the local stack and the repositories, so the
 * infrastructure is generated from the same definition the code queries.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const INDEXES = {
  /** identity → memberships; team membership; assignee queues. */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** platform tenant list; sparse index of pending invitations by expiry; members' timed grants by expiry. */
  gsi2: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** a tenant's members by last sign-in (never signed in first); tenants that auto-suspend inactive members. */
  gsi3: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /** a tenant's members by name (the users list's default order). */
  gsi4: { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
} as const;

export type IndexName = keyof typeof INDEXES;

/** Attribute holding the epoch-seconds TTL (audit retention, idempotency records). */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  ...Object.values(INDEXES).flatMap((index) => [index.partitionKey, index.sortKey]),
] as const;
