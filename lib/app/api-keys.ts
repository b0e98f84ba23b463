/**
 * API keys of a tenant (DESIGN §1 "A tenant's own machines", §2a rule 12):
 * created by a person with integrations:manage, with at most the permissions
 * they hold (for no longer than they hold them), within the tenant's maximum
 * lifetime; listed without secrets; revoked. Each change is one transaction
 * with its audit item; a refusal writes nothing.
 */
import { type ApiKeyRecord, type ApiKeyView, apiKeyView, issueApiKey, newApiKeyId } from '../domain/api-keys.ts';
import { conflict, DomainError, forbidden } from '../domain/errors.ts';
import { assertKnownGrants } from '../domain/escalation.ts';
import type { Permission } from '../domain/permissions.ts';
import { deleteApiKey, insertApiKey, listApiKeys } from '../store/api-keys.ts';
import { type Idempotency, recordResponse, replay, type StoredResponse } from '../store/idempotency.ts';
import { actorOf } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

export interface ApiKeyInput {
  name: string;
  permissions: string[];
  expiresAt?: string;
}

const DAY_MS = 86_400_000;

const invalid = (path: string, message: string) =>
  new DomainError('validation-failed', message, { errors: [{ path, message }] });

/** The key's permissions: known, each held by the creator now — and for at least as long as the key lives. */
function assertMayGive(access: TenantAccess, permissions: readonly string[], expiresAt: string | undefined): void {
  assertKnownGrants(permissions);
  const excess = permissions.filter((p) => !access.permissions.includes(p as Permission));
  if (excess.length) {
    throw forbidden(`An API key can hold only permissions you hold; you do not hold ${excess.join(', ')}.`);
  }
  const outlasting = permissions.filter((p) => {
    const until = access.heldUntil[p as Permission];
    return until !== undefined && (expiresAt === undefined || expiresAt > until);
  });
  if (outlasting.length) {
    const ends = outlasting.map((p) => `${p} only until ${access.heldUntil[p as Permission]}`).join(', ');
    throw forbidden(`You hold ${ends}: the key must expire by then.`);
  }
}

/** `expiresAt` in the future and, when the tenant sets a maximum lifetime, within it (then required). */
function assertLifetime(access: TenantAccess, expiresAt: string | undefined, now: Date): void {
  const maxDays = access.tenant.apiKeyMaxLifetimeDays ?? null;
  if (expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime()) {
    throw invalid('body.expiresAt', 'Must be in the future');
  }
  if (maxDays === null) return;
  const latest = now.getTime() + maxDays * DAY_MS;
  if (expiresAt === undefined) {
    throw invalid('body.expiresAt', `Required: this tenant's API keys live at most ${maxDays} days`);
  }
  if (Date.parse(expiresAt) > latest) {
    throw invalid(
      'body.expiresAt',
      `Must be at most ${maxDays} days from now (by ${new Date(latest).toISOString()}): this tenant's maximum key lifetime`,
    );
  }
}

export async function createApiKey(
  access: TenantAccess,
  input: ApiKeyInput,
  now: Date,
  idempotency?: Idempotency,
): Promise<StoredResponse> {
  const earlier = idempotency ? await replay(idempotency) : undefined;
  if (earlier) {
    // The secret is never stored, so it cannot be shown again: say which key the first request made.
    const { id } = earlier.body as ApiKeyView;
    throw conflict(
      `This Idempotency-Key already created the API key ${id}; its secret is shown only once. If it was lost, revoke that key and create another.`,
    );
  }
  const permissions = [...new Set(input.permissions)].sort();
  if (permissions.length === 0) throw invalid('body.permissions', 'Name at least one permission');
  const expiresAt = input.expiresAt === undefined ? undefined : new Date(input.expiresAt).toISOString();
  assertMayGive(access, permissions, expiresAt);
  assertLifetime(access, expiresAt, now);
  const id = newApiKeyId(now);
  const { secret, hash } = issueApiKey(access.tenant.id, id);
  const key: ApiKeyRecord = {
    tenantId: access.tenant.id,
    id,
    name: input.name,
    secretHash: hash,
    permissions,
    createdBy: access.member.id,
    createdByName: access.member.name,
    createdAt: now.toISOString(),
    ...(expiresAt ? { expiresAt } : {}),
  };
  const view = apiKeyView(key);
  await insertApiKey(
    key,
    actorOf(access),
    idempotency ? [recordResponse(idempotency, { status: 201, body: view }, now)] : [],
  );
  return { status: 201, body: { ...view, secret } };
}

/** The tenant's keys, oldest first: one Query (each key carries its creator's name). */
export async function listTenantApiKeys(access: TenantAccess, page: { limit: number; cursor?: string }) {
  const { items, nextCursor } = await listApiKeys(access.tenant.id, page);
  return { items: items.map(apiKeyView), nextCursor };
}

export async function revokeApiKey(access: TenantAccess, keyId: string, now: Date): Promise<void> {
  await deleteApiKey(access.tenant.id, keyId, actorOf(access), now.toISOString());
}
