/**
 * Auto-join (DESIGN §1 "Enterprise sign-in", §2a rule 13): a signed-in person
 * whose *proven* address (they used an invitation link or a recovery code
 * mailed to it, and have not changed it since) is in a domain a tenant has
 * verified — and not flagged past its grace period — may join that tenant on
 * their own when it offers auto-join: at once (`automatic`, seat permitting)
 * or by a request someone with users:create approves (`request`). Nothing
 * else leaks: the list shows only that one tenant, only when it offers
 * joining; every refusal writes nothing.
 */
import { emailDomain } from '../domain/domains.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { assertCanConfer } from '../domain/escalation.ts';
import type { IdentityState } from '../domain/identity.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import type { Actor } from '../store/audit.ts';
import { domainStillEnables, domainUnverified, verifiedDomainTenant } from '../store/domains.ts';
import { getIdentity } from '../store/identities.ts';
import {
  denyJoinRequest,
  dropJoinRequest,
  getJoinRequest,
  insertJoinRequest,
  type JoinRequestRecord,
  listJoinRequests,
  takeJoinRequest,
} from '../store/join-requests.ts';
import { getMember, insertMember, membershipsOf } from '../store/members.ts';
import { getTenant } from '../store/tenants.ts';
import { actorOf, grantorOf } from './access.ts';
import { credentialAudit } from './credentials.ts';
import type { TenantAccess } from './tenant-access.ts';

export interface JoinableTenant {
  tenant: { id: string; name: string };
  domain: string;
  mode: 'request' | 'automatic';
  /** A request of the caller's is waiting for an answer. */
  requested: boolean;
}

/** The address auto-join may trust, or undefined: only one the person proved and has not changed since. */
export function provenEmail(identity: IdentityState | undefined): string | undefined {
  if (!identity?.email || identity.emailProven !== identity.email) return undefined;
  return identity.email;
}

interface Eligible {
  email: string;
  domain: string;
  tenant: TenantRecord;
  mode: 'request' | 'automatic';
}

/** The tenant the caller's proven address lets them join, if any (undefined: none, silently). */
async function joinableFor(identity: IdentityState | undefined, now: Date): Promise<Eligible | undefined> {
  const email = provenEmail(identity);
  const domain = email ? emailDomain(email) : undefined;
  if (!email || !domain) return undefined;
  const tenantId = await verifiedDomainTenant(domain, now);
  const tenant = tenantId ? await getTenant(tenantId) : undefined;
  const mode = tenant?.autoJoin?.mode ?? 'off';
  if (tenant?.status !== 'active' || mode === 'off') return undefined;
  return { email, domain, tenant, mode };
}

/** GET /v1/me/joinable-tenants: the (at most one) tenant offering to take the caller, unless they are in it. */
export async function listJoinableTenants(identity: IdentityState | undefined, now: Date) {
  const found = await joinableFor(identity, now);
  if (!found || !identity) return { items: [] as JoinableTenant[] };
  if (await getMember(found.tenant.id, identity.id)) return { items: [] as JoinableTenant[] };
  const requested = found.mode === 'request' && !!(await getJoinRequest(found.tenant.id, identity.id));
  return {
    items: [
      {
        tenant: { id: found.tenant.id, name: found.tenant.name },
        domain: found.domain,
        mode: found.mode,
        requested,
      },
    ],
  };
}

/** The name the person goes by elsewhere (their other memberships), else their address's local part. */
async function nameOf(identityId: string, email: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const { memberships } = await membershipsOf(identityId);
  return memberships.find((m) => m.member.name)?.member.name ?? email.split('@')[0] ?? email;
}

function joinedMember(tenant: TenantRecord, id: string, email: string, name: string, at: string): MemberRecord {
  const settings = tenant.autoJoin ?? { mode: 'off', defaultRole: 'agent' };
  return {
    tenantId: tenant.id,
    id,
    email,
    name,
    status: 'active',
    role: settings.defaultRole,
    ...(settings.defaultRole === 'custom' && settings.roleId ? { roleId: settings.roleId } : {}),
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/**
 * A new active member from auto-join (automatic, or an approved request) in
 * ONE transaction: the member (seat permitting: 409 seat-limit-reached), the
 * domain still verified by this tenant, any request of theirs removed, the
 * `member.joined` audit item, and `identity.linked` in the person's other
 * tenants (DESIGN §2a rule 7).
 */
async function admit(
  tenant: TenantRecord,
  identity: IdentityState,
  member: MemberRecord,
  domain: string,
  actor: Actor,
  now: Date,
  request: 'take' | 'drop',
): Promise<void> {
  await insertMember({
    member,
    actor,
    action: 'member.joined',
    extra: [
      domainStillEnables(domain, tenant.id, now),
      request === 'take'
        ? takeJoinRequest({ tenantId: tenant.id, id: member.id })
        : dropJoinRequest(tenant.id, member.id),
      ...credentialAudit(identity, 'identity.linked', actor, member.createdAt, { linked: true, tenantId: tenant.id }),
    ],
  });
}

/** POST /v1/me/joinable-tenants/{tenantId}/join. */
export async function joinTenant(
  identity: IdentityState | undefined,
  tenantId: string,
  input: { name?: string },
  now: Date,
) {
  if (!identity || !provenEmail(identity)) {
    throw domainUnverified(
      'Your email address is not proven yet: use an invitation link or reset your password with the code we email you first.',
    );
  }
  const found = await joinableFor(identity, now);
  if (!found || found.tenant.id !== tenantId) {
    // The same answer whether the tenant exists, verified another domain, or does not offer joining.
    throw domainUnverified();
  }
  const { tenant, email, domain } = found;
  const existing = await getMember(tenant.id, identity.id);
  if (existing) {
    throw new DomainError(
      'conflict',
      existing.status === 'invited'
        ? 'You are already invited to this organisation: accept the invitation instead.'
        : 'You already have a membership of this organisation.',
    );
  }
  const at = now.toISOString();
  const actor: Actor = { type: 'user', id: identity.id };
  const name = await nameOf(identity.id, email, input.name);
  if (found.mode === 'request') {
    const request: JoinRequestRecord = { tenantId: tenant.id, id: identity.id, email, name, domain, requestedAt: at };
    await insertJoinRequest(request, actor, now);
    return { tenant: { id: tenant.id, name: tenant.name }, status: 'requested' as const };
  }
  const member = joinedMember(tenant, identity.id, email, name, at);
  await admit(tenant, identity, member, domain, actor, now, 'drop');
  return {
    tenant: { id: tenant.id, name: tenant.name },
    status: 'active' as const,
    role: member.role,
    ...(member.roleId ? { roleId: member.roleId } : {}),
  };
}

export interface JoinRequestView {
  id: string;
  email: string;
  name: string;
  domain: string;
  requestedAt: string;
}

const requestView = (r: JoinRequestRecord): JoinRequestView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  domain: r.domain,
  requestedAt: r.requestedAt,
});

export async function listTenantJoinRequests(access: TenantAccess, page: { limit: number; cursor?: string }) {
  const { items, nextCursor } = await listJoinRequests(access.tenant.id, page);
  return { items: items.map(requestView), nextCursor };
}

async function requireRequest(access: TenantAccess, id: string): Promise<JoinRequestRecord> {
  const request = await getJoinRequest(access.tenant.id, id);
  if (!request) throw notFound('The join request');
  return request;
}

/**
 * Approves a request: the person joins with the tenant's default role — which
 * the approver must be able to give (no escalation) — while their address is
 * still the proven one they asked with and the domain still verified here.
 */
export async function approveJoinRequest(access: TenantAccess, id: string, now: Date) {
  const request = await requireRequest(access, id);
  const { tenant } = access;
  const identity = await getIdentity(request.id);
  if (!identity || provenEmail(identity) !== request.email) {
    throw domainUnverified('This person’s address changed since they asked; they can ask again.');
  }
  const member = joinedMember(tenant, request.id, request.email, request.name, now.toISOString());
  assertCanConfer(grantorOf(access), { role: member.role, roleId: member.roleId, grants: [] }, tenant.rolePermissions);
  await admit(tenant, identity, member, request.domain, actorOf(access), now, 'take');
  return { id: member.id, email: member.email, name: member.name, role: member.role, status: member.status };
}

export async function denyTenantJoinRequest(access: TenantAccess, id: string, now: Date): Promise<void> {
  const request = await requireRequest(access, id);
  await denyJoinRequest(request, actorOf(access), now.toISOString());
}
