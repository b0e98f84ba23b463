/**
 * The model the identity property test (identity-property.test.ts) holds
 * beside the real system: who the people are, which login each has, the
 * password each knows, their sessions, their memberships — and DESIGN §2a
 * restated as plain predicates over it, written from the rule book and not
 * from the implementation. A step's expected outcome comes from here.
 */
import { ALL_PERMISSIONS, BUILT_IN_ROLE_PERMISSIONS } from '../../lib/domain/permissions.ts';

export type Role = 'admin' | 'manager' | 'agent' | 'custom';
export const ROLES: readonly Role[] = ['admin', 'manager', 'agent', 'custom'];

/** The four people who act in each tenant, by the role they start with. */
export type Slot = 'owner' | 'admin' | 'manager' | 'custom';
export const SLOTS: readonly Slot[] = ['owner', 'admin', 'manager', 'custom'];

/** The custom role every tenant of the test has: the attacker of issue 10. */
export const CUSTOM_PERMISSIONS = ['users:view', 'users:edit', 'users:create'] as const;

export const permissionsOf = (role: Role): readonly string[] =>
  role === 'admin' ? ALL_PERMISSIONS : role === 'custom' ? CUSTOM_PERMISSIONS : BUILT_IN_ROLE_PERMISSIONS[role];

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** A credential change of the identity came after this session began: its next request must be refused. */
  revoked: boolean;
  /** The login was deleted since (its refresh token may be refused as unknown rather than revoked). */
  loginGone?: boolean;
}

export interface Person {
  label: string;
  /** The login's address (what the person signs in with). */
  email: string;
  /** The login's `sub`; null = the address has no login. */
  id: string | null;
  /** The password the person knows, which must be the login's; null = none set that anybody knows. */
  password: string | null;
  /** An admin set the password: the next sign-in asks for the person's own. */
  mustChange: boolean;
  /** The tenant (index) whose invitation or direct creation made the login. */
  managedBy: number | null;
  sessions: Session[];
}

export interface Membership {
  status: 'invited' | 'active';
  role: Role;
  /** The live invitation link (invited only). */
  link: string | null;
}

export interface World {
  tenants: { id: string; roleId: string; owner: number }[];
  people: Person[];
  /** Per tenant: person index → membership. */
  members: Map<number, Membership>[];
  /** Invitation links that must be dead (replaced or used). */
  deadLinks: { tenant: number; person: number; link: string }[];
  /** Every password the test ever sent: a login the model says has none must hold none of them. */
  passwords: Set<string>;
}

export const slotPerson = (tenant: number, slot: Slot) => tenant * SLOTS.length + SLOTS.indexOf(slot);

export function membership(w: World, tenant: number, person: number): Membership | undefined {
  return w.members[tenant]?.get(person);
}

export const isActive = (w: World, tenant: number, person: number) =>
  membership(w, tenant, person)?.status === 'active';

export const isOwner = (w: World, tenant: number, person: number) => w.tenants[tenant]?.owner === person;

function roleOf(w: World, tenant: number, person: number): Role {
  const m = membership(w, tenant, person);
  if (!m) throw new Error(`person ${person} is not a member of tenant ${tenant}`);
  return m.role;
}

/** The caller is an active member holding `permission` (else the route refuses: 404 or 403). */
export function may(w: World, tenant: number, actor: number, permission: string): boolean {
  return isActive(w, tenant, actor) && permissionsOf(roleOf(w, tenant, actor)).includes(permission);
}

/** Rule 1: the actor holds every permission of the target; admins only by admins; the owner's credentials only by the owner. */
export function dominates(
  w: World,
  tenant: number,
  actor: number,
  target: number,
  action: 'edit' | 'email' | 'password' | 'delete',
): boolean {
  if (actor === target) return true;
  if (isOwner(w, tenant, target) && (action === 'email' || action === 'password')) return false;
  const mine = roleOf(w, tenant, actor);
  const theirs = roleOf(w, tenant, target);
  if (theirs === 'admin' && mine !== 'admin') return false;
  return permissionsOf(theirs).every((p) => permissionsOf(mine).includes(p));
}

/** Rule 2: the tenant made the login and the login joined no other tenant (invitations elsewhere do not count). */
export function manages(w: World, tenant: number, person: number): boolean {
  if (w.people[person]?.managedBy !== tenant) return false;
  return w.members.every((members, other) => other === tenant || members.get(person)?.status !== 'active');
}

/** Nobody confers a permission they do not hold; only admins make or unmake admins. */
export function canConfer(w: World, tenant: number, actor: number, next: Role, current?: Role): boolean {
  const mine = roleOf(w, tenant, actor);
  if ((next === 'admin' || current === 'admin') && mine !== 'admin') return false;
  return permissionsOf(next).every((p) => permissionsOf(mine).includes(p));
}

export const liveSession = (p: Person) => p.sessions.filter((s) => !s.revoked).at(-1);

/** Rule 4: every session of the person so far ends. */
export function revokeAll(p: Person, loginGone = false): void {
  for (const s of p.sessions) {
    s.revoked = true;
    if (loginGone) s.loginGone = true;
  }
}

/** Rule 6: a login left without any membership is removed. */
export function removeOrphanLogin(w: World, person: number): void {
  const p = w.people[person] as Person;
  if (w.members.some((members) => members.has(person))) return;
  revokeAll(p, true);
  Object.assign(p, { id: null, password: null, mustChange: false, managedBy: null });
}

// ── the steps and what the rules say of each ───────────────────────────

export type Proof = 'chosen' | 'own-password' | 'wrong-password' | 'none' | 'own-token' | 'other-token';

export type Step =
  | { kind: 'invite'; tenant: number; actor: Slot; person: number; role: Role }
  | { kind: 'create'; tenant: number; actor: Slot; person: number; role: Role; temporary: boolean }
  | { kind: 'accept'; pick: number; proof: Proof; deadLink: boolean }
  | { kind: 'email'; tenant: number; actor: Slot; pick: number }
  | { kind: 'role'; tenant: number; actor: Slot; pick: number; role: Role }
  | { kind: 'reset'; tenant: number; actor: Slot; pick: number; temporary: boolean }
  | { kind: 'delete'; tenant: number; actor: Slot; pick: number }
  | { kind: 'change-password'; person: number; wrongCurrent: boolean }
  | { kind: 'sign-out-everywhere'; person: number }
  | { kind: 'sign-in'; person: number };

/** The person a step picks among the tenant's members, or undefined when none. */
export function pickMember(w: World, tenant: number, pick: number): number | undefined {
  const candidates = [...(w.members[tenant]?.keys() ?? [])].sort((a, b) => a - b);
  return candidates.length ? candidates[pick % candidates.length] : undefined;
}

/** The invitation a step picks among every pending one (both tenants), or undefined when none. */
export function pickInvitation(w: World, pick: number): { tenant: number; person: number } | undefined {
  const pending = w.members.flatMap((members, tenant) =>
    [...members].filter(([, m]) => m.status === 'invited').map(([person]) => ({ tenant, person })),
  );
  return pending.length ? pending[pick % pending.length] : undefined;
}

/** Invite or direct creation: the rules' verdict before anything is sent. */
export function mayAdd(w: World, tenant: number, actor: number, person: number, role: Role): boolean {
  return (
    may(w, tenant, actor, 'users:create') &&
    canConfer(w, tenant, actor, role) &&
    // The address is already a member here (any status): 409.
    !w.members[tenant]?.has(person)
  );
}

/**
 * Email change (rules 1, 2, 5): dominance, the owner's by the owner, a managed login, no invitation of a
 * login with a password; never a login another tenant also names (even by invitation), and never one's own
 * here (that takes the current password, which the model does not send).
 */
export function mayChangeEmail(w: World, tenant: number, actor: number, target: number): boolean {
  const m = membership(w, tenant, target);
  if (!m || actor === target || !may(w, tenant, actor, 'users:edit')) return false;
  if (w.members.some((members, other) => other !== tenant && members?.has(target))) return false;
  if (!dominates(w, tenant, actor, target, 'edit') || !dominates(w, tenant, actor, target, 'email')) return false;
  if (!manages(w, tenant, target)) return false;
  return !(m.status === 'invited' && w.people[target]?.password !== null);
}

export function mayChangeRole(w: World, tenant: number, actor: number, target: number, role: Role): boolean {
  const m = membership(w, tenant, target);
  if (!m || !may(w, tenant, actor, 'users:edit') || !dominates(w, tenant, actor, target, 'edit')) return false;
  if (role === m.role) return true;
  if (isOwner(w, tenant, target)) return false;
  return canConfer(w, tenant, actor, role, m.role);
}

/**
 * Admin reset (rules 1 and 2): dominance, the owner's by the owner, a member who joined, a managed login —
 * and never one's own (that takes the current password, through change-password).
 */
export function mayReset(w: World, tenant: number, actor: number, target: number): boolean {
  if (actor === target) return false;
  const m = membership(w, tenant, target);
  if (!m || !may(w, tenant, actor, 'users:edit') || !dominates(w, tenant, actor, target, 'password')) return false;
  return m.status === 'active' && manages(w, tenant, target);
}

export function mayDelete(w: World, tenant: number, actor: number, target: number): boolean {
  if (!membership(w, tenant, target) || !may(w, tenant, actor, 'users:delete')) return false;
  return dominates(w, tenant, actor, target, 'delete') && !isOwner(w, tenant, target);
}

/**
 * Rule 3: what accepting an invitation answers. A login nobody has a password
 * for is set up by whoever holds the link (it went only to the mailbox); a
 * login with a password joins only with its password or its own token.
 */
export function acceptOutcome(
  passwordKnown: boolean,
  proof: Proof,
): { status: 200; linked: boolean } | { status: 400 | 401; code: string } {
  if (!passwordKnown) {
    if (proof === 'other-token') return { status: 401, code: 'login-required' };
    if (proof === 'none') return { status: 400, code: 'validation-failed' };
    return { status: 200, linked: false };
  }
  switch (proof) {
    case 'own-password':
    case 'own-token':
      return { status: 200, linked: true };
    case 'chosen':
    case 'wrong-password':
      return { status: 401, code: 'unauthenticated' };
    default:
      return { status: 401, code: 'login-required' };
  }
}

export function describeStep(w: World, step: Step): string {
  const who = (i: number | undefined) => (i === undefined ? '-' : (w.people[i]?.label ?? `#${i}`));
  const t = 'tenant' in step ? `T${step.tenant}` : '';
  switch (step.kind) {
    case 'invite':
    case 'create':
      return `${step.kind} ${t} by ${step.actor}: ${who(step.person)} as ${step.role}`;
    case 'accept':
      return `accept: pick ${step.pick} with ${step.proof}${step.deadLink ? ' (a dead link, if any)' : ''}`;
    case 'email':
    case 'reset':
    case 'delete':
      return `${step.kind} ${t} by ${step.actor}: pick ${step.pick}`;
    case 'role':
      return `role ${t} by ${step.actor}: pick ${step.pick} → ${step.role}`;
    default:
      return `${step.kind}: ${who(step.person)}`;
  }
}
