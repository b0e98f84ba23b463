/**
 * The audit actions Roster records (`<entity>.<past participle>`), in a
 * person's words and grouped for the Action filter. test/unit/audit-actions.test.ts
 * keeps this list equal to the action names the API writes.
 */
export const AUDIT_ACTION_GROUPS: { label: string; actions: Record<string, string> }[] = [
  {
    label: 'People',
    actions: {
      'member.invited': 'Invited',
      'member.created': 'Created with a password',
      'member.provisioned': 'Joined by single sign-on',
      'member.activated': 'Joined',
      'member.updated': 'Changed',
      'member.suspended': 'Suspended',
      'member.deactivated': 'Deactivated',
      'member.reactivated': 'Reactivated',
      'member.deleted': 'Deleted',
      'member.password_reset': 'Password reset by an admin',
      'member.mfa_reset': 'Two-factor authentication reset by an admin',
      'member.grant_expired': 'Extra permission ended',
      'member.availability_changed': 'Availability changed',
      'member.working_hours_changed': 'Working hours changed',
      'member.join_requested': 'Asked to join',
      'member.join_denied': 'Join request denied',
      'member.joined': 'Joined through auto-join',
    },
  },
  {
    label: 'Single sign-on',
    actions: {
      'sso.connection_created': 'SSO connection added',
      'sso.connection_updated': 'SSO connection changed',
      'sso.connection_deleted': 'SSO connection removed',
    },
  },
  {
    label: 'Invitations',
    actions: {
      'invitation.resent': 'Invitation resent',
      'invitation.revoked': 'Invitation revoked',
      'invitation.expired': 'Invitation expired',
    },
  },
  {
    label: 'Logins',
    actions: {
      'identity.linked': 'Login linked',
      'identity.sso_linked': 'Login linked to single sign-on',
      'identity.password_changed': 'Password changed',
      'identity.password_recovered': 'Password recovered',
      'identity.signed_out_everywhere': 'Signed out everywhere',
      'identity.mfa_enrolled': 'Two-factor authentication set up',
    },
  },
  {
    label: 'Roles',
    actions: { 'role.created': 'Role created', 'role.updated': 'Role changed', 'role.deleted': 'Role deleted' },
  },
  {
    label: 'Teams',
    actions: {
      'team.created': 'Team created',
      'team.updated': 'Team changed',
      'team.deleted': 'Team deleted',
      'team.member_added': 'Added to a team',
      'team.member_removed': 'Removed from a team',
    },
  },
  {
    label: 'Conversations',
    actions: {
      'conversation.assigned': 'Conversation assigned',
      'conversation.unassigned': 'Conversation unassigned',
      'conversation.resolved': 'Conversation resolved',
      'conversation.queued': 'Conversation queued',
    },
  },
  {
    label: 'Webhooks',
    actions: {
      'webhook.created': 'Webhook added',
      'webhook.updated': 'Webhook changed',
      'webhook.deleted': 'Webhook deleted',
      'webhook.secret_rotated': 'Webhook secret rotated',
      'webhook.disabled': 'Webhook disabled after failures',
    },
  },
  {
    label: 'Organisation',
    actions: {
      'tenant.created': 'Organisation created',
      'tenant.updated': 'Organisation settings changed',
      'ownership.transferred': 'Ownership transferred',
    },
  },
  {
    label: 'Domains',
    actions: {
      'domain.added': 'Domain added',
      'domain.verified': 'Domain verified',
      'domain.failed': 'Domain check failed',
      'domain.flagged': 'Domain record missing',
      'domain.restored': 'Domain record back',
      'domain.removed': 'Domain removed',
    },
  },
  {
    label: 'Directory (SCIM)',
    actions: {
      'scimToken.created': 'SCIM token created',
      'scimToken.revoked': 'SCIM token revoked',
      'scimRoleMappings.updated': 'Role mappings changed',
    },
  },
  {
    label: 'Integrations',
    actions: { 'api_key.created': 'API key created', 'api_key.revoked': 'API key revoked' },
  },
];

export const AUDIT_ACTIONS: Record<string, string> = Object.assign(
  {},
  ...AUDIT_ACTION_GROUPS.map((group) => group.actions),
);
