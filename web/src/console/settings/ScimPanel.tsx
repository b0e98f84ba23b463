/**
 * Directory provisioning (SCIM), admins only (DESIGN §2a rule 14): the
 * tenant's tokens — a new one shown once with the base URL, each with a Copy
 * button; listed by name and prefix; revoked after a confirmation — and the
 * ordered group → role mappings. docs/scim.md is the IdP admin's guide.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { describe } from '../../api/problem';
import { useRoles } from '../../data/roles';
import {
  type RoleMapping,
  type ScimTokenCreated,
  useCreateScimToken,
  useRevokeScimToken,
  useRoleMappings,
  useSaveRoleMappings,
  useScimTokens,
} from '../../data/scim';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';

function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : `Copy ${label}`}
    </button>
  );
}

export function ScimPanel({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  return (
    <section className="panel" aria-labelledby="scim-title">
      <h2 id="scim-title">Directory provisioning (SCIM)</h2>
      <p className="hint">
        Your identity provider (Okta, Microsoft Entra, …) creates, deactivates and removes members and teams here.
        People it provisions are managed by the directory: their name, email, status, role and teams change there, not
        in Roster.
      </p>
      <Tokens tenantId={tenantId} onDone={onDone} />
      <Mappings tenantId={tenantId} onDone={onDone} />
    </section>
  );
}

function Tokens({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const tokens = useScimTokens(tenantId);
  const create = useCreateScimToken(tenantId);
  const revoke = useRevokeScimToken(tenantId);
  const [shown, setShown] = useState<ScimTokenCreated>();
  const [revoking, setRevoking] = useState<{ id: string; name: string }>();
  const items = tokens.data?.items ?? [];
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    create.mutate(name, {
      onSuccess: (made) => {
        setShown(made);
        form.reset();
        onDone(`SCIM token “${made.name}” created. Copy it now: it is not shown again.`);
      },
    });
  }
  return (
    <div>
      <h3>Tokens</h3>
      {shown ? (
        <section className="notice" aria-label="New SCIM token">
          <p>Give your identity provider these two values. The token is shown only this once.</p>
          <p>
            Base URL: <code>{shown.baseUrl}</code> <CopyButton value={shown.baseUrl} label="base URL" />
          </p>
          <p>
            Token: <code className="secret">{shown.token}</code> <CopyButton value={shown.token} label="token" />
          </p>
          <button type="button" onClick={() => setShown(undefined)}>
            Done
          </button>
        </section>
      ) : null}
      {tokens.error ? <ErrorText>{describe(tokens.error)}</ErrorText> : null}
      {items.length ? (
        <table>
          <caption className="visually-hidden">SCIM tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{new Date(t.createdAt).toLocaleString()}</td>
                <td>
                  <button type="button" className="danger" onClick={() => setRevoking({ id: t.id, name: t.name })}>
                    Revoke {t.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : tokens.isSuccess ? (
        <p>No SCIM tokens yet.</p>
      ) : null}
      {items.length < 2 ? (
        <form onSubmit={submit} className="narrow">
          <TextField label="Token name" name="name" maxLength={100} hint="What it is for, e.g. “Okta production”." />
          {create.error ? <ErrorText>{describe(create.error)}</ErrorText> : null}
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </form>
      ) : (
        <p className="hint">Two tokens is the most a tenant holds: revoke the old one once the IdP uses the new one.</p>
      )}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          confirmLabel="Revoke token"
          onClose={() => setRevoking(undefined)}
          onConfirm={() =>
            revoke.mutate(revoking.id, {
              onSuccess: () => {
                onDone(`SCIM token “${revoking.name}” revoked: the identity provider's next request with it fails.`);
                setRevoking(undefined);
              },
            })
          }
          pending={revoke.isPending}
          error={revoke.error ? describe(revoke.error) : undefined}
        >
          <p>The identity provider stops provisioning with this token on its next request.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function Mappings({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const current = useRoleMappings(tenantId);
  const roles = useRoles(tenantId);
  const save = useSaveRoleMappings(tenantId);
  const [rows, setRows] = useState<RoleMapping[]>([]);
  useEffect(() => {
    if (current.data) setRows(current.data);
  }, [current.data]);
  const set = (i: number, row: RoleMapping) => setRows(rows.map((r, j) => (j === i ? row : r)));
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const clean = rows
      .filter((r) => r.group.trim() !== '')
      .map((r) =>
        r.role === 'custom'
          ? { group: r.group.trim(), role: r.role, roleId: r.roleId }
          : { group: r.group.trim(), role: r.role },
      );
    save.mutate(clean, { onSuccess: () => onDone('Role mappings saved.') });
  }
  return (
    <form onSubmit={submit}>
      <h3>Roles from groups</h3>
      <p className="hint">
        In order: a member gets the role of the first mapping naming one of their groups; in none, agent.
      </p>
      <ol className="mappings">
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in an ordered list
          <li key={i}>
            <label>
              Group
              <input value={row.group} onChange={(e) => set(i, { ...row, group: e.target.value })} maxLength={200} />
            </label>
            <label>
              Role
              <select
                value={row.role === 'custom' ? `custom:${row.roleId ?? ''}` : row.role}
                onChange={(e) => {
                  const [role, roleId] = e.target.value.split(':');
                  set(
                    i,
                    role === 'custom'
                      ? { group: row.group, role: 'custom', roleId }
                      : { group: row.group, role: role as RoleMapping['role'] },
                  );
                }}
              >
                <option value="admin">Admin</option>
                <option value="manager">Manager</option>
                <option value="agent">Agent</option>
                {(roles.data?.items ?? []).map((r) => (
                  <option key={r.id} value={`custom:${r.id}`}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove mapping {i + 1}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setRows([...rows, { group: '', role: 'agent' }])}>
        Add mapping
      </button>
      {save.error ? <ErrorText>{describe(save.error)}</ErrorText> : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save role mappings'}
      </button>
    </form>
  );
}
