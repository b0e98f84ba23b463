/**
 * Invitation use cases reachable with only the emailed link: preview and accept.
 */
import { findIdentity, setName, setPassword } from '../aws/identity.ts';
import { DomainError } from '../domain/errors.ts';
import type { MemberRecord, TenantRecord } from '../domain/records.ts';
import { parseInvitationToken, tokenMatches } from '../domain/tokens.ts';
import { loadAccess, writeMemberChange } from '../store/members.ts';

const invalid = () =>
  new DomainError('invitation-invalid', 'This invitation link is no longer valid: it was used, replaced or expired.');

interface OpenInvitation {
  tenant: TenantRecord;
  member: MemberRecord;
}

/** The live invitation a link names — one read — or 410 for anything else. */
async function openInvitation(token: string, now: Date): Promise<OpenInvitation> {
  const parsed = parseInvitationToken(token);
  if (!parsed) throw invalid();
  const { tenant, member } = await loadAccess(parsed.tenantId, parsed.memberId);
  const invitation = member?.invitation;
  if (tenant?.status !== 'active' || !member || member.status !== 'invited' || !invitation) throw invalid();
  if (!tokenMatches(parsed.secret, invitation.tokenHash)) throw invalid();
  if (Date.parse(invitation.expiresAt) <= now.getTime()) throw invalid();
  return { tenant, member };
}

/** A person "has a login" once a password was set anywhere (Cognito status CONFIRMED). */
async function hasLogin(email: string): Promise<boolean> {
  const identity = await findIdentity(email);
  return identity?.status === 'CONFIRMED';
}

export async function previewInvitation(token: string, now: Date) {
  const { tenant, member } = await openInvitation(token, now);
  return {
    tenant: { id: tenant.id, name: tenant.name },
    email: member.email,
    name: member.name,
    role: member.role,
    expiresAt: member.invitation?.expiresAt,
    hasLogin: await hasLogin(member.email),
  };
}

export interface Acceptance {
  token: string;
  name?: string;
  password?: string;
}

/**
 * New login: sets name and password, then activates. Existing login (another
 * tenant's member): links the membership and never touches the password.
 * Cognito goes first and is idempotent, so a failure leaves the member invited
 * and the same link can be used again.
 */
export async function acceptInvitation(input: Acceptance, now: Date) {
  const { member } = await openInvitation(input.token, now);
  const existing = await hasLogin(member.email);
  const name = input.name ?? member.name;
  if (!existing) {
    const missing = [
      ...(input.password ? [] : [{ path: 'body.password', message: 'Required to create your login' }]),
      ...(name ? [] : [{ path: 'body.name', message: 'Required to create your login' }]),
    ];
    if (missing.length)
      throw new DomainError('validation-failed', 'Choose a name and a password.', { errors: missing });
    await setPassword(member.email, input.password as string, true);
    await setName(member.email, name);
  }
  const at = now.toISOString();
  const active: MemberRecord = { ...member, status: 'active', name, updatedAt: at, version: member.version + 1 };
  delete active.invitation;
  await writeMemberChange({
    current: member,
    next: active,
    actor: { type: 'invitee', id: member.id },
    action: 'member.activated',
    at,
    // Resent (token rotated), expired or accepted meanwhile: this link is dead.
    onStale: invalid,
  });
  return {
    tenantId: active.tenantId,
    memberId: active.id,
    email: active.email,
    status: active.status,
    linked: existing,
  };
}
