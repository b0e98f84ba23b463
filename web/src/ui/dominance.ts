/**
 * Who the signed-in person may act on, as the API decides it (DESIGN §2a rule
 * 1, lib/domain/identity.ts `assertDominates`): oneself always; otherwise only
 * admins act on an admin, and the target's every effective permission must be
 * one the actor holds. The console hides a control the API would refuse
 * (availability, working hours) instead of offering one that fails.
 * test/web/rules.test.ts checks this against the domain rule itself.
 */
import type { Catalogue, Permission } from '../data/tenant';

type Grant = string | { permission: string; expiresAt: string | null };

export interface Target {
  id: string;
  role: string;
  roleId?: string;
  grants: readonly Grant[];
  crmAccess: boolean;
}

/** The target's effective permissions as the API computes them (role ∪ live grants, CRM-gated), or undefined if unknown. */
export function effectiveOf(
  target: Target,
  roles: { builtIn: Catalogue['roles']; custom: readonly { id: string; permissions: readonly string[] }[] | undefined },
  now: number,
): Set<string> | undefined {
  const base =
    target.role === 'custom'
      ? roles.custom === undefined
        ? undefined
        : (roles.custom.find((r) => r.id === target.roleId)?.permissions ?? [])
      : roles.builtIn.find((r) => r.id === target.role)?.permissions;
  if (base === undefined) return undefined;
  const live = target.grants.flatMap((g) =>
    typeof g === 'string' ? [g] : g.expiresAt === null || Date.parse(g.expiresAt) > now ? [g.permission] : [],
  );
  const all = new Set<string>([...base, ...live]);
  if (!target.crmAccess && target.role !== 'admin') for (const p of all) if (p.startsWith('contacts:')) all.delete(p);
  return all;
}

/** Whether `me` may act on `target` (unknown permissions of the target: no, as the API might refuse). */
export function mayActOn(
  me: { id: string; role: string; permissions: readonly Permission[] },
  target: Target,
  targetPermissions: ReadonlySet<string> | undefined,
): boolean {
  if (me.id === target.id) return true;
  if (target.role === 'admin' && me.role !== 'admin') return false;
  if (targetPermissions === undefined) return false;
  const held = new Set<string>(me.permissions);
  return [...targetPermissions].every((p) => held.has(p));
}
