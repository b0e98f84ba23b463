/** The users table: one row per member, the columns of COLUMNS, then the row's actions. */
import type { Member } from '../../data/users';
import { TableWrap } from '../../ui/TableWrap';
import { COLUMNS, type Lookups } from './columns';
import { type RowAction, RowActions } from './RowActions';

export function UsersTable({
  members,
  lookups,
  actionsFor,
  onAction,
  busy,
}: {
  members: Member[];
  lookups: Lookups;
  actionsFor: (member: Member) => RowAction[];
  onAction: (action: RowAction, member: Member) => void;
  busy?: boolean;
}) {
  return (
    <TableWrap label="Users">
      <table aria-busy={busy || undefined}>
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS.length + 1}>No users match these filters.</td>
            </tr>
          ) : (
            members.map((m) => (
              <tr key={m.id}>
                {COLUMNS.map((c, i) =>
                  i === 0 ? (
                    <th key={c.key} scope="row">
                      {c.cell(m, lookups)}
                    </th>
                  ) : (
                    <td key={c.key}>{c.cell(m, lookups)}</td>
                  ),
                )}
                <td>
                  <RowActions member={m} actions={actionsFor(m)} onAction={onAction} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}
