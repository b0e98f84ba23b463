/** Item ⇄ record mapping: key and bookkeeping attributes never leave the store. */
import type { AssignmentRecord, MemberRecord, RoleRecord, TeamRecord, TenantRecord } from '../domain/records.ts';
import { KEY_ATTRIBUTES, TTL_ATTRIBUTE } from './table.ts';

/** Derived from the record (index keys, search and activity helpers), so never part of it. */
const HIDDEN = new Set<string>([...KEY_ATTRIBUTES, TTL_ATTRIBUTE, 'entity', 'searchName', 'inactiveSince']);

export function strip<T>(item: Record<string, unknown>): T {
  // A plain loop: every item read goes through here, and entries → filter → fromEntries built two arrays
  // per item (a quarter of a members page's own CPU time).
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(item)) if (!HIDDEN.has(key)) record[key] = item[key];
  return record as T;
}

export const tenantFromItem = (item: Record<string, unknown>) => strip<TenantRecord>(item);
export const memberFromItem = (item: Record<string, unknown>) => strip<MemberRecord>(item);
export const roleFromItem = (item: Record<string, unknown>) => strip<RoleRecord>(item);
export const teamFromItem = (item: Record<string, unknown>) => strip<TeamRecord>(item);
export const assignmentFromItem = (item: Record<string, unknown>) => strip<AssignmentRecord>(item);
