/**
 * The identity rules (who may act on whom, which login a tenant manages, when
 * a session is stale, who must prove what) as pure functions over plain data.
 * Every use case that acts on a member or a credential asks these; none of
 * them re-derives a rule.
 */
import LinkifyIt from 'linkify-it';
import tldList from 'tlds';
import { DomainError, forbidden } from './errors.ts';
import type { MemberStatus } from './lifecycle.ts';
import type { Permission, Role } from './permissions.ts';

/** What Roster records about one login (the `IDENTITY#sub` item), translated from storage. */
export interface IdentityState {
  /** The Cognito `sub`: the member id in every tenant. */
  id: string;
  /** The login's address as Roster last set it (normalised); absent when not recorded. */
  email?: string;
  /**
   * The address the person proved is theirs by using what Roster mailed to it (an invitation's link, a
   * password-recovery code). Auto-join trusts `email` only while it equals this: an address an admin
   * set, or changed since, proves nothing.
   */
  emailProven?: string;
  /** The tenant whose invitation or direct creation made the login; null = none (made elsewhere). */
  managedBy: string | null;
  /** Tenants where the login holds an accepted membership (active, suspended, deactivated). */
  acceptedTenants: readonly string[];
  /** Memberships of any status (invited included): the login is removed when this reaches zero. */
  membershipCount: number;
  /** A password someone knows is set (an invitation-only login has none yet). */
  hasPassword: boolean;
  /** The password was set by an admin: the person must choose their own before using Roster. */
  mustChangePassword: boolean;
  /** Epoch milliseconds: tokens authenticated earlier are refused (0 = none refused). */
  tokensValidAfter: number;
  /**
   * Epoch milliseconds: the latest stamp any one tenant put on its own membership (rule 11). It refuses
   * nothing login-wide; a sign-in waits it out, so a new session is never born stale in that tenant.
   */
  tenantStampedAt: number;
  /** When the login set up two-factor authentication (TOTP) with Roster; absent = not enrolled (lib/domain/mfa.ts). */
  mfaEnrolledAt?: string;
  /** Moves with every change of the item (0 = not recorded yet). */
  version: number;
  /**
   * The login was made by an SSO sign-in (just-in-time provisioning) and has no password anybody knows:
   * every session of it is an SSO session (docs/architecture.md, "Single sign-on" — the MFA policy's exemption).
   * Cleared once a password is set (recovered, or set by an admin): its password sessions are no SSO sessions.
   */
  ssoOnly?: boolean;
}

/** A login nobody has recorded yet (e.g. made before this item existed): managed by no tenant. */
export function unknownIdentity(id: string): IdentityState {
  return {
    id,
    managedBy: null,
    acceptedTenants: [],
    membershipCount: 0,
    hasPassword: true,
    mustChangePassword: false,
    tokensValidAfter: 0,
    tenantStampedAt: 0,
    version: 0,
  };
}

const ACCEPTED: ReadonlySet<MemberStatus> = new Set(['active', 'suspended', 'deactivated']);

/** Accepted memberships are the person's own joins; invited and expired are only offers. */
export const isAccepted = (status: MemberStatus | undefined): boolean => status !== undefined && ACCEPTED.has(status);

/** Rule 2: the tenant created the login and the login has joined no other tenant. */
export function tenantManages(identity: IdentityState, tenantId: string): boolean {
  return identity.managedBy === tenantId && identity.acceptedTenants.every((t) => t === tenantId);
}

export function assertManaged(
  identity: IdentityState,
  tenantId: string,
  what: 'password' | 'email' | 'two-factor authentication',
): void {
  if (tenantManages(identity, tenantId)) return;
  throw new DomainError(
    'identity-shared',
    `This person's login is their own (it was not created by this tenant, or it is also used in another tenant), so only they can change its ${what}.`,
  );
}

/** The member as a holder of permissions, as dominance compares them. */
export interface Principal {
  id: string;
  role: Role;
  permissions: readonly Permission[];
  isOwner: boolean;
}

/** What an actor does to another member: any edit, a status change, a credential, an invitation. */
export type MemberAction = 'edit' | 'email' | 'password' | 'status' | 'resend' | 'delete';

/**
 * Rule 1 (dominance): acting on another member needs every permission the
 * target holds; only admins act on admins; only the owner touches the owner's
 * email or password. Acting on oneself is not governed here.
 */
export function assertDominates(actor: Principal, target: Principal, action: MemberAction): void {
  if (actor.id === target.id) return;
  if (target.isOwner && (action === 'email' || action === 'password')) {
    throw forbidden(`Only the tenant owner can change the owner's ${action}.`);
  }
  if (target.role === 'admin' && actor.role !== 'admin') throw forbidden('Only admins can act on an admin.');
  const missing = target.permissions.filter((p) => !actor.permissions.includes(p));
  if (missing.length > 0) {
    throw forbidden(
      `You can only act on people whose permissions you hold; this person also has ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`,
    );
  }
}

/** The moments a token carries (JWT `auth_time`, else `iat`), in epoch seconds, and its `jti`. */
export interface TokenTimes {
  authTime?: number;
  issuedAt?: number;
  /** The token's own id (`jti`): what a tenant refuses when a refresh restarted `auth_time` (below). */
  tokenId?: string;
}

/** A token whose session began before `validAfter` (epoch ms; 0 = none refused) is stale. */
export function startedBefore(validAfter: number, token: TokenTimes): boolean {
  if (validAfter <= 0) return false;
  const seconds = token.authTime ?? token.issuedAt;
  if (seconds === undefined) return true;
  return seconds * 1000 < validAfter;
}

/** Rule 4: a token authenticated before the identity's last credential change is stale (every tenant). */
export function sessionStale(identity: Pick<IdentityState, 'tokensValidAfter'>, token: TokenTimes): boolean {
  return startedBefore(identity.tokensValidAfter, token);
}

/** The instant a new sign-in must be after, so that no stamp (the login's or any tenant's) refuses it. */
export const freshAfter = (identity: Pick<IdentityState, 'tokensValidAfter' | 'tenantStampedAt'>): number =>
  Math.max(identity.tokensValidAfter, identity.tenantStampedAt);

/**
 * Rule 11: what one tenant records about the sessions of one membership (on
 * the member item, read in the authorisation round trip). Deactivation,
 * suspension and deletion stamp `sessionsValidAfter`; `refusedTokens` holds
 * the ids (`<exp>:<jti>`) of tokens a refresh issued to a session the tenant
 * had ended, when the refresh restarted `auth_time` (cognito-local does;
 * Cognito keeps the original, so the stamp alone refuses them there).
 */
export interface MembershipSessions {
  /** Epoch ms: this tenant refuses tokens of sessions that began earlier (absent = none). */
  sessionsValidAfter?: number;
  /** `<exp seconds>:<jti>` of refreshed tokens this tenant refuses. */
  refusedTokens?: Iterable<string>;
}

/** Rule 11: the token belongs to a session this tenant ended (other tenants are not asked). */
export function membershipSessionStale(member: MembershipSessions, token: TokenTimes): boolean {
  if (startedBefore(member.sessionsValidAfter ?? 0, token)) return true;
  if (!token.tokenId || !member.refusedTokens) return false;
  for (const entry of member.refusedTokens) if (entry.slice(entry.indexOf(':') + 1) === token.tokenId) return true;
  return false;
}

/**
 * Rule 11 and refresh: a session that began at `sessionStart` got `issued`
 * tokens. A tenant that ended the session (its stamp is after the start)
 * but whose stamp the new tokens pass (their `auth_time` restarted) must
 * refuse them by id; the answer is the entries to record (none in AWS, where
 * `auth_time` is kept across refreshes). The refresh itself is never
 * refused here: other tenants keep the session.
 */
export function tokensToRefuse(
  member: MembershipSessions,
  sessionStart: TokenTimes,
  issued: readonly (TokenTimes & { expiresAt?: number })[],
): string[] {
  if (!startedBefore(member.sessionsValidAfter ?? 0, sessionStart)) return [];
  return issued
    .filter((t) => t.tokenId !== undefined && !membershipSessionStale(member, t))
    .map((t) => `${t.expiresAt ?? 0}:${t.tokenId}`);
}

/** Refused-token entries whose token has expired by `now` (epoch ms): nothing presents them any more. */
export function expiredRefusals(entries: Iterable<string> | undefined, now: number): string[] {
  return [...(entries ?? [])].filter((e) => Number(e.slice(0, e.indexOf(':'))) * 1000 < now);
}

export const sessionRevoked = () =>
  new DomainError('session-revoked', 'This session ended (a password, email or sign-out changed it); sign in again.');

/** Rule 11: this tenant ended the session (only here: the person's other tenants are unaffected). */
export const tenantSessionRevoked = () =>
  new DomainError(
    'session-revoked',
    'This tenant ended this session (the membership was suspended, deactivated or removed); sign in again to use it.',
  );

/**
 * Rule 3: what accepting an invitation takes. A login with a password needs
 * proof that the person owns it; a login nobody has a password for is the
 * person's to set up with the link (which only their mailbox received).
 */
export type AcceptanceProof = 'token-of-identity' | 'token-of-other' | 'password' | 'none';

export function acceptanceNeeds(identity: IdentityState, proof: AcceptanceProof): 'new-login' | 'link' {
  if (!identity.hasPassword) {
    if (proof === 'token-of-other') throw loginRequired();
    return 'new-login';
  }
  if (proof === 'token-of-identity' || proof === 'password') return 'link';
  throw loginRequired();
}

export const loginRequired = () =>
  new DomainError(
    'login-required',
    'This address already has a login: sign in with its password (or as that login) to accept the invitation.',
  );

/**
 * Rule 5: sends of one invitation are spaced, ever further apart — the first
 * resend at once (a typo fixed, a mail lost), then `interval`, 2×, 4×, … up to
 * 64× after the previous send. The answer is how many seconds to wait (0 = send).
 */
export function resendWait(
  invitation: { lastSentAt?: string; sendCount?: number } | undefined,
  now: Date,
  intervalSeconds: number,
): number {
  const sent = invitation?.sendCount ?? 0;
  if (!invitation?.lastSentAt || sent <= 1) return 0;
  const spacing = intervalSeconds * 2 ** Math.min(sent - 2, 6);
  const waitMs = Date.parse(invitation.lastSentAt) + spacing * 1000 - now.getTime();
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

export function tooManySends(retryAfterSeconds: number): DomainError {
  return new DomainError(
    'too-many-requests',
    `This invitation was sent moments ago; wait ${retryAfterSeconds} s before sending it again.`,
    { retryAfter: retryAfterSeconds },
  );
}

/**
 * Issue 17 (mail-bomb): sends from one tenant to one address — invitations,
 * resends, welcome mails — are spaced like one invitation's resends, across
 * revokes and re-invites: the record is per (tenant, address), not per
 * member, and lives `windowSeconds` after its last send.
 */
export interface AddressSends {
  sendCount: number;
  lastSentAt: string;
}

/** Seconds to wait before this tenant may mail this address again (0 = send). */
export function addressSendWait(
  record: AddressSends | undefined,
  now: Date,
  intervalSeconds: number,
  windowSeconds: number,
): number {
  if (!record || Date.parse(record.lastSentAt) + windowSeconds * 1000 <= now.getTime()) return 0;
  return resendWait(record, now, intervalSeconds);
}

/** The record after one more send now (a lapsed window starts again at one). */
export function nextAddressSends(record: AddressSends | undefined, now: Date, windowSeconds: number): AddressSends {
  const open = record !== undefined && Date.parse(record.lastSentAt) + windowSeconds * 1000 > now.getTime();
  return { sendCount: open ? record.sendCount + 1 : 1, lastSentAt: now.toISOString() };
}

export function tooManySendsToAddress(retryAfterSeconds: number): DomainError {
  return new DomainError(
    'too-many-requests',
    `This tenant mailed this address moments ago (revoking and inviting again does not reset it); wait ${retryAfterSeconds} s.`,
    { retryAfter: retryAfterSeconds },
  );
}

/** The UTC day a send counts against (the tenant's daily invitation budget). */
export const budgetDay = (now: Date): string => now.toISOString().slice(0, 10);

/** Seconds until the next UTC day, when the daily budget starts again. */
export function untilNextDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

export function dailyBudgetSpent(limit: number, now: Date): DomainError {
  const retryAfter = untilNextDay(now);
  return new DomainError(
    'too-many-requests',
    `This tenant has sent its ${limit} invitation emails for today (UTC); more can be sent in ${retryAfter} s, or on a larger plan.`,
    { retryAfter },
  );
}

/**
 * Rule 5: names that go into mail carry no link. A maintained detector
 * (`linkify-it`: schemes, `www.`, bare domains, addresses, IPs) with the
 * full IANA TLD list (`tlds`, internationalised ones included: `.рф`,
 * `.みんな`), run over the text as a mail client would show it: NFKC
 * (full-width letters and dots), every dot-like mark as a dot (`。`, `｡`,
 * `﹒`), and invisible characters removed (`bank\u200b.com`).
 */
const linkify = new LinkifyIt({}, { fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true }).tlds(tldList, false);

/** Marks a reader takes for a dot (NFKC already maps `．`, `﹒` and `․` to `.`). */
const DOT_LIKE = /[\u3002\uff61\u2024\u2025\u2026\u00b7\u0701\u0702\u2e3c\ufe12]/g;
/** Characters nobody sees: zero-widths, joiners, the soft hyphen, bidi controls, variation selectors. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
/** Any scheme followed by `//` (`javascript://`), `www.`, or an address-shaped text, whatever its TLD. */
const LINK_SHAPED = /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|[^\s@]+@[^\s@]+\.[^\s@.]{2,}/i;

/** The text as a reader sees it, for link detection. */
export function asDisplayed(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').replace(DOT_LIKE, '.');
}

export function containsLink(text: string): boolean {
  const shown = asDisplayed(text);
  // Every link, address or IP has a dot, a colon or an @ once displayed: without one, no detector is needed.
  if (!/[.:@]/.test(shown)) return false;
  return LINK_SHAPED.test(shown) || linkify.test(shown);
}

/** The user pool's password policy (DESIGN: 12+ characters, upper, lower, digit), as field messages. */
export function passwordPolicyProblems(password: string): string[] {
  return [
    ...(password.length >= 12 ? [] : ['Must be at least 12 characters']),
    ...(/[a-z]/.test(password) ? [] : ['Must contain a lower-case letter']),
    ...(/[A-Z]/.test(password) ? [] : ['Must contain an upper-case letter']),
    ...(/[0-9]/.test(password) ? [] : ['Must contain a digit']),
  ];
}
