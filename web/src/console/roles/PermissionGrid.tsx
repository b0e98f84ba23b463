/**
 * The permission grid: one row per resource, one column per action, generated
 * from GET /v1/permissions (never hand-copied). A cell the signed-in person
 * can't grant is disabled, so the grid shows exactly what they may give.
 */
import type { Catalogue, Permission } from '../../data/tenant';
import { TableWrap } from '../../ui/TableWrap';

export function actionColumns(catalogue: Catalogue): string[] {
  const seen: string[] = [];
  for (const r of catalogue.resources) for (const a of r.actions) if (!seen.includes(a.action)) seen.push(a.action);
  return seen;
}

export function PermissionGrid({
  catalogue,
  selected,
  onToggle,
  canGrant,
  readOnly,
  caption,
}: {
  catalogue: Catalogue;
  selected: ReadonlySet<string>;
  onToggle?: (permission: Permission, on: boolean) => void;
  canGrant: (permission: Permission) => boolean;
  readOnly?: boolean;
  caption: string;
}) {
  const columns = actionColumns(catalogue);
  return (
    <TableWrap label={caption}>
      <table className="grid">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c.replace('_', ' ')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {catalogue.resources.map((r) => (
            <tr key={r.resource}>
              <th scope="row">
                {r.resource}
                {r.requiresCrmAccess ? <span className="hint"> (needs CRM access)</span> : null}
              </th>
              {columns.map((c) => {
                const action = r.actions.find((a) => a.action === c);
                if (!action) return <td key={c} />;
                const allowed = canGrant(action.permission);
                return (
                  <td key={c} className={allowed ? undefined : 'greyed'}>
                    <input
                      type="checkbox"
                      aria-label={action.permission}
                      title={allowed ? action.description : `${action.description} — you don't hold this permission`}
                      checked={selected.has(action.permission)}
                      disabled={readOnly || !allowed}
                      onChange={(e) => onToggle?.(action.permission, e.target.checked)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
