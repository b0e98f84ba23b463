/**
 * The response shapes clients rely on (the shapes clients rely on), as zod schemas for the
 * OpenAPI document. The handlers build these views with the functions of
 * lib/domain/records.ts; the type checks at the bottom fail the build when a
 * view and its schema drift apart.
 */
import * as z from 'zod';
import { AVAILABILITIES, STRATEGIES } from '../domain/assignment.ts';
import { ACTIONS, STATUSES } from '../domain/lifecycle.ts';
import { ROLES, type Role as RoleType } from '../domain/permissions.ts';
import type {
  AssignmentResult as AssignmentResultType,
  AssignmentView as AssignmentViewType,
  MemberView as MemberViewType,
  QueuedView as QueuedViewType,
  RoleView as RoleViewType,
  TeamMemberView as TeamMemberViewType,
  TeamView as TeamViewType,
  TenantView as TenantViewType,
} from '../domain/records.ts';
import type { ReviewRow as ReviewRowType } from '../domain/review.ts';
import { WEEKDAYS } from '../domain/schedule.ts';
import { PLAN_NAMES, type Plan as PlanName } from '../domain/seats.ts';
import type { AuditEvent as AuditEventType } from '../store/audit.ts';
import { Permission } from './schemas.ts';

const Time = z.iso.datetime().meta({ example: '2026-03-01T09:30:00.000Z' });
const NullableTime = Time.nullable();
const RoleName = z.enum(ROLES as [RoleType, ...RoleType[]]);
const Id = z.string().meta({ example: '01JNQ7X4M2A8B6C9D0E1F2G3H4' });

export { Permission };

export const Seats = z
  .object({
    used: z.number().int(),
    limit: z.number().int().nullable().meta({ description: 'null = unlimited' }),
    available: z.number().int().nullable(),
  })
  .meta({ id: 'Seats', description: 'The user limit indicator.', example: { used: 3, limit: 5, available: 2 } });

export const MfaPolicyView = z
  .object({
    required: z.boolean().meta({ description: 'Every member must use two-factor authentication (TOTP)' }),
    graceDays: z.number().int().meta({ description: 'Days from `requiredAt` before members without it are refused' }),
    includeSso: z.boolean().meta({ description: 'Sessions from the tenant’s SSO must have it too (default: exempt)' }),
    requiredAt: Time.nullable().meta({ description: 'When it became required; null while not required' }),
    enforcedFrom: Time.nullable().meta({
      description:
        'From this instant a member without it gets 403 `mfa-enrollment-required` on this tenant’s routes; null while not required',
    }),
  })
  .meta({ id: 'MfaPolicy' });
export const AutoJoin = z
  .object({
    mode: z.enum(['off', 'request', 'automatic']).meta({
      description:
        'People whose proven address is in a verified domain of the tenant: off · request (a join request someone with users:create approves) · automatic (they join at once, seat permitting)',
    }),
    defaultRole: z.enum(['manager', 'agent', 'custom']).meta({ description: 'Never admin' }),
    roleId: z.string().optional().meta({ description: 'The custom role, when defaultRole is custom' }),
  })
  .meta({ id: 'AutoJoin', example: { mode: 'request', defaultRole: 'agent' } });

export const TenantView = z
  .object({
    id: z.string().meta({ example: 'acme' }),
    name: z.string().meta({ example: 'Acme Support' }),
    plan: z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]),
    ownerId: Id,
    status: z.enum(['active', 'closed']),
    seats: Seats,
    seatLimitOverride: z.number().int().nullable().meta({ description: 'The tenant’s own limit; null = the plan’s' }),
    autoSuspendInactiveDays: z.number().int().nullable().meta({
      description:
        'Members with no sign-in for this many days are suspended automatically (never the owner or the last active admin; the admins get a digest email); null = never',
    }),
    mfa: MfaPolicyView,
    autoJoin: AutoJoin,
    apiKeys: z
      .object({
        maxLifetimeDays: z.number().int().nullable().meta({
          description: 'API keys of this tenant must expire within this many days of their creation; null = no limit',
        }),
      })
      .meta({ description: 'The tenant’s API key policy (admins change it)' }),
    sso: z
      .object({
        required: z.boolean().meta({
          description:
            'Password sign-in is refused (403 sso-required) to members whose email is in a domain of this tenant’s SSO connections; the owner keeps it (break-glass)',
        }),
        jitProvisioning: z.boolean().meta({
          description:
            'A first SSO sign-in in a verified domain makes the person a member (seat permitting); else they must be invited',
        }),
      })
      .meta({ id: 'SsoSettings' }),
    roleNames: z.record(z.string(), z.string()).meta({
      description: 'The custom roles’ names by id, so a member without roles:view reads role names, not ids',
      example: { '01JNQ7X4M2A8B6C9D0E1F2G3H4': 'Sales lead' },
    }),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'Tenant' });

/** A grant: a permission (permanent) or, for a time-limited one, the object form with its end. */
export const GrantView = z
  .union([
    Permission,
    z.object({
      permission: Permission,
      expiresAt: Time.meta({ description: 'The grant confers nothing from this instant on' }),
    }),
  ])
  .meta({
    id: 'Grant',
    description: 'A permanent grant (the permission), or a time-limited one `{permission, expiresAt}`.',
    example: { permission: 'contacts:view', expiresAt: '2026-12-15T00:00:00.000Z' },
  });

const Clock = z.string().meta({ description: '`HH:MM`, 24-hour clock', example: '09:00' });

export const WorkingHoursView = z
  .object({
    timeZone: z.string().meta({ description: 'IANA time zone', example: 'Europe/Berlin' }),
    weekly: z.array(
      z.object({
        day: z.enum(WEEKDAYS),
        from: Clock,
        to: Clock.meta({
          description: '`HH:MM` or `24:00`, exclusive; at or before `from`: past midnight (equal: 24 hours)',
        }),
      }),
    ),
  })
  .meta({
    id: 'WorkingHours',
    description: 'A weekly schedule on the person’s own clock: outside it they are effectively away.',
    example: { timeZone: 'Europe/Berlin', weekly: [{ day: 'mon', from: '09:00', to: '17:30' }] },
  });

export const MemberView = z
  .object({
    id: Id,
    tenantId: z.string().meta({ example: 'acme' }),
    email: z.string().meta({ example: 'ann@acme.example' }),
    name: z.string().meta({ example: 'Ann Agent' }),
    role: RoleName,
    roleId: z.string().optional().meta({ description: 'The custom role, when role is `custom`' }),
    grants: z
      .array(GrantView)
      .meta({ description: 'Extra permissions beyond the role (expired ones are not listed: they confer nothing)' }),
    crmAccess: z.boolean(),
    status: z.enum(STATUSES),
    availability: z.enum(AVAILABILITIES).meta({ description: 'What the person chose' }),
    effectiveAvailability: z.enum(AVAILABILITIES).meta({
      description:
        'What assignment goes by: `away` when they chose away, or outside their working hours; else `online`',
    }),
    workingHours: WorkingHoursView.nullable().meta({ description: 'null: no schedule (available whenever online)' }),
    teamIds: z.array(z.string()),
    lastLoginAt: NullableTime,
    inactiveSince: Time.meta({
      description: 'No sign-in since: the last sign-in, or — never signed in — when invited (or created)',
    }),
    invitedAt: NullableTime,
    invitationExpiresAt: NullableTime,
    invitationDelivery: z.enum(['sent', 'failed']).nullable(),
    managedBy: z.enum(['directory']).nullable().meta({
      description:
        '`directory`: written by the tenant’s identity provider (SCIM); editing its name, email, status, role or teams here is 409 `managed-by-directory`',
    }),
    createdAt: Time,
  })
  .meta({ id: 'Member' });

export const RoleView = z
  .object({
    id: z.string().meta({ example: 'sales-lead' }),
    name: z.string().meta({ example: 'Sales lead' }),
    description: z.string(),
    permissions: z.array(Permission),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'Role' });

export const TeamView = z
  .object({
    id: z.string().meta({ example: 'support-eu' }),
    name: z.string().meta({ example: 'Support EU' }),
    description: z.string(),
    assignmentStrategy: z.enum(STRATEGIES),
    capacity: z.number().int().nullable().meta({ description: 'Max open conversations per agent; null = unlimited' }),
    awayReleaseSeconds: z.number().int().nullable().meta({
      description:
        'A member away this long loses their open conversations of this team to its queue (they drain to whoever is online); 0 = at once, null = never',
    }),
    memberCount: z.number().int(),
    queued: z.number().int().meta({ description: 'Conversations waiting in the team queue' }),
    assigned: z.number().int().meta({
      description: 'Open conversations someone holds through this team (a delete is refused while any, or any queued)',
    }),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'Team' });

export const TeamMember = z
  .object({
    userId: Id,
    teamId: z.string(),
    addedAt: Time,
    name: z.string().meta({ example: 'Ann Agent' }),
    email: z.string().meta({ example: 'ann@acme.example' }),
    status: z.enum(STATUSES),
    availability: z.enum(AVAILABILITIES).meta({ description: 'What the person chose' }),
    effectiveAvailability: z.enum(AVAILABILITIES).meta({
      description: 'What the team’s strategy goes by: `away` when they chose away or are outside their working hours',
    }),
    workingHours: WorkingHoursView.nullable().meta({ description: 'null: no schedule (available whenever online)' }),
    openAssignments: z
      .number()
      .int()
      .meta({ description: 'Open conversations they hold (every team): the load capacity is measured against' }),
  })
  .meta({ id: 'TeamMember' });

const QueueReason = z
  .enum([
    'manual',
    'nobody-available',
    'queue-order',
    'unassigned',
    'assignee.left',
    'assignee.suspended',
    'assignee.away',
  ])
  .meta({
    id: 'QueueReason',
    description:
      'manual: the team assigns by hand · nobody-available: no active, online member with conversation rights and room · queue-order: older conversations were waiting · unassigned: handed back · assignee.left / assignee.suspended: the assignee was deactivated, deleted or suspended · assignee.away: the assignee stayed away past the team’s awayReleaseSeconds',
  });

export const QueuedConversation = z
  .object({
    conversationId: z.string().meta({ example: 'wa-4711' }),
    teamId: z.string(),
    queuedAt: Time,
    reason: QueueReason,
  })
  .meta({ id: 'QueuedConversation' });

export const AssignmentView = z
  .object({
    conversationId: z.string().meta({ example: 'wa-4711' }),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    status: z.enum(['assigned', 'queued', 'unassigned']).meta({
      description: 'assigned: a person answers it · queued: waits in its team’s queue · unassigned: nobody',
    }),
    assignedAt: NullableTime,
    queuedAt: NullableTime,
    queueReason: QueueReason.nullable().meta({ description: 'Why it waits (null unless queued)' }),
    updatedAt: NullableTime,
  })
  .meta({ id: 'Assignment' });

export const Decision = z
  .object({
    strategy: z.enum(STRATEGIES),
    capacity: z.number().int().nullable(),
    after: z.string().nullable().meta({ description: 'The rotation cursor the pick started from' }),
    candidates: z.array(
      z.object({
        id: z.string(),
        load: z.number().int(),
        skipped: z.string().optional().meta({
          description: 'Why they could not get it: away, at-capacity, no-conversation-rights, or their status',
        }),
      }),
    ),
    unlisted: z.number().int().optional().meta({ description: 'Candidates beyond the first 100, not listed' }),
    picked: z.string().nullable(),
  })
  .meta({ id: 'Decision', description: 'Why the team’s strategy chose as it did (also in the audit item)' });

export const AssignmentResult = AssignmentView.extend({
  decision: Decision.optional().meta({ description: 'For an assignment to a team: the strategy’s decision' }),
}).meta({ id: 'AssignmentResult' });

const Actor = z.union([
  z.object({
    type: z.enum(['user', 'platform', 'system', 'invitee']),
    id: z.string(),
    name: z.string().optional().meta({ description: 'Who acted, as recorded at the time (absent on older events)' }),
  }),
  z
    .object({ type: z.literal('scim'), id: z.string(), name: z.string() })
    .meta({ description: 'The tenant’s identity provider, through the SCIM token with this id and name' }),
  z
    .object({
      type: z.literal('apiKey'),
      id: z.string(),
      name: z.string().meta({ description: 'The key’s name when it acted' }),
    })
    .meta({ description: 'One of the tenant’s API keys' }),
]);

export const AuditEvent = z
  .object({
    id: Id,
    at: Time,
    actor: Actor,
    action: z.string().meta({ description: '`<entity>.<past participle>`', example: 'member.invited' }),
    target: z.object({ type: z.string().meta({ example: 'member' }), id: z.string() }),
    before: z.unknown().meta({ description: 'Changed fields before (null when created)' }),
    after: z.unknown().meta({ description: 'Changed fields after (null when deleted)' }),
  })
  .meta({ id: 'AuditEvent' });

export const ReviewRow = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    status: z.enum(STATUSES),
    owner: z.boolean(),
    role: RoleName,
    roleId: z.string().nullable().meta({ description: 'The custom role, when role is `custom`' }),
    roleName: z.string().nullable().meta({
      description:
        'The built-in role’s name, or the custom role’s (role template); null for a custom role never renamed since names were recorded',
      example: 'Agent',
    }),
    permissions: z.array(Permission).meta({
      description:
        'Effective now: role ∪ live grants, CRM-gated; empty for anyone not `active` (invited, suspended, deactivated, expired: no access)',
    }),
    grants: z
      .array(z.object({ permission: Permission, expiresAt: NullableTime.meta({ description: 'null: permanent' }) }))
      .meta({ description: 'Live extra grants with their ends' }),
    crmAccess: z.boolean(),
    teamIds: z.array(z.string()),
    teams: z.array(z.string()).meta({ description: 'The teams’ names, in `teamIds` order', example: ['Support EU'] }),
    lastLoginAt: NullableTime,
    inactiveSince: Time,
  })
  .meta({ id: 'AccessReviewRow' });

export const AccessReview = z
  .object({
    tenantId: z.string(),
    generatedAt: Time.meta({ description: 'The instant the effective permissions were computed for' }),
    items: z.array(ReviewRow),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .meta({
    id: 'AccessReview',
    description:
      'One page of the access review. With `Accept: text/csv` the same page is an RFC 4180 file (header line; lists space-separated, grants `; `-separated as `permission until <time>`; cells starting with = + - @ prefixed with \'), the next page in a `Link: <…>; rel="next"` header.',
  });

/** `{ items, nextCursor }` of a list route. */
export function page<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
    })
    .meta({ id });
}

export const Tokens = z
  .object({
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string().optional(),
    expiresIn: z.number().int().meta({ example: 3600 }),
  })
  .meta({ id: 'Tokens' });

export const NewPasswordChallenge = z
  .object({
    challenge: z.literal('NEW_PASSWORD_REQUIRED'),
    session: z.string(),
    reason: z.enum(['first-sign-in', 'admin-reset']).optional().meta({
      description:
        'Why a new password is needed: the first sign-in with a password an admin set, or an admin reset the password since. The new password must differ from that one.',
    }),
  })
  .meta({ id: 'NewPasswordChallenge', description: 'Answer with POST /v1/auth/new-password' });

/**
 * Tokens, or the first-sign-in challenge: exactly one matches (`oneOf`), told
 * apart by `challenge`, which only the challenge has (neither admits the other's members).
 */
export const MfaChallenge = z
  .object({
    challenge: z.literal('SOFTWARE_TOKEN_MFA'),
    session: z.string(),
  })
  .meta({
    id: 'MfaChallenge',
    description: 'The login has two-factor authentication: answer with POST /v1/auth/mfa/challenge and the app’s code',
  });

export const SignIn = z.union([Tokens, NewPasswordChallenge, MfaChallenge]).meta({
  id: 'SignIn',
  description:
    'Tokens, or — when `challenge` is present — a challenge: NEW_PASSWORD_REQUIRED (answer with POST /v1/auth/new-password) or SOFTWARE_TOKEN_MFA (answer with POST /v1/auth/mfa/challenge).',
  override: ({ jsonSchema }) => {
    jsonSchema.oneOf = jsonSchema.anyOf;
    delete jsonSchema.anyOf;
  },
});

export const Me = z
  .object({
    id: Id,
    email: z.string().nullable(),
    mfa: z
      .object({
        enrolled: z.boolean(),
        enrolledAt: Time.nullable(),
      })
      .meta({ description: 'The login’s two-factor authentication (TOTP): set up or not' }),
    memberships: z.array(
      z.object({
        tenant: z.object({ id: z.string(), name: z.string().nullable() }),
        role: RoleName,
        roleId: z.string().optional(),
        status: z.enum(STATUSES),
        owner: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Me' });

export const MyMembership = MemberView.extend({
  owner: z.boolean(),
  permissions: z.array(Permission).meta({ description: 'Effective: role ∪ grants, CRM-gated' }),
  tenant: TenantView,
}).meta({ id: 'MyMembership' });

export const ProvisionedTenant = TenantView.extend({ owner: MemberView }).meta({ id: 'ProvisionedTenant' });

export const InvitationPreview = z
  .object({
    tenant: z.object({ id: z.string(), name: z.string() }),
    email: z.string(),
    name: z.string(),
    role: RoleName,
    expiresAt: Time.optional(),
    inviterName: z.string().nullable().meta({ description: 'Who sent the invitation (null: the platform)' }),
    hasLogin: z.boolean().meta({
      description:
        'true: the address already has a login with a password — accepting needs that password (or a bearer token of that login); false: choose a name and a password',
    }),
  })
  .meta({ id: 'InvitationPreview' });

export const Acceptance = z
  .object({
    tenantId: z.string(),
    memberId: Id,
    email: z.string(),
    status: z.literal('active'),
    linked: z.boolean().meta({ description: 'true when an existing login was linked' }),
  })
  .meta({ id: 'Acceptance' });

export const Catalogue = z
  .object({
    resources: z.array(
      z.object({
        resource: z.string(),
        requiresCrmAccess: z.boolean().optional(),
        actions: z.array(
          z.object({
            action: z.string(),
            permission: Permission,
            description: z.string().meta({
              description: 'The permission in plain words, as the console shows it (unique in the catalogue)',
              example: 'See conversations assigned to you',
            }),
          }),
        ),
      }),
    ),
    roles: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        builtIn: z.literal(true),
        permissions: z.array(Permission),
      }),
    ),
  })
  .meta({ id: 'PermissionCatalogue' });

export const Health = z
  .object({ status: z.literal('ok'), time: Time })
  .meta({ id: 'Health', example: { status: 'ok', time: '2026-03-01T09:30:00.000Z' } });

export const Accepted = z.object({ message: z.string() }).meta({ id: 'Accepted' });

export const Problem = z
  .object({
    type: z.string().meta({ example: 'urn:roster:problem:seat-limit-reached' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable, machine-readable' }),
    correlationId: z.string().optional().meta({ description: 'Quote it when reporting a problem' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'validation-failed: each invalid field' }),
    seats: Seats.optional().meta({ description: 'seat-limit-reached: the usage' }),
    holders: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'conflict on deleting a custom role: how many members still hold it' }),
    members: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'conflict on deleting a team: how many members it still has' }),
    conversations: z
      .object({ assigned: z.number().int().min(0), queued: z.number().int().min(0) })
      .optional()
      .meta({
        description:
          'conflict on deleting a team: the conversations it still holds (assigned through it, queued in it)',
      }),
    currentStatus: z
      .enum(STATUSES)
      .optional()
      .meta({ description: 'invalid-transition: the member’s status, which does not allow the action' }),
    action: z
      .enum(ACTIONS)
      .optional()
      .meta({ description: 'invalid-transition: the lifecycle action that was refused' }),
    retryAfter: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'too-many-requests: seconds to wait (also the Retry-After header)' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** This document (`GET /v1/openapi.json`): an OpenAPI 3.1 document. */
export const OpenApiDocument = z
  .looseObject({
    openapi: z.string().meta({ example: '3.1.0' }),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
    components: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document: https://spec.openapis.org/oas/v3.1.0' });

/** An API key as listed: never its secret or its hash. */
export const ApiKeyView = z
  .object({
    id: z.string().meta({ example: '01jnq7x4m2a8b6c9d0e1f2g3h4' }),
    name: z.string().meta({ example: 'CRM sync' }),
    prefix: z.string().meta({
      description: 'The start of the secret (its tenant and key id, none of its randomness): enough to recognise it',
      example: 'rst_acme.01jnq7x4m2a8b6c9d0e1f2g3h4',
    }),
    permissions: z.array(Permission),
    createdBy: Id.meta({ description: 'The member who created it (the key stays the tenant’s if they leave)' }),
    createdByName: z.string().meta({ description: 'Their name when they created it' }),
    createdAt: Time,
    expiresAt: Time.nullable().meta({ description: 'From this instant the key is refused (401); null = never' }),
    lastUsedAt: Time.nullable().meta({
      description: 'Its last use, recorded at most once a minute; null = never used',
    }),
  })
  .meta({ id: 'ApiKey' });

/** The created key: the one response that carries its secret. */
export const CreatedApiKey = ApiKeyView.extend({
  secret: z.string().meta({
    description:
      'The key, shown this once (only its SHA-256 is stored): send it as `Authorization: Bearer rst_…` on this tenant’s routes',
    example: 'rst_acme.01jnq7x4m2a8b6c9d0e1f2g3h4.Qm9ndXMgZXhhbXBsZSBzZWNyZXQgb2YgNDMgY2hhcnM',
  }),
}).meta({ id: 'CreatedApiKey' });

/** What API Gateway itself answers when its authorizer refuses a request. */
export const GatewayMessage = z
  .object({ message: z.string().meta({ example: 'Unauthorized' }) })
  .meta({ id: 'GatewayMessage' });

// ── drift checks: each schema's output type is exactly its view's type ──
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const VIEWS_MATCH: [
  Same<z.output<typeof TenantView>, TenantViewType>,
  Same<z.output<typeof MemberView>, MemberViewType>,
  Same<z.output<typeof RoleView>, RoleViewType>,
  Same<z.output<typeof TeamView>, TeamViewType>,
  Same<z.output<typeof AssignmentView>, AssignmentViewType>,
  Same<z.output<typeof AssignmentResult>, AssignmentResultType>,
  Same<z.output<typeof TeamMember>, TeamMemberViewType>,
  Same<z.output<typeof QueuedConversation>, QueuedViewType>,
  Same<z.output<typeof ReviewRow>, ReviewRowType>,
  Same<Omit<z.output<typeof AuditEvent>, 'before' | 'after'>, Omit<AuditEventType, 'before' | 'after'>>,
] = [true, true, true, true, true, true, true, true, true, true];

export const TotpSetup = z
  .object({
    secret: z.string().meta({ description: 'The TOTP secret (base32), for typing into an authenticator app' }),
    otpauthUri: z.string().meta({
      description: 'The same secret as an otpauth:// URI (what the QR code shows)',
      example: 'otpauth://totp/Roster:ann%40acme.example?secret=JBSWY3DPEHPK3PXP&issuer=Roster',
    }),
  })
  .meta({ id: 'TotpSetup' });

export const MfaStatus = z
  .object({ enrolled: z.literal(true), enrolledAt: Time })
  .meta({ id: 'MfaStatus', description: 'Two-factor authentication is on: every sign-in asks for a code' });
export const DomainView = z
  .object({
    domain: z.string().meta({ example: 'acme.com' }),
    status: z.enum(['pending', 'verified', 'failed']).meta({
      description:
        'pending: added, not looked up yet · verified: the record was found · failed: the last lookup found none',
    }),
    verification: z
      .object({
        type: z.literal('TXT'),
        name: z.string().meta({ example: '_roster-challenge.acme.com' }),
        value: z.string().meta({ example: 'roster-verification=Zm9vYmFyYmF6cXV4cXV1eGNvcmdl' }),
      })
      .meta({ description: 'The DNS record to publish (keep it published: verified domains are re-checked daily)' }),
    createdAt: Time,
    lastCheckedAt: NullableTime,
    verifiedAt: NullableTime,
    flaggedAt: NullableTime.meta({
      description: 'A daily re-check found the record gone; null = not flagged (a record found again clears it)',
    }),
    graceEndsAt: NullableTime.meta({
      description: 'When a flagged domain stops enabling single sign-on provisioning and auto-join',
    }),
    enablesSignIn: z.boolean().meta({ description: 'Verified and not flagged past its grace period' }),
  })
  .meta({ id: 'Domain' });

const TenantRef = z.object({
  id: z.string().meta({ example: 'acme' }),
  name: z.string().meta({ example: 'Acme Support' }),
});

export const JoinableTenant = z
  .object({
    tenant: TenantRef,
    domain: z.string().meta({ example: 'acme.com' }),
    mode: z.enum(['request', 'automatic']),
    requested: z.boolean().meta({ description: 'A request of the caller’s waits for an answer' }),
  })
  .meta({ id: 'JoinableTenant' });

export const JoinableTenants = z.object({ items: z.array(JoinableTenant) }).meta({ id: 'JoinableTenants' });

export const JoinResult = z
  .object({
    tenant: TenantRef,
    status: z.enum(['active', 'requested']).meta({ description: 'active: joined now · requested: an admin decides' }),
    role: z.enum(['manager', 'agent', 'custom']).optional(),
    roleId: z.string().optional(),
  })
  .meta({ id: 'JoinResult' });

export const JoinRequest = z
  .object({
    id: Id.meta({ description: 'The person’s login id (their member id once approved)' }),
    email: z.string().meta({ example: 'ann@acme.com' }),
    name: z.string().meta({ example: 'Ann Agent' }),
    domain: z.string().meta({ example: 'acme.com' }),
    requestedAt: Time,
  })
  .meta({ id: 'JoinRequest' });

export const JoinApproved = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    role: z.enum(['manager', 'agent', 'custom']),
    status: z.literal('active'),
  })
  .meta({ id: 'JoinApproved' });
/** An SSO connection as admins see it: never the client secret; the values the IdP needs under `serviceProvider`. */
export const SsoConnectionView = z
  .object({
    id: Id,
    type: z.enum(['oidc', 'saml']),
    name: z.string(),
    domains: z.array(z.string()).meta({ description: 'Verified domains of this tenant whose people it signs in' }),
    issuer: z.string().optional().meta({ description: 'OIDC: the issuer (discovered at save)' }),
    clientId: z.string().optional().meta({ description: 'OIDC: the client id at the IdP' }),
    idpEntityId: z.string().optional().meta({ description: 'SAML: the IdP’s entity id (from its metadata)' }),
    idpSsoUrl: z.string().optional().meta({ description: 'SAML: the IdP’s single sign-on URL (HTTP-Redirect)' }),
    serviceProvider: z
      .object({
        startUrl: z
          .string()
          .meta({ description: 'Where a sign-in with this connection starts (also IdP-side bookmarks)' }),
        redirectUri: z.string().optional().meta({ description: 'OIDC: the redirect URI to register at the IdP' }),
        acsUrl: z.string().optional().meta({ description: 'SAML: the Assertion Consumer Service URL (HTTP-POST)' }),
        entityId: z.string().optional().meta({ description: 'SAML: Roster’s entity id (the audience)' }),
      })
      .meta({ id: 'SsoServiceProvider' }),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'SsoConnection' });

export const SsoConnectionList = z.object({ items: z.array(SsoConnectionView) }).meta({ id: 'SsoConnectionList' });

export const SsoDiscovery = z
  .object({
    sso: z.array(z.object({ connectionId: Id, name: z.string(), startUrl: z.string() }).meta({ id: 'SsoOption' })),
    passwordAllowed: z.boolean().meta({
      description: 'false: the domain’s tenant requires SSO (its owner may still use a password)',
    }),
  })
  .meta({ id: 'SsoDiscovery' });
