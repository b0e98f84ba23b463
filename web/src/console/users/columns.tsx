/** The users table's columns, as data: header and how each cell reads from a member. */
import type { ReactNode } from 'react';
import type { Member } from '../../data/users';
import { ROLE_LABELS, STATUS_LABELS, when } from '../../ui/format';
import { InactiveBadge } from '../../ui/Inactive';

export interface Lookups {
  roleName: (roleId: string) => string;
  /** The team's name, or undefined when the signed-in person cannot see it. */
  teamName: (teamId: string) => string | undefined;
  ownerId: string;
  myId: string;
  /** The instant the inactive badge is judged at (default: now). */
  now?: number;
}

export interface Column {
  key: string;
  header: string;
  cell: (member: Member, lookups: Lookups) => ReactNode;
}

export const COLUMNS: readonly Column[] = [
  {
    key: 'name',
    header: 'Name',
    cell: (m, l) => (
      <>
        {m.name || '—'}
        {m.id === l.ownerId ? <span className="tag">Owner</span> : null}
        {m.id === l.myId ? <span className="tag">You</span> : null}
      </>
    ),
  },
  { key: 'email', header: 'Email', cell: (m) => m.email },
  { key: 'role', header: 'Role', cell: (m) => ROLE_LABELS[m.role] ?? m.role },
  { key: 'roleTemplate', header: 'Role template', cell: (m, l) => (m.roleId ? l.roleName(m.roleId) : '—') },
  {
    key: 'status',
    header: 'Status',
    cell: (m) => <span className={`status status-${m.status}`}>{STATUS_LABELS[m.status] ?? m.status}</span>,
  },
  { key: 'crm', header: 'CRM access', cell: (m) => (m.role === 'admin' || m.crmAccess ? 'Yes' : 'No') },
  { key: 'teams', header: 'Teams', cell: (m, l) => teamsText(m.teamIds, l.teamName) },
  {
    key: 'lastLogin',
    header: 'Last login',
    cell: (m, l) => (
      <>
        <span className="stamp">{when(m.lastLoginAt)}</span>
        <InactiveBadge member={m} now={l.now ?? Date.now()} />
      </>
    ),
  },
];

/** Team names, and how many more teams the reader cannot see (never their ids). */
export function teamsText(teamIds: readonly string[], teamName: (id: string) => string | undefined): string {
  if (teamIds.length === 0) return '—';
  const names = teamIds.map(teamName).filter((n): n is string => !!n);
  const hidden = teamIds.length - names.length;
  const more = hidden === 0 ? [] : [`${names.length ? `${hidden} more` : hidden} ${hidden === 1 ? 'team' : 'teams'}`];
  return [...names, ...more].join(', ');
}
