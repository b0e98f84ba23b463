/** Mail delivery for member use cases: SES failures are recorded, never undo a change. */
import { invitationLink, sendInvitation } from '../aws/mail.ts';
import type { MemberRecord } from '../domain/records.ts';
import { logger } from '../log.ts';
import { markDeliveryFailed } from '../store/members.ts';
import { roleLabel } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

/**
 * Hands mail to SES; a failure never undoes the change, it is recorded and shown.
 * `asOwner`: the person invited is the tenant's owner — the mail says "as owner", not their role ("admin").
 */
export async function deliverInvitation(
  member: MemberRecord,
  token: string,
  tenantName: string,
  inviterName: string,
  asOwner = false,
) {
  const invitation = member.invitation;
  if (!invitation) return member;
  try {
    await sendInvitation({
      to: member.email,
      tenantName,
      inviterName,
      role: asOwner ? 'owner' : roleLabel(member),
      link: invitationLink(token),
      expiresAt: invitation.expiresAt,
    });
    return member;
  } catch (error) {
    logger.warn('invitation email not sent', { memberId: member.id, error: error as Error });
    const at = new Date().toISOString();
    await markDeliveryFailed(member, invitation.tokenHash, at);
    return { ...member, invitation: { ...invitation, deliveryFailedAt: at } };
  }
}

/** The acting member's name for mail; never their address (lib/aws/mail.ts names nobody when it is empty). */
export const inviterName = (access: TenantAccess) => access.member.name;
