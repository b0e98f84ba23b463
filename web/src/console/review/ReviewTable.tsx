/** The access review's table: one row per member, its columns as data (header and how each cell reads a row). */
import type { ReactNode } from 'react';
import type { ReviewRow } from '../../data/review';
import { day, ROLE_LABELS, STATUS_LABELS, when } from '../../ui/format';
import { isInactive } from '../../ui/Inactive';
import { TableWrap } from '../../ui/TableWrap';

export interface ReviewColumn {
  key: string;
  header: string;
  cell: (row: ReviewRow, context: { teamName: (id: string) => string; now: number }) => ReactNode;
}

/** A grant as a person reads it: the permission, and until when it holds. */
export const grantText = (g: ReviewRow['grants'][number]): string =>
  g.expiresAt ? `${g.permission} until ${when(g.expiresAt)}` : `${g.permission} (permanent)`;

export const REVIEW_COLUMNS: readonly ReviewColumn[] = [
  {
    key: 'name',
    header: 'Name',
    cell: (r) => (
      <>
        {r.name || '—'}
        {r.owner ? <span className="tag">Owner</span> : null}
      </>
    ),
  },
  { key: 'email', header: 'Email', cell: (r) => r.email },
  {
    key: 'status',
    header: 'Status',
    cell: (r) => <span className={`status status-${r.status}`}>{STATUS_LABELS[r.status] ?? r.status}</span>,
  },
  { key: 'role', header: 'Role', cell: (r) => ROLE_LABELS[r.role] ?? r.role },
  {
    key: 'roleTemplate',
    header: 'Role template',
    cell: (r) => (r.role === 'custom' ? (r.roleName ?? r.roleId ?? '—') : '—'),
  },
  {
    key: 'permissions',
    header: 'Effective permissions',
    // Invited, suspended, deactivated or expired: they cannot sign in or act, whatever their role says.
    cell: (r) =>
      r.status !== 'active' ? (
        <span className="muted">No access</span>
      ) : r.permissions.length === 0 ? (
        'None'
      ) : (
        <details className="permissions">
          <summary>
            {r.permissions.length} {r.permissions.length === 1 ? 'permission' : 'permissions'}
            <span className="visually-hidden"> of {r.email}</span>
          </summary>
          <ul className="permission-list" aria-label={`Effective permissions of ${r.email}`}>
            {r.permissions.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </details>
      ),
  },
  {
    key: 'grants',
    header: 'Extra grants',
    cell: (r) =>
      r.grants.length === 0 ? (
        '—'
      ) : (
        <ul className="plain" aria-label={`Extra grants of ${r.email}`}>
          {r.grants.map((g) => (
            <li key={g.permission}>{grantText(g)}</li>
          ))}
        </ul>
      ),
  },
  { key: 'crm', header: 'CRM access', cell: (r) => (r.crmAccess ? 'Yes' : 'No') },
  // The API names the teams (people read names); an older answer without them falls back to the lookup.
  { key: 'teams', header: 'Teams', cell: (r, c) => (r.teams ?? r.teamIds.map(c.teamName)).join(', ') || '—' },
  { key: 'lastLogin', header: 'Last login', cell: (r) => day(r.lastLoginAt) },
  {
    key: 'inactiveSince',
    header: 'Inactive since',
    // Only where the person is inactive (an active member with no sign-in for 30 days or more); otherwise a dash,
    // never the date of a sign-in moments ago.
    cell: (r, c) =>
      isInactive(r, c.now) ? (
        <>
          {day(r.inactiveSince)}
          <span className="tag tag-warn">Inactive</span>
        </>
      ) : (
        '—'
      ),
  },
];

export function ReviewTable({
  rows,
  teamName,
  busy,
  now = Date.now(),
}: {
  rows: ReviewRow[];
  teamName: (id: string) => string;
  busy?: boolean;
  now?: number;
}) {
  return (
    <TableWrap label="Access review">
      <table className="dense" aria-busy={busy || undefined}>
        <caption className="visually-hidden">Access review</caption>
        <thead>
          <tr>
            {REVIEW_COLUMNS.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={REVIEW_COLUMNS.length}>Nobody to review.</td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.id}>
                {REVIEW_COLUMNS.map((c, i) =>
                  i === 0 ? (
                    <th key={c.key} scope="row">
                      {c.cell(r, { teamName, now })}
                    </th>
                  ) : (
                    <td key={c.key}>{c.cell(r, { teamName, now })}</td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}
