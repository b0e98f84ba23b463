/**
 * Member lifecycle (the product rules): the complete transition table with the seat
 * change and audit action of each step, as data.
 */
import { DomainError } from './errors.ts';

export const STATUSES = ['invited', 'active', 'suspended', 'deactivated', 'expired'] as const;
export type MemberStatus = (typeof STATUSES)[number];

export const SEAT_HOLDING: ReadonlySet<MemberStatus> = new Set(['invited', 'active', 'suspended']);

export function holdsSeat(status: MemberStatus): boolean {
  return SEAT_HOLDING.has(status);
}

export const ACTIONS = ['accept', 'suspend', 'deactivate', 'reactivate', 'expire', 'resend', 'delete'] as const;
export type LifecycleAction = (typeof ACTIONS)[number];

export interface Transition {
  to: MemberStatus | 'deleted';
  /** Change to the tenant's `seats.used`: +1 takes a seat, -1 frees one. */
  seatDelta: -1 | 0 | 1;
  /** Audit action name, `<entity>.<past participle>`. */
  audit: string;
}

type Table = Record<LifecycleAction, Partial<Record<MemberStatus, Omit<Transition, 'seatDelta'>>>>;

const TABLE: Table = {
  accept: { invited: { to: 'active', audit: 'member.activated' } },
  suspend: { active: { to: 'suspended', audit: 'member.suspended' } },
  deactivate: {
    active: { to: 'deactivated', audit: 'member.deactivated' },
    suspended: { to: 'deactivated', audit: 'member.deactivated' },
  },
  reactivate: {
    suspended: { to: 'active', audit: 'member.reactivated' },
    deactivated: { to: 'active', audit: 'member.reactivated' },
  },
  expire: { invited: { to: 'expired', audit: 'invitation.expired' } },
  resend: {
    invited: { to: 'invited', audit: 'invitation.resent' },
    expired: { to: 'invited', audit: 'invitation.resent' },
  },
  delete: {
    invited: { to: 'deleted', audit: 'invitation.revoked' },
    active: { to: 'deleted', audit: 'member.deleted' },
    suspended: { to: 'deleted', audit: 'member.deleted' },
    deactivated: { to: 'deleted', audit: 'member.deleted' },
    expired: { to: 'deleted', audit: 'invitation.revoked' },
  },
};

function seatDelta(from: MemberStatus, to: MemberStatus | 'deleted'): -1 | 0 | 1 {
  const before = holdsSeat(from);
  const after = to !== 'deleted' && holdsSeat(to);
  if (before === after) return 0;
  return after ? 1 : -1;
}

/** The transition `action` makes from `from`, or undefined when it is not allowed. */
export function findTransition(from: MemberStatus, action: LifecycleAction): Transition | undefined {
  const step = TABLE[action][from];
  return step && { ...step, seatDelta: seatDelta(from, step.to) };
}

/** Like findTransition, but an impossible step is a 409 `invalid-transition`. */
export function transition(from: MemberStatus, action: LifecycleAction): Transition {
  const step = findTransition(from, action);
  if (!step) {
    throw new DomainError('invalid-transition', `A member who is ${from} cannot be ${pastTense(action)}.`, {
      currentStatus: from,
      action,
    });
  }
  return step;
}

function pastTense(action: LifecycleAction): string {
  const words: Record<LifecycleAction, string> = {
    accept: 'activated',
    suspend: 'suspended',
    deactivate: 'deactivated',
    reactivate: 'reactivated',
    expire: 'expired',
    resend: 'sent a new invitation',
    delete: 'deleted',
  };
  return words[action];
}

/** Who counts towards "there is always one active admin". */
export function isActiveAdmin(member: { role: string; status: MemberStatus } | undefined): boolean {
  return member?.role === 'admin' && member.status === 'active';
}

/** Change to the tenant's active-admin count when a member goes from `before` to `after` (undefined = deleted). */
export function activeAdminDelta(
  before: { role: string; status: MemberStatus } | undefined,
  after: { role: string; status: MemberStatus } | undefined,
): -1 | 0 | 1 {
  const was = isActiveAdmin(before);
  const is = isActiveAdmin(after);
  return was === is ? 0 : is ? 1 : -1;
}
