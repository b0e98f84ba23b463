/**
 * The key scheme (docs/architecture.md, "Data: one table"): the one authority for how items are addressed.
 */
import { normaliseTeamName } from '../domain/assignment.ts';
import { normaliseRoleName } from '../domain/roles.ts';

export const INVITE_SHARDS = 4;

export const keys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: '#TENANT' }),
  tenantList: (createdAt: string, tenantId: string) => ({
    gsi2pk: 'TENANTS',
    gsi2sk: `${createdAt}#${tenantId}`,
  }),
  member: (tenantId: string, memberId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `MEMBER#${memberId}`,
  }),
  memberPrefix: 'MEMBER#',
  /** GSI4: a tenant's members by name (NFKC, case-folded), the users list's default order. */
  memberByName: (tenantId: string, memberId: string, nameKey: string) => ({
    gsi4pk: `TENANT#${tenantId}#BY_NAME`,
    gsi4sk: `${nameKey}#${memberId}`,
  }),
  memberByNamePartition: (tenantId: string) => `TENANT#${tenantId}#BY_NAME`,
  /** One word of a member's name or email (lib/domain/search.ts): the word index, in the tenant's partition. */
  memberWord: (tenantId: string, word: string, memberId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `WORD#${word}#${memberId}`,
  }),
  /** sk prefix of every indexed word starting with `prefix` (words hold no `#`: they are letters and digits). */
  memberWordPrefix: (prefix: string) => `WORD#${prefix}`,
  /** GSI1: every membership of one identity. */
  identityMembership: (memberId: string, tenantId: string) => ({
    gsi1pk: `IDENTITY#${memberId}`,
    gsi1sk: `TENANT#${tenantId}`,
  }),
  identityPartition: (memberId: string) => `IDENTITY#${memberId}`,
  /**
   * A sign-in waiting for its TOTP code (lib/store/mfa-challenges.ts): the SHA-256 of Cognito's session,
   * never the session itself; kept minutes (TTL).
   */
  mfaChallenge: (sessionHash: string) => ({ pk: `MFA_CHALLENGE#${sessionHash}`, sk: '#MFA_CHALLENGE' }),
  /** The login's own item (DESIGN §2a): who manages it, its joins, when its sessions were last revoked. */
  identity: (identityId: string) => ({ pk: `IDENTITY#${identityId}`, sk: '#IDENTITY' }),
  /** GSI2 (sparse, only while invited): pending invitations ordered by expiry. */
  pendingInvite: (tenantId: string, memberId: string, expiresAt: string) => ({
    gsi2pk: `INVITES#${inviteShard(memberId)}`,
    gsi2sk: `${expiresAt}#${tenantId}#${memberId}`,
  }),
  inviteShardPartition: (shard: number) => `INVITES#${shard}`,
  /**
   * GSI2 (sparse, members not invited with a timed grant): ordered by their
   * earliest grant expiry, spread over the invitation shards — what the upkeep
   * job removes. (An invited member's GSI2 keys are its invitation's.)
   */
  grantExpiry: (tenantId: string, memberId: string, expiresAt: string) => ({
    gsi2pk: `GRANTS#${inviteShard(memberId)}`,
    gsi2sk: `${expiresAt}#${tenantId}#${memberId}`,
  }),
  grantShardPartition: (shard: number) => `GRANTS#${shard}`,
  /**
   * GSI3: a tenant's members by last sign-in — `0#<inactiveSince>` for those
   * who never signed in (first, by when they were invited or created), then
   * `1#<lastLoginAt>` — so "no sign-in for N days" and the sort by last
   * sign-in are one range of one partition.
   */
  memberActivity: (tenantId: string, memberId: string, lastLoginAt: string | null, inactiveSince: string) => ({
    gsi3pk: `TENANT#${tenantId}#BY_LOGIN`,
    gsi3sk: lastLoginAt ? `1#${lastLoginAt}#${memberId}` : `0#${inactiveSince}#${memberId}`,
  }),
  memberActivityPartition: (tenantId: string) => `TENANT#${tenantId}#BY_LOGIN`,
  /** The GSI3 sort key below which everyone has not signed in since `cutoff` (or never signed in). */
  signedInBefore: (cutoff: string) => `1#${cutoff}`,
  /** GSI3 (sparse): active tenants with `autoSuspendInactiveDays` set, for the upkeep job. */
  autoSuspendTenant: (tenantId: string) => ({ gsi3pk: 'AUTO_SUSPEND', gsi3sk: tenantId }),
  autoSuspendPartition: 'AUTO_SUSPEND',
  emailClaim: (tenantId: string, email: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `EMAIL#${normaliseEmail(email)}`,
  }),
  role: (tenantId: string, roleId: string) => ({ pk: `TENANT#${tenantId}`, sk: `ROLE#${roleId}` }),
  rolePrefix: 'ROLE#',
  /** Uniqueness of a custom role's name per tenant (case-insensitive), like the email claim. */
  roleName: (tenantId: string, name: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `ROLE_NAME#${normaliseRoleName(name)}`,
  }),
  team: (tenantId: string, teamId: string) => ({ pk: `TENANT#${tenantId}`, sk: `TEAM#${teamId}` }),
  /** Uniqueness of a team's name per tenant, like the email claim. */
  teamName: (tenantId: string, name: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `TEAM_NAME#${normaliseTeamName(name)}`,
  }),
  /** GSI2: a tenant's teams by name (team items only; team-member items share the TEAM# prefix). */
  teamList: (tenantId: string, name: string, teamId: string) => ({
    gsi2pk: `TEAMS#${tenantId}`,
    gsi2sk: `${normaliseTeamName(name)}#${teamId}`,
  }),
  teamListPartition: (tenantId: string) => `TEAMS#${tenantId}`,
  /** sk prefix of one team's member links (same partition as the team). */
  teamMemberPrefix: (teamId: string) => `TEAM#${teamId}#MEMBER#`,
  /**
   * One consistent Query over `TEAM#id` … `TEAM#id#MEMBER#` + U+FFFF reads the team item
   * and every member link (each carrying the member's card) — the whole input of
   * a strategy's pick in one round trip. Other teams' ids never fall inside: a
   * team id character sorts after `#`.
   */
  teamRange: (teamId: string) => ({ from: `TEAM#${teamId}`, to: `TEAM#${teamId}#MEMBER#\uffff` }),
  /** A conversation waiting in a team's queue, oldest first (sorts after the team's member links). */
  teamQueueEntry: (tenantId: string, teamId: string, queuedAt: string, conversationId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `TEAM#${teamId}#QUEUE#${queuedAt}#${conversationId}`,
  }),
  teamQueuePrefix: (teamId: string) => `TEAM#${teamId}#QUEUE#`,
  /** GSI1 on a team item while its queue may hold conversations: the release job's sweep list. */
  queuedTeam: (tenantId: string, teamId: string) => ({ gsi1pk: 'QUEUES', gsi1sk: `${tenantId}#${teamId}` }),
  queuedTeamsPartition: 'QUEUES',
  /** A member who went away (GSI2, oldest first): the release job applies the teams' away release. */
  awayTicket: (tenantId: string, memberId: string) => ({ pk: `TENANT#${tenantId}`, sk: `AWAY#${memberId}` }),
  awayList: (tenantId: string, memberId: string, since: string) => ({
    gsi2pk: 'AWAY',
    gsi2sk: `${since}#${tenantId}#${memberId}`,
  }),
  awayPartition: 'AWAY',
  teamMember: (tenantId: string, teamId: string, memberId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `TEAM#${teamId}#MEMBER#${memberId}`,
    gsi1pk: `TENANT#${tenantId}#MEMBER#${memberId}`,
    gsi1sk: `TEAM#${teamId}`,
  }),
  assignment: (tenantId: string, conversationId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `CONVERSATION#${conversationId}`,
  }),
  /** GSI1: one assignee's open conversations, oldest first. */
  assigneeQueue: (tenantId: string, assigneeId: string, assignedAt: string, conversationId: string) => ({
    gsi1pk: `TENANT#${tenantId}#ASSIGNEE#${assigneeId}`,
    gsi1sk: `${assignedAt}#${conversationId}`,
  }),
  assigneeQueuePartition: (tenantId: string, assigneeId: string) => `TENANT#${tenantId}#ASSIGNEE#${assigneeId}`,
  /**
   * A member who left (deactivated or deleted) and may still hold open
   * conversations; GSI2 lists them for the release job until their queue is empty.
   */
  /** sk of a tenant's pending auto-suspension digest (the suspended members its admins have not been mailed about). */
  suspensionDigest: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'DIGEST#suspensions' }),
  releaseTicket: (tenantId: string, memberId: string) => ({ pk: `TENANT#${tenantId}`, sk: `RELEASE#${memberId}` }),
  /** Issue 17: this tenant's sends to one address (outlives the member; expires by TTL). */
  addressSends: (tenantId: string, email: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `SENDS#${normaliseEmail(email)}`,
  }),
  /** Issue 17: this tenant's invitation emails of one UTC day (expires by TTL). */
  sendBudget: (tenantId: string, day: string) => ({ pk: `TENANT#${tenantId}`, sk: `SEND_BUDGET#${day}` }),
  releaseList: (tenantId: string, memberId: string, at: string) => ({
    gsi2pk: 'RELEASES',
    gsi2sk: `${at}#${tenantId}#${memberId}`,
  }),
  releasePartition: 'RELEASES',
  /**
   * What a job recorded about one item that failed (attempts, backoff, last
   * error), in the item's tenant; GSI2 lists a job's faults — `RETRY#…` while
   * it is retried, `POISONED#…` once set aside for an operator.
   */
  jobFault: (job: string, tenantId: string, itemId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `JOBFAULT#${job}#${itemId}`,
  }),
  jobFaultList: (job: string, tenantId: string, itemId: string, poisoned: boolean) => ({
    gsi2pk: `JOBFAULTS#${job}`,
    gsi2sk: `${poisoned ? 'POISONED' : 'RETRY'}#${tenantId}#${itemId}`,
  }),
  jobFaultPartition: (job: string) => `JOBFAULTS#${job}`,
  /** A domain a tenant added (pending, verified or failed), in the tenant's partition. */
  domain: (tenantId: string, domain: string) => ({ pk: `TENANT#${tenantId}`, sk: `DOMAIN#${domain}` }),
  domainPrefix: 'DOMAIN#',
  /**
   * The one global claim of a verified domain (DESIGN §2a rule 13: at most one
   * tenant verifies a domain): `{tenantId, flaggedAt?, graceEndsAt?}`, written in
   * the verify transaction on the condition that no other tenant holds it.
   */
  domainClaim: (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: '#CLAIM' }),
  /** GSI2 (sparse, verified domains only): when the daily re-check is next due, for the domain-check job. */
  domainCheck: (tenantId: string, domain: string, nextCheckAt: string) => ({
    gsi2pk: 'DOMAIN_CHECKS',
    gsi2sk: `${nextCheckAt}#${tenantId}#${domain}`,
  }),
  domainCheckPartition: 'DOMAIN_CHECKS',
  /** A person's request to join a tenant through auto-join (`request` mode), keyed by their login. */
  joinRequest: (tenantId: string, identityId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `JOIN_REQUEST#${identityId}`,
  }),
  joinRequestPrefix: 'JOIN_REQUEST#',
  /** Bound to the caller: another caller's same key is a fresh request (DESIGN §2a rule 8). */
  idempotency: (tenantId: string, operation: string, callerId: string, key: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `IDEMPOTENCY#${operation}#${callerId}#${key}`,
  }),
  // ── SCIM (docs/architecture.md, "SCIM") ──
  /** A tenant's SCIM token (its secret's hash only); the item gone = the token revoked. */
  scimToken: (tenantId: string, tokenId: string) => ({ pk: `TENANT#${tenantId}`, sk: `SCIM_TOKEN#${tokenId}` }),
  scimTokenPrefix: 'SCIM_TOKEN#',
  /** How many SCIM tokens a tenant holds (at most two: rotation without downtime). */
  scimTokenCount: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'SCIM_TOKENS' }),
  /** Uniqueness of a directory user's userName per tenant (case-insensitive), like the email claim. */
  scimUserName: (tenantId: string, userNameKey: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `SCIM_USERNAME#${userNameKey}`,
  }),
  /** The tenant's group → role mappings, ordered. */
  scimRoleMappings: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'SCIM_ROLE_MAPPINGS' }),
  /** An API key, in its tenant's partition: the secret names both (lib/domain/api-keys.ts). */
  apiKey: (tenantId: string, keyId: string) => ({ pk: `TENANT#${tenantId}`, sk: `APIKEY#${keyId}` }),
  apiKeyPrefix: 'APIKEY#',
  audit: (tenantId: string, at: string, eventId: string) => ({
    pk: `TENANT#${tenantId}#AUDIT`,
    sk: `${at}#${eventId}`,
  }),
  auditPartition: (tenantId: string) => `TENANT#${tenantId}#AUDIT`,
  /** An SSO connection, global so the public start and callback find it by id; GSI1 lists a tenant's. */
  ssoConnection: (connectionId: string) => ({ pk: `SSO#${connectionId}`, sk: '#CONNECTION' }),
  ssoConnectionList: (tenantId: string, connectionId: string) => ({
    gsi1pk: `TENANT#${tenantId}#SSO`,
    gsi1sk: connectionId,
  }),
  ssoConnectionPartition: (tenantId: string) => `TENANT#${tenantId}#SSO`,
  /** One started SSO sign-in (state, nonce, PKCE verifier / SAML request id), by the hash of its state; TTL. */
  ssoState: (stateHash: string) => ({ pk: `SSOSTATE#${stateHash}`, sk: '#STATE' }),
  /** The one-time proof the custom-auth trigger consumes, by its hash; TTL. */
  ssoProof: (proofHash: string) => ({ pk: `SSOPROOF#${proofHash}`, sk: '#PROOF' }),
  /** An SSO identity: (connection, subject) → the login (DESIGN §2a rule 13). */
  ssoSubject: (connectionId: string, subjectHash: string) => ({
    pk: `SSOSUBJECT#${connectionId}#${subjectHash}`,
    sk: '#SUBJECT',
  }),
  /** A pending SSO link (lib/app/sso-link.ts): (connection, subject, login) awaiting the login's password; TTL. */
  ssoLink: (tokenHash: string) => ({ pk: `SSOLINK#${tokenHash}`, sk: '#LINK' }),
  /** The subject a login is bound to on a connection: one SSO identity per login and connection. */
  ssoLoginBinding: (connectionId: string, identityId: string) => ({
    pk: `SSOLOGIN#${connectionId}#${identityId}`,
    sk: '#BINDING',
  }),
  /** A SAML assertion id already used on a connection (replay cache); TTL past the assertion's end. */
  samlAssertion: (connectionId: string, idHash: string) => ({
    pk: `SAMLASSERTION#${connectionId}#${idHash}`,
    sk: '#ASSERTION',
  }),
} as const;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Stable shard of a member id, spreading the invitation index over a few partitions. */
export function inviteShard(memberId: string): number {
  let hash = 0;
  for (let i = 0; i < memberId.length; i++) hash = (hash * 31 + memberId.charCodeAt(i)) >>> 0;
  return hash % INVITE_SHARDS;
}
