/**
 * The only reader of `process.env`: parsed and validated once, on first use,
 * failing with one clear message naming every missing or invalid variable.
 */
import * as z from 'zod';
import { DAILY_INVITATIONS, type Plan } from './domain/seats.ts';

const Env = z.object({
  TABLE_NAME: z.string().min(1),
  // Optional only for Cognito triggers: the pool invokes them, so they cannot
  // reference it (a CloudFormation cycle); read lazily below, failing on use.
  USER_POOL_ID: z.string().min(1).optional(),
  USER_POOL_CLIENT_ID: z.string().min(1).optional(),
  /** The issuer of the pool's tokens (Roster verifies a bearer offered as proof on a public route). */
  USER_POOL_ISSUER: z.string().url().optional(),
  MAIL_FROM: z.string().email(),
  APP_URL: z.string().url(),
  INVITATION_TTL_SECONDS: z.coerce.number().int().positive().default(604_800),
  /** The least time between two sends of one invitation (DESIGN §2a rule 5). */
  INVITATION_RESEND_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
  // The KMS key Cognito wraps codes with for the custom email sender (that trigger only).
  SENDER_KEY_ARN: z.string().min(1).optional(),
});

export type Config = {
  tableName: string;
  userPoolId: string;
  userPoolClientId: string;
  userPoolIssuer: string;
  mailFrom: string;
  appUrl: string;
  invitationTtlSeconds: number;
  invitationResendIntervalSeconds: number;
  /** Per plan: invitation and welcome emails one tenant may send per UTC day. */
  invitationDailyBudget: Readonly<Record<Plan, number>>;
  invitationAddressWindowSeconds: number;
  auditRetentionDays: number;
  senderKeyArn: string;
  /** The DNS servers domain verification asks; empty = the system resolver. */
  dnsServers: readonly string[];
  domainGraceDays: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS=true (local only): http and private addresses allowed for webhooks. */
  webhookAllowPrivateTargets: boolean;
  /** SSO_ALLOW_PRIVATE_ISSUERS=true (local only): OIDC issuers may be plain http on loopback or private addresses. */
  ssoAllowPrivateIssuers: boolean;
};

/**
 * Optional tuning with defaults in code (issue 17's send limits): read here
 * too, but not part of CONFIG_VARIABLES, so no deployment has to set them.
 */
const Tuning = z.object({
  /** `plan=count,…`: the daily invitation budgets that differ from DAILY_INVITATIONS. */
  INVITATION_DAILY_BUDGETS: z
    .string()
    .regex(/^(\s*[a-z]+\s*=\s*\d+\s*)(,\s*[a-z]+\s*=\s*\d+\s*)*$/, 'plan=count,…')
    .optional(),
  /** How long a tenant's sends to one address are remembered (spacing across revokes and re-invites). */
  INVITATION_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().positive().default(86_400),
  /**
   * `host:port,…`: the DNS servers domain verification asks (the local stack's loopback server);
   * unset in AWS = the system resolver. One code path either way (lib/aws/dns.ts).
   */
  DNS_SERVERS: z
    .string()
    .regex(/^\s*[^,\s]+(\s*,\s*[^,\s]+)*\s*$/, 'host[:port],…')
    .optional(),
  /** Days a verified domain whose TXT record disappeared keeps enabling JIT and auto-join (flagged meanwhile). */
  DOMAIN_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  /**
   * Local stack and tests only (never set by the CDK stack): webhook URLs may be
   * plain http and reach loopback or private addresses, so a developer can
   * watch deliveries arrive on their machine. Off: https only, public addresses only.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
  /**
   * Local stack and tests only (never set by the CDK stack): an OIDC issuer — and every
   * endpoint its discovery document names — may be plain http and on loopback or a
   * private address (the local IdPs). Off: https only, public addresses only.
   */
  SSO_ALLOW_PRIVATE_ISSUERS: z.enum(['true', 'false']).optional(),
});

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  const tuned = Tuning.safeParse(process.env);
  if (!parsed.success || !tuned.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(tuned.error?.issues ?? [])];
    const problems = issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Roster configuration (${problems})`);
  }
  const env = { ...parsed.data, ...tuned.data };
  cached = {
    tableName: env.TABLE_NAME,
    get userPoolId() {
      return env.USER_POOL_ID ?? missing('USER_POOL_ID');
    },
    get userPoolClientId() {
      return env.USER_POOL_CLIENT_ID ?? missing('USER_POOL_CLIENT_ID');
    },
    get userPoolIssuer() {
      return env.USER_POOL_ISSUER ?? missing('USER_POOL_ISSUER');
    },
    mailFrom: env.MAIL_FROM,
    appUrl: env.APP_URL.replace(/\/+$/, ''),
    invitationTtlSeconds: env.INVITATION_TTL_SECONDS,
    invitationResendIntervalSeconds: env.INVITATION_RESEND_INTERVAL_SECONDS,
    invitationDailyBudget: budgets(env.INVITATION_DAILY_BUDGETS),
    invitationAddressWindowSeconds: env.INVITATION_ADDRESS_WINDOW_SECONDS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    dnsServers: (env.DNS_SERVERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    domainGraceDays: env.DOMAIN_GRACE_DAYS,
    webhookAllowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
    ssoAllowPrivateIssuers: env.SSO_ALLOW_PRIVATE_ISSUERS === 'true',
    get senderKeyArn() {
      return env.SENDER_KEY_ARN ?? missing('SENDER_KEY_ARN');
    },
  };
  return cached;
}

function budgets(spec: string | undefined): Readonly<Record<Plan, number>> {
  const out: Record<Plan, number> = { ...DAILY_INVITATIONS };
  for (const pair of spec?.split(',') ?? []) {
    const [plan = '', count = ''] = pair.split('=').map((part) => part.trim());
    if (plan in out) out[plan as Plan] = Number(count);
  }
  return out;
}

function missing(name: string): never {
  throw new Error(`Invalid Roster configuration (${name}: required by this function but not set)`);
}

/** Tests that change the environment call this to re-read it. */
export function resetConfig(): void {
  cached = undefined;
}

/** Names of the variables every function receives (the stack sets them; triggers get all but the pool's). */
export const CONFIG_VARIABLES = Object.keys(Env.shape) as (keyof z.infer<typeof Env>)[];
