/**
 * Roles: the built-in roles and the tenant's custom roles ("role templates"),
 * each opened as a permission grid. Only people with roles:create/edit/delete
 * see those actions, and the grid greys what they can't grant.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import { type CustomRole, useDeleteRole, useRoles, useSaveRole } from '../../data/roles';
import { type Catalogue, type Permission, usePermissionCatalogue } from '../../data/tenant';
import { ConfirmDialog, Dialog, ErrorText } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { TableWrap } from '../../ui/TableWrap';
import { useConsole } from '../context';
import { PermissionGrid } from './PermissionGrid';

type Open =
  | { kind: 'edit'; role?: CustomRole }
  | { kind: 'view'; name: string; permissions: string[] }
  | { kind: 'delete'; role: CustomRole };

export function RolesScreen() {
  const { tenantId, can } = useConsole();
  const catalogue = usePermissionCatalogue();
  const roles = useRoles(tenantId);
  const save = useSaveRole(tenantId);
  const remove = useDeleteRole(tenantId);
  const [open, setOpen] = useState<Open>();
  const [status, setStatus] = useState<string>();

  return (
    <section aria-labelledby="roles-title">
      <div className="screen-head">
        <h1 id="roles-title">Roles</h1>
        {can('roles:create') ? (
          <button type="button" className="primary" onClick={() => setOpen({ kind: 'edit' })}>
            New role
          </button>
        ) : null}
      </div>
      <p role="status" className="status-line">
        {status}
      </p>
      {catalogue.error ? <ErrorText>{describe(catalogue.error)}</ErrorText> : null}
      {roles.error ? <ErrorText>{describe(roles.error)}</ErrorText> : null}
      <TableWrap label="Roles">
        <table>
          <caption className="visually-hidden">Roles</caption>
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Kind</th>
              <th scope="col">Description</th>
              <th scope="col">Permissions</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {catalogue.data?.roles.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                <td>Built-in</td>
                <td>{r.description}</td>
                <td>{r.permissions.length}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`View permissions of ${r.name}`}
                    onClick={() => setOpen({ kind: 'view', name: r.name, permissions: r.permissions })}
                  >
                    View
                  </button>
                </td>
              </tr>
            ))}
            {roles.data?.items.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                <td>Role template</td>
                <td>{r.description || '—'}</td>
                <td>{r.permissions.length}</td>
                <td className="row-actions">
                  {can('roles:edit') ? (
                    <button
                      type="button"
                      aria-label={`Edit role ${r.name}`}
                      onClick={() => setOpen({ kind: 'edit', role: r })}
                    >
                      Edit
                    </button>
                  ) : (
                    <button
                      type="button"
                      aria-label={`View permissions of ${r.name}`}
                      onClick={() => setOpen({ kind: 'view', name: r.name, permissions: r.permissions })}
                    >
                      View
                    </button>
                  )}
                  {can('roles:delete') ? (
                    <button
                      type="button"
                      className="danger-text"
                      aria-label={`Delete role ${r.name}`}
                      onClick={() => {
                        remove.reset();
                        setOpen({ kind: 'delete', role: r });
                      }}
                    >
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      {open?.kind === 'view' && catalogue.data ? (
        <Dialog title={`Permissions of ${open.name}`} onClose={() => setOpen(undefined)} wide>
          <PermissionGrid
            catalogue={catalogue.data}
            selected={new Set(open.permissions)}
            canGrant={() => true}
            readOnly
            caption={`What ${open.name} may do`}
          />
          <div className="actions">
            <button type="button" onClick={() => setOpen(undefined)}>
              Close
            </button>
          </div>
        </Dialog>
      ) : null}
      {open?.kind === 'edit' && catalogue.data ? (
        <RoleDialog
          role={open.role}
          catalogue={catalogue.data}
          canGrant={can}
          onClose={() => setOpen(undefined)}
          onSave={async (input) => {
            const saved = await save.mutateAsync({ roleId: open.role?.id, input });
            setStatus(`Role ${saved.name} was saved.`);
          }}
        />
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete role ${open.role.name}?`}
          confirmLabel="Delete role"
          pending={remove.isPending}
          error={remove.error ? describe(remove.error) : undefined}
          onClose={() => setOpen(undefined)}
          onConfirm={() =>
            remove.mutate(open.role.id, {
              onSuccess: () => {
                setStatus(`Role ${open.role.name} was deleted.`);
                setOpen(undefined);
              },
            })
          }
        >
          <p>A role that people still hold can't be deleted: give them another role first.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function RoleDialog({
  role,
  catalogue,
  canGrant,
  onSave,
  onClose,
}: {
  role?: CustomRole;
  catalogue: Catalogue;
  canGrant: (p: Permission) => boolean;
  onSave: (input: { name: string; description: string; permissions: Permission[] }) => Promise<void>;
  onClose: () => void;
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set(role?.permissions ?? []));
  const [error, setError] = useState<string>();
  const [nameError, setNameError] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** An empty role is asked about once; saving again confirms it. */
  const [emptyAsked, setEmptyAsked] = useState(false);
  const empty = selected.size === 0;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name')).trim();
    const reserved = reservedRoleName(name, catalogue);
    setNameError(reserved);
    if (reserved) return;
    if (empty && !emptyAsked) {
      setEmptyAsked(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSave({
        name,
        description: String(form.get('description') ?? '').trim(),
        permissions: [...selected] as Permission[],
      });
      onClose();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={role ? `Edit role ${role.name}` : 'New role'} onClose={onClose} wide>
      <form onSubmit={submit} className="dialog-form">
        <div className="grid-2">
          <TextField
            label="Name"
            name="name"
            required
            maxLength={100}
            defaultValue={role?.name ?? ''}
            error={nameError}
          />
          <TextField label="Description" name="description" maxLength={500} defaultValue={role?.description ?? ''} />
        </div>
        <p className="hint">Greyed permissions are ones you don't hold, so you can't grant them.</p>
        <PermissionGrid
          catalogue={catalogue}
          selected={selected}
          canGrant={(p) => canGrant(p) || (role?.permissions.includes(p) ?? false)}
          caption="Permissions"
          onToggle={(p, on) =>
            setSelected((current) => {
              const next = new Set(current);
              if (on) next.add(p);
              else next.delete(p);
              return next;
            })
          }
        />
        {empty && emptyAsked ? (
          <p role="alert" className="notice">
            This role grants no permission: the people who hold it can sign in, but see only their own profile. Save it
            anyway, or tick what they should be able to do.
          </p>
        ) : null}
        {error ? <ErrorText>{error}</ErrorText> : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : empty && emptyAsked ? 'Save role without permissions' : 'Save role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Why `name` cannot name a custom role: it is a built-in role's name or id
 * (the API refuses it with 409 by the same rule: NFKC, spaces collapsed, any case).
 */
export function reservedRoleName(name: string, catalogue: Catalogue): string | undefined {
  const key = (text: string) => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const reserved = new Set(['owner', 'custom', ...catalogue.roles.flatMap((r) => [key(r.name), key(r.id)])]);
  return reserved.has(key(name)) ? `“${name}” is the name of a built-in role; choose another name.` : undefined;
}
