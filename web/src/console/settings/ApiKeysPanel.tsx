/**
 * API keys (DESIGN §1 "A tenant's own machines"), for those with
 * integrations:manage: create one with a name, some of the permissions you
 * hold and an expiry (within the organisation's maximum lifetime); its secret
 * is shown once, with a Copy button; the list names keys and their creators;
 * revoking asks first and says what stops working.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import { type ApiKey, type CreatedApiKey, useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../data/api-keys';
import { type Permission, usePermissionCatalogue } from '../../data/tenant';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { day, when } from '../../ui/format';
import { TableWrap } from '../../ui/TableWrap';
import { useConsole } from '../context';

const LIFETIMES = [30, 90, 180, 365] as const;
const DAY_MS = 86_400_000;

export function ApiKeysPanel({ onDone }: { onDone: (s: string) => void }) {
  const { tenantId, me } = useConsole();
  const keys = useApiKeys(tenantId);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const revoke = useRevokeApiKey(tenantId);
  const maxDays = me.tenant.apiKeys?.maxLifetimeDays ?? null;
  const items = keys.data?.items ?? [];

  return (
    <section className="panel" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p>
        Your organisation’s own systems (a CRM sync, a script) use an API key instead of a person’s sign-in. A key can
        do exactly what its permissions allow, on this organisation only, and keeps working if the person who made it
        leaves.
      </p>
      {created ? <NewSecret created={created} onClose={() => setCreated(undefined)} /> : null}
      <CreateKeyForm
        tenantId={tenantId}
        held={me.permissions as Permission[]}
        maxDays={maxDays}
        onCreated={(key) => {
          setCreated(key);
          onDone(`The API key ${key.name} was created. Copy it now: it is shown only once.`);
        }}
      />
      {keys.error ? <ErrorText>{describe(keys.error)}</ErrorText> : null}
      <TableWrap label="API keys">
        <table aria-busy={keys.isFetching || undefined}>
          <caption className="visually-hidden">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Permissions</th>
              <th scope="col">Created by</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.isSuccess && items.length === 0 ? (
              <tr>
                <td colSpan={7}>No API keys yet.</td>
              </tr>
            ) : null}
            {items.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.permissions.length === 1 ? '1 permission' : `${k.permissions.length} permissions`}</td>
                <td>{k.createdByName}</td>
                <td>{day(k.expiresAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  <button type="button" className="danger" onClick={() => setRevoking(k)}>
                    Revoke {k.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke the API key ${revoking.name}?`}
          confirmLabel="Revoke key"
          pending={revoke.isPending}
          error={revoke.error ? describe(revoke.error) : undefined}
          onClose={() => setRevoking(undefined)}
          onConfirm={() =>
            revoke.mutate(revoking.id, {
              onSuccess: () => {
                onDone(`The API key ${revoking.name} was revoked.`);
                setRevoking(undefined);
              },
            })
          }
        >
          <p>
            Every system using it is refused from its next request. This can’t be undone: to restore access, create a
            new key and put it where the old one was.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function CreateKeyForm({
  tenantId,
  held,
  maxDays,
  onCreated,
}: {
  tenantId: string;
  held: Permission[];
  maxDays: number | null;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const catalogue = usePermissionCatalogue();
  const create = useCreateApiKey(tenantId);
  const [chosen, setChosen] = useState<Set<Permission>>(new Set());
  const lifetimes = maxDays === null ? LIFETIMES : [...LIFETIMES.filter((d) => d < maxDays), maxDays];
  const [lifetime, setLifetime] = useState(maxDays === null ? '' : String(lifetimes[0]));
  // Only what the creator holds can be given (the API refuses more).
  const offered = (catalogue.data?.resources ?? []).flatMap((r) =>
    r.actions.filter((a) => held.includes(a.permission)),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    const expiresAt = lifetime === '' ? undefined : new Date(Date.now() + Number(lifetime) * DAY_MS).toISOString();
    create.mutate(
      { name, permissions: [...chosen], ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (key) => {
          form.reset();
          setChosen(new Set());
          onCreated(key);
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="narrow" aria-label="Create an API key">
      <TextField label="Key name" name="name" required maxLength={100} hint="What it is for, e.g. CRM sync." />
      <fieldset>
        <legend>Permissions</legend>
        <p className="hint">Only permissions you hold yourself can be given to a key.</p>
        {offered.map((a) => (
          <CheckboxField
            key={a.permission}
            label={a.description}
            name="permissions"
            value={a.permission}
            checked={chosen.has(a.permission)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(a.permission);
              else next.delete(a.permission);
              setChosen(next);
            }}
          />
        ))}
      </fieldset>
      <SelectField
        label="Expires"
        name="lifetime"
        value={lifetime}
        onChange={(e) => setLifetime(e.target.value)}
        hint={
          maxDays === null
            ? 'A key that never expires works until someone revokes it.'
            : `Your organisation allows keys for at most ${maxDays} days.`
        }
      >
        {maxDays === null ? <option value="">Never</option> : null}
        {lifetimes.map((d) => (
          <option key={d} value={String(d)}>
            In {d} days
          </option>
        ))}
      </SelectField>
      {create.error ? <ErrorText>{describe(create.error)}</ErrorText> : null}
      <button type="submit" className="primary" disabled={create.isPending || chosen.size === 0}>
        {create.isPending ? 'Creating…' : 'Create API key'}
      </button>
    </form>
  );
}

function NewSecret({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="panel" aria-label="New API key">
      <p>
        <strong>Copy the key {created.name} now.</strong> It is shown only this once; Roster keeps only a fingerprint of
        it.
      </p>
      <TextField
        label="API key secret"
        name="secret"
        readOnly
        value={created.secret}
        onFocus={(e) => e.target.select()}
      />
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            void navigator.clipboard?.writeText(created.secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}
