/**
 * The access review (DESIGN §1): every member with their role, role
 * template, effective permissions, grants with their ends, CRM access,
 * teams, status and last sign-in — as rows, and as an RFC 4180 CSV file an
 * admin can keep. Cells a spreadsheet would run as a formula are defused.
 */
import { type GrantTerm, liveGrants, termOf } from './grants.ts';
import { inactiveSince } from './inactivity.ts';
import type { MemberStatus } from './lifecycle.ts';
import { effectivePermissions, type Permission, type Role } from './permissions.ts';
import type { MemberRecord, TenantRecord } from './records.ts';
import { builtInRoleName } from './roles.ts';

export interface ReviewRow {
  id: string;
  email: string;
  name: string;
  status: MemberStatus;
  owner: boolean;
  role: Role;
  roleId: string | null;
  /** The built-in role's name, or the custom role's (role template); null for a custom role with no recorded name. */
  roleName: string | null;
  /**
   * Effective at the review's instant: role ∪ live grants, CRM-gated — and none at all for anyone not active
   * (invited, suspended, deactivated, expired): they cannot sign in or act, so they hold no access.
   */
  permissions: Permission[];
  /** Live grants, each with its end (null = permanent). */
  grants: { permission: Permission; expiresAt: string | null }[];
  crmAccess: boolean;
  teamIds: string[];
  /** The teams' names, in `teamIds` order (a team deleted meanwhile is left out). */
  teams: string[];
  lastLoginAt: string | null;
  inactiveSince: string;
}

export function reviewRow(
  member: MemberRecord,
  tenant: TenantRecord,
  now: Date,
  teamNames: ReadonlyMap<string, string> = new Map(),
): ReviewRow {
  const custom = member.role === 'custom' && member.roleId ? tenant.rolePermissions[member.roleId] : undefined;
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    status: member.status,
    owner: tenant.ownerId === member.id,
    role: member.role,
    roleId: member.role === 'custom' ? (member.roleId ?? null) : null,
    roleName:
      member.role === 'custom'
        ? ((member.roleId && tenant.roleNames?.[member.roleId]) ?? null)
        : builtInRoleName(member.role),
    permissions: member.status === 'active' ? effectivePermissions(member, custom, now) : [],
    grants: liveGrants(member.grants, now).map(termOf) as ReviewRow['grants'],
    crmAccess: member.role === 'admin' || member.crmAccess,
    teamIds: member.teamIds,
    teams: member.teamIds.flatMap((id) => teamNames.get(id) ?? []),
    lastLoginAt: member.lastLoginAt,
    inactiveSince: inactiveSince(member),
  };
}

const grantCell = (g: GrantTerm) => (g.expiresAt ? `${g.permission} until ${g.expiresAt}` : g.permission);

/** The CSV columns, in order, and how each cell reads a row (lists: space-separated; grants: `; `). */
export const REVIEW_COLUMNS: readonly [string, (row: ReviewRow) => string][] = [
  ['id', (r) => r.id],
  ['email', (r) => r.email],
  ['name', (r) => r.name],
  ['status', (r) => r.status],
  ['owner', (r) => String(r.owner)],
  ['role', (r) => r.role],
  ['roleId', (r) => r.roleId ?? ''],
  ['roleName', (r) => r.roleName ?? ''],
  ['permissions', (r) => r.permissions.join(' ')],
  ['grants', (r) => r.grants.map(grantCell).join('; ')],
  ['crmAccess', (r) => String(r.crmAccess)],
  ['teamIds', (r) => r.teamIds.join(' ')],
  ['teams', (r) => r.teams.join('; ')],
  ['lastLoginAt', (r) => r.lastLoginAt ?? ''],
  ['inactiveSince', (r) => r.inactiveSince],
];

/**
 * A cell a spreadsheet would evaluate — starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return (OWASP, "CSV injection") — gets a leading `'`, so it
 * shows as the text it is.
 */
export function defuseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: a field with a comma, a quote, CR or LF is quoted, its quotes doubled. */
export function csvField(value: string): string {
  const safe = defuseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvLine = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;

/** The review as an RFC 4180 file: a header line, then one line per row, each ended by CRLF. */
export function reviewCsv(rows: readonly ReviewRow[]): string {
  return (
    csvLine(REVIEW_COLUMNS.map(([name]) => name)) +
    rows.map((row) => csvLine(REVIEW_COLUMNS.map(([, cell]) => cell(row)))).join('')
  );
}
