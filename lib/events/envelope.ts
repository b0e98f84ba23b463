/**
 * The one event envelope webhooks and the events feed share (DESIGN §1
 * "Events to other systems"), made from an audit item: an event exists if
 * and only if its audit item was written. Its `id` is the audit item's id
 * (a ULID: stable, the receiver's idempotency key as `webhook-id`), its
 * `type` the audit action. `specversion` versions the envelope; a change
 * that is not additive gets a new one.
 */

export const SPEC_VERSION = '1';

/** Every event type (= audit action) a tenant may subscribe to; test/unit/webhooks.test.ts keeps it equal to what is written. */
export const EVENT_TYPES = [
  'member.invited',
  'member.created',
  'member.activated',
  'member.updated',
  'member.suspended',
  'member.deactivated',
  'member.reactivated',
  'member.deleted',
  'member.password_reset',
  'member.grant_expired',
  'member.availability_changed',
  'member.working_hours_changed',
  'member.mfa_reset',
  'member.provisioned',
  'member.join_requested',
  'member.join_denied',
  'member.joined',
  'invitation.resent',
  'invitation.revoked',
  'invitation.expired',
  'identity.linked',
  'identity.password_changed',
  'identity.password_recovered',
  'identity.signed_out_everywhere',
  'identity.mfa_enrolled',
  'identity.sso_linked',
  'role.created',
  'role.updated',
  'role.deleted',
  'team.created',
  'team.updated',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'conversation.assigned',
  'conversation.unassigned',
  'conversation.resolved',
  'conversation.queued',
  'tenant.created',
  'tenant.updated',
  'ownership.transferred',
  'domain.added',
  'domain.verified',
  'domain.failed',
  'domain.flagged',
  'domain.restored',
  'domain.removed',
  'api_key.created',
  'api_key.revoked',
  'scimToken.created',
  'scimToken.revoked',
  'scimRoleMappings.updated',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.disabled',
  'sso.connection_created',
  'sso.connection_updated',
  'sso.connection_deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The type of the event "send test event" delivers (never in the feed: no change was made). */
export const TEST_EVENT_TYPE = 'roster.test';

export type EnvelopeActorType = 'user' | 'apiKey' | 'scim' | 'platform' | 'system';

export interface EventEnvelope {
  specversion: typeof SPEC_VERSION;
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  actor: { type: EnvelopeActorType; id: string; name: string | null };
  data: {
    target: { type: string; id: string };
    /** The resource's version after the change, when it has one. */
    version: number | null;
    before: unknown;
    after: unknown;
  };
}

/** An audit item (as stored, or as the events pipe's enrichment hands it on). */
export interface AuditLike {
  id: string;
  tenantId: string;
  at: string;
  action: string;
  actor: { type: string; id: string; name?: string | null };
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  version?: number | null;
}

const ACTOR_TYPES = new Set<string>(['user', 'apiKey', 'scim', 'platform', 'system']);

export function envelopeOf(audit: AuditLike): EventEnvelope {
  // An invitee accepting is a person acting on their own account: a user.
  const type = ACTOR_TYPES.has(audit.actor.type) ? (audit.actor.type as EnvelopeActorType) : 'user';
  return {
    specversion: SPEC_VERSION,
    id: audit.id,
    type: audit.action,
    occurredAt: audit.at,
    tenantId: audit.tenantId,
    actor: { type, id: audit.actor.id, name: audit.actor.name ?? null },
    data: {
      target: audit.target,
      version: typeof audit.version === 'number' ? audit.version : versionIn(audit.after),
      before: audit.before ?? null,
      after: audit.after ?? null,
    },
  };
}

function versionIn(after: unknown): number | null {
  const version = (after as { version?: unknown } | null)?.version;
  return typeof version === 'number' ? version : null;
}

/** Whether an endpoint subscribed to `events` gets an event of `type`. */
export const subscribed = (events: readonly string[], type: string) => events.includes('*') || events.includes(type);
