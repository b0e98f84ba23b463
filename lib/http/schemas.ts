/** Shared zod schemas for request parts; handlers compose these. */

import * as z from 'zod';
import {
  AVAILABILITIES,
  CONVERSATION_ID,
  MAX_AWAY_RELEASE_SECONDS,
  MAX_TEAMS_PER_MEMBER,
  STRATEGIES,
} from '../domain/assignment.ts';
import { containsLink } from '../domain/identity.ts';
import { MAX_INACTIVE_DAYS, MIN_AUTO_SUSPEND_DAYS } from '../domain/inactivity.ts';
import { MAX_GRACE_DAYS } from '../domain/mfa.ts';
import { ALL_PERMISSIONS, type Permission as PermissionName } from '../domain/permissions.ts';
import { CLOCK_TIME, END_TIME, MAX_INTERVALS, WEEKDAYS } from '../domain/schedule.ts';
import { PLAN_NAMES, type Plan as PlanName } from '../domain/seats.ts';

export const TenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'Must be 1–64 lower-case letters, digits or -');
export const Email = z
  .string()
  .trim()
  .max(254)
  .email('Must be an email address')
  .transform((e) => e.toLowerCase());
/** Names go into mail: none may carry a link (DESIGN §2a rule 5). */
const noLink = (value: string) => !containsLink(value);
const NO_LINK = 'Must not contain a link or a web address';
export const PersonName = z.string().trim().min(1, 'Must not be empty').max(200).refine(noLink, NO_LINK);
export const TenantName = z.string().trim().min(1, 'Must not be empty').max(200).refine(noLink, NO_LINK);
/** The user pool's policy, checked here so a weak password is a 400 naming the field. */
export const Password = z
  .string()
  .min(12, 'Must be at least 12 characters')
  .max(256)
  .regex(/[a-z]/, 'Must contain a lower-case letter')
  .regex(/[A-Z]/, 'Must contain an upper-case letter')
  .regex(/[0-9]/, 'Must contain a digit');
export const Plan = z.enum(PLAN_NAMES as [PlanName, ...PlanName[]]);
export const SeatLimit = z.number().int().min(1).max(100_000);

export const TenantPath = z.object({ tenantId: TenantId }).strict();

export const Pagination = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const Token = z.string().min(1).max(512);

export const MemberPath = z.object({ tenantId: TenantId, userId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }).strict();
export const RoleName = z.enum(['admin', 'manager', 'agent', 'custom']);
export const RoleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
/** A catalogue permission: the `Permission` component of the document, shared by requests and responses. */
export const Permission = z
  .enum(ALL_PERMISSIONS as [PermissionName, ...PermissionName[]])
  .meta({ id: 'Permission', description: '`resource:action` from the permission catalogue (GET /v1/permissions).' });
/**
 * A list of permissions in a request. The domain checks the names (a 400 naming each unknown one, in its own
 * words), so the request schema takes strings; the document states what is accepted: `Permission` items.
 */
const permissionList = (max: number) =>
  z
    .array(z.string().max(64))
    .max(max)
    .meta({
      override: ({ jsonSchema }) => {
        jsonSchema.items = { $ref: '#/components/schemas/Permission' };
      },
    });
/**
 * Extra grants in a request: a permission (permanent) or `{permission, expiresAt}` (held until then; any
 * ISO offset, stored as UTC). Names are checked by the domain (400 naming each unknown one), as for roles.
 */
const TimedGrant = z.object({ permission: z.string().max(64), expiresAt: z.iso.datetime({ offset: true }) }).strict();
export const Grants = z
  .array(z.union([z.string().max(64), TimedGrant]))
  .max(64)
  .meta({
    override: ({ jsonSchema }) => {
      jsonSchema.items = {
        oneOf: [
          { $ref: '#/components/schemas/Permission' },
          {
            type: 'object',
            properties: {
              permission: { $ref: '#/components/schemas/Permission' },
              expiresAt: {
                type: 'string',
                format: 'date-time',
                description: 'When the grant ends (in the future); it confers nothing from this instant on.',
              },
            },
            required: ['permission', 'expiresAt'],
            additionalProperties: false,
          },
        ],
      };
    },
  });
export const RolePath = z.object({ tenantId: TenantId, roleId: RoleId }).strict();
/** A custom role's fields; permission names are checked against the catalogue by the domain (400 naming each). */
export const RoleFields = {
  name: z.string().trim().min(1, 'Must not be empty').max(100),
  description: z.string().trim().max(500).optional(),
  permissions: permissionList(100),
};
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 letters, digits or ._:-');

export const TeamId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
export const TeamIds = z.array(TeamId).max(MAX_TEAMS_PER_MEMBER);
export const TeamPath = z.object({ tenantId: TenantId, teamId: TeamId }).strict();
export const TeamMemberPath = z
  .object({ tenantId: TenantId, teamId: TeamId, userId: MemberPath.shape.userId })
  .strict();
/** A team's fields; `capacity` = max open conversations per agent for automatic assignment (null = none). */
export const TeamFields = {
  name: z.string().trim().min(1, 'Must not be empty').max(100),
  description: z.string().trim().max(500).optional(),
  assignmentStrategy: z.enum(STRATEGIES).optional(),
  capacity: z.number().int().min(1).max(10_000).nullable().optional(),
  /** A member away this long loses their open conversations of this team to its queue; 0 = at once, null = never. */
  awayReleaseSeconds: z.number().int().min(0).max(MAX_AWAY_RELEASE_SECONDS).nullable().optional(),
};
export const Availability = z.enum(AVAILABILITIES);
/** A weekly schedule; the zone and the intervals' sense are checked by the domain (lib/domain/schedule.ts). */
export const WorkingHours = z
  .object({
    timeZone: z.string().min(1).max(64),
    weekly: z
      .array(
        z
          .object({
            day: z.enum(WEEKDAYS),
            from: z.string().regex(CLOCK_TIME, 'Must be HH:MM (00:00–23:59)'),
            to: z.string().regex(END_TIME, 'Must be HH:MM (00:00–24:00)'),
          })
          .strict(),
      )
      .max(MAX_INTERVALS),
  })
  .strict();
/** Days without a sign-in, for filters and the tenant's auto-suspension. */
export const InactiveDays = z.number().int().min(1).max(MAX_INACTIVE_DAYS);
/** The tenant's auto-suspension period: at least a week (lib/domain/inactivity.ts). */
/** A TOTP code: six digits from the authenticator app. */
export const TotpCode = z.string().regex(/^\d{6}$/, 'Six digits');

/** The tenant's MFA policy (lib/domain/mfa.ts); left-out fields keep their value. */
export const MfaPolicyBody = z
  .object({
    required: z.boolean(),
    graceDays: z.number().int().min(0).max(MAX_GRACE_DAYS).optional(),
    includeSso: z.boolean().optional(),
  })
  .strict();

export const AutoSuspendDays = z
  .number()
  .int()
  .min(MIN_AUTO_SUSPEND_DAYS, `At least ${MIN_AUTO_SUSPEND_DAYS} days`)
  .max(MAX_INACTIVE_DAYS);
/** The longest a tenant lets its API keys live (days). */
export const ApiKeyLifetimeDays = z.number().int().min(1).max(3650);
export const ApiKeyId = z.string().regex(/^[a-z0-9]{26}$/, 'An API key id: 26 lower-case letters and digits');
export const ApiKeyPath = z.object({ tenantId: TenantId, keyId: ApiKeyId }).strict();
/** Creating an API key; permission names are checked against the catalogue by the domain (400 naming each). */
export const ApiKeyFields = {
  name: z.string().trim().min(1, 'Must not be empty').max(100),
  permissions: permissionList(100),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
};
/** A DNS domain name (lower-cased), as SSO connections and verified domains name them. */
export const DomainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    'A domain name, e.g. acme.com',
  );
export const SsoConnectionPath = z
  .object({ tenantId: TenantId, connectionId: z.string().regex(/^[0-9A-Z]{26}$/, 'A connection id') })
  .strict();
/** PATCH /v1/tenants/{t} `sso`: either field alone (admins only). */
export const SsoSettingsPatch = z
  .object({ required: z.boolean().optional(), jitProvisioning: z.boolean().optional() })
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'Name at least one of required, jitProvisioning');
/** Conversation ids belong to the inbox product: opaque, URL-safe, at most 128 characters. */
export const ConversationId = z.string().regex(CONVERSATION_ID, 'Must be 1–128 letters, digits or ._:- (not first)');
export const ConversationPath = z.object({ tenantId: TenantId, conversationId: ConversationId }).strict();

/** A member's role, custom role, grants and CRM access, as invite and create take them. */
export const MemberFields = {
  teamIds: TeamIds.optional(),
  email: Email,
  name: PersonName.optional(),
  role: RoleName,
  roleId: RoleId.optional(),
  grants: Grants.optional(),
  crmAccess: z.boolean().optional(),
};

/** A domain in a path: checked loosely here (the use case looks it up; anything else is a 404). */
export const DomainPath = z.object({ tenantId: TenantId, domain: z.string().min(1).max(253) }).strict();
/** `{domain}` to add: the domain rules (public suffix, free mail, IP literals) answer 400 naming body.domain. */
export const DomainBody = z.object({ domain: z.string().min(1).max(253) }).strict();

/** Auto-join settings: any field may be sent alone; the default role is never admin (lib/domain/auto-join.ts). */
export const AutoJoinPatch = z
  .object({
    mode: z.enum(['off', 'request', 'automatic']).optional(),
    defaultRole: z.enum(['manager', 'agent', 'custom'], 'Must be manager, agent or custom (never admin)').optional(),
    roleId: z
      .string()
      .regex(/^[a-z0-9]{1,64}$/, 'Must be a role id')
      .optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one field to change');
/** A join request is named by the person's login id (a Cognito sub: a UUID). */
export const JoinRequestPath = z
  .object({ tenantId: TenantId, requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'Must be a request id') })
  .strict();
