/**
 * Custom role use cases behind "Settings → Roles": list, read, create, edit
 * and delete. Permissions are checked against the catalogue and the editor's
 * own; each change is one transaction with its audit (lib/store/roles.ts).
 */
import { ulid } from 'ulid';
import { DomainError, notFound } from '../domain/errors.ts';
import { type RoleRecord, roleView } from '../domain/records.ts';
import { assertCanDefine, rolePermissionSet } from '../domain/roles.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import {
  countRoleHolders,
  deleteRoleItems,
  getRole,
  getRoleWithHolders,
  insertRole,
  listRoles,
  type RoleNames,
  roleHeld,
  writeRoleChange,
} from '../store/roles.ts';
import { actorOf } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

export type RolePatch = Partial<RoleInput>;

function assertVersion(role: RoleRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== role.version) {
    throw new DomainError('precondition-failed', 'The role changed since you read it (ETag mismatch).');
  }
}

/**
 * The built-in roles' names and ids (and "Owner", "Custom") belong to them: a
 * custom role called "agent" or "ＡＤＭＩＮ" would sit beside the real one in
 * every picker. Compared as people read them: NFKC, spaces collapsed, any case.
 */
const RESERVED = new Set(['administrator', 'admin', 'manager', 'agent', 'owner', 'custom']);

export function assertNameFree(name: string | undefined): void {
  if (name === undefined) return;
  const key = name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  if (RESERVED.has(key)) {
    throw new DomainError('conflict', `“${name.trim()}” is the name of a built-in role; choose another name.`, {
      errors: [{ path: 'body.name', message: 'Reserved for a built-in role' }],
    });
  }
}

/** Whether the tenant item (read by authorisation) already mirrors role names, or this change starts the mirror. */
const namesOf = (access: TenantAccess): RoleNames => (access.tenant.roleNames ? 'kept' : 'start');

export async function requireRole(access: TenantAccess, roleId: string): Promise<RoleRecord> {
  const role = await getRole(access.tenant.id, roleId);
  if (!role) throw notFound('The role');
  return role;
}

export async function listTenantRoles(access: TenantAccess, page: { limit: number; cursor?: string }) {
  const result = await listRoles(access.tenant.id, page);
  return { items: result.items.map(roleView), nextCursor: result.nextCursor };
}

export async function createRole(
  access: TenantAccess,
  input: RoleInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  const earlier = idempotency ? await replay(idempotency) : undefined;
  if (earlier) return earlier;
  assertNameFree(input.name);
  const permissions = rolePermissionSet(input.permissions);
  assertCanDefine(access.permissions, { after: permissions }, access.heldUntil);
  const at = now.toISOString();
  const role: RoleRecord = {
    tenantId: access.tenant.id,
    id: ulid(now.getTime()).toLowerCase(),
    name: input.name,
    description: input.description ?? '',
    permissions,
    createdBy: access.member.id,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const response = { status: 201, body: roleView(role) };
  await insertRole(
    role,
    actorOf(access),
    namesOf(access),
    idempotency ? [recordResponse(idempotency, response, now)] : [],
  );
  return response;
}

export async function updateRole(
  access: TenantAccess,
  roleId: string,
  patch: RolePatch,
  now: Date,
  expectedVersion?: number,
): Promise<RoleRecord> {
  assertNameFree(patch.name);
  const current = await requireRole(access, roleId);
  assertVersion(current, expectedVersion);
  const permissions = patch.permissions ? rolePermissionSet(patch.permissions) : current.permissions;
  assertCanDefine(access.permissions, { before: current.permissions, after: permissions }, access.heldUntil);
  const next: RoleRecord = {
    ...current,
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    permissions,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  return (await writeRoleChange(current, next, actorOf(access), namesOf(access))) ? next : current;
}

/**
 * Refused (409, with the count) while any member — whatever their status —
 * still holds the role: the role's own holder count, read with it (one read),
 * and checked again by the delete's condition.
 */
export async function deleteRole(
  access: TenantAccess,
  roleId: string,
  now: Date,
  expectedVersion?: number,
): Promise<void> {
  const found = await getRoleWithHolders(access.tenant.id, roleId);
  if (!found) throw notFound('The role');
  const { role } = found;
  assertVersion(role, expectedVersion);
  assertCanDefine(access.permissions, { before: role.permissions });
  const holders = found.holders ?? (await countRoleHolders(access.tenant.id, roleId));
  if (holders > 0) throw roleHeld(role, holders);
  await deleteRoleItems(role, actorOf(access), now.toISOString(), namesOf(access));
}
