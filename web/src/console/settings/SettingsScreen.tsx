/**
 * Organisation settings: the name (settings:manage), auto-suspension of
 * inactive members (admins only: a security setting, DESIGN §2a), and — for
 * the owner alone — handing ownership to another active admin, with what that
 * changes said before it happens. Each part shows only to those allowed.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import { useTransferOwnership, useUpdateTenant } from '../../data/settings';
import { useUsers } from '../../data/users';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { useConsole } from '../context';
import { ApiKeysPanel } from './ApiKeysPanel';
import { EnterpriseSettings } from './EnterpriseSettings';
import { MfaPanel } from './MfaPanel';
import { ScimPanel } from './ScimPanel';
import { SsoPanel } from './SsoPanel';
import { WebhooksPanel } from './WebhooksPanel';

export const AUTO_SUSPEND_CHOICES = [30, 60, 90, 180, 365] as const;

export function SettingsScreen() {
  const { tenantId, me, can } = useConsole();
  const [status, setStatus] = useState<string>();
  const isAdmin = me.role === 'admin';

  return (
    <section aria-labelledby="settings-title">
      <div className="screen-head">
        <h1 id="settings-title">Organisation settings</h1>
      </div>
      <p role="status" className="status-line">
        {status}
      </p>
      {can('settings:manage') ? <NamePanel tenantId={tenantId} name={me.tenant.name} onDone={setStatus} /> : null}
      {can('settings:manage') && isAdmin ? (
        <AutoSuspendPanel tenantId={tenantId} days={me.tenant.autoSuspendInactiveDays} onDone={setStatus} />
      ) : null}
      {can('settings:manage') && isAdmin ? <MfaPanel onDone={setStatus} /> : null}
      <EnterpriseSettings onDone={setStatus} />
      {can('settings:manage') && isAdmin ? <SsoPanel tenantId={tenantId} onDone={setStatus} /> : null}
      {isAdmin ? <ScimPanel tenantId={tenantId} onDone={setStatus} /> : null}
      {can('integrations:manage') ? <ApiKeysPanel onDone={setStatus} /> : null}
      {can('integrations:manage') ? <WebhooksPanel tenantId={tenantId} onDone={setStatus} /> : null}
      {me.owner ? <TransferPanel tenantId={tenantId} myId={me.id} onDone={setStatus} /> : null}
    </section>
  );
}

function NamePanel({ tenantId, name, onDone }: { tenantId: string; name: string; onDone: (s: string) => void }) {
  const update = useUpdateTenant(tenantId);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    update.mutate({ name: next }, { onSuccess: (t) => onDone(`The organisation is now called ${t.name}.`) });
  }
  return (
    <section className="panel" aria-labelledby="name-title">
      <h2 id="name-title">Name</h2>
      <form onSubmit={submit} className="narrow">
        <TextField
          label="Organisation name"
          name="name"
          required
          maxLength={200}
          defaultValue={name}
          hint="People see it in the console and in every invitation email."
        />
        {update.error ? <ErrorText>{describe(update.error)}</ErrorText> : null}
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Rename'}
        </button>
      </form>
    </section>
  );
}

function AutoSuspendPanel({
  tenantId,
  days,
  onDone,
}: {
  tenantId: string;
  days: number | null;
  onDone: (s: string) => void;
}) {
  const update = useUpdateTenant(tenantId);
  const [choice, setChoice] = useState(days === null ? '' : String(days));
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = choice === '' ? null : Number(choice);
    update.mutate(
      { autoSuspendInactiveDays: value },
      {
        onSuccess: () =>
          onDone(
            value === null
              ? 'Inactive members are no longer suspended automatically.'
              : `Members who have not signed in for ${value} days are now suspended automatically.`,
          ),
      },
    );
  }
  const options =
    days !== null && !AUTO_SUSPEND_CHOICES.includes(days as 30)
      ? [days, ...AUTO_SUSPEND_CHOICES]
      : [...AUTO_SUSPEND_CHOICES];
  return (
    <section className="panel" aria-labelledby="suspend-title">
      <h2 id="suspend-title">Auto-suspension</h2>
      <form onSubmit={submit} className="narrow">
        <SelectField
          label="Suspend members who have not signed in for"
          name="days"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          hint="Checked hourly. Never the owner or the last active admin; the admins get a digest email. A suspended member keeps their seat until someone reactivates or removes them."
        >
          <option value="">Never</option>
          {options.map((d) => (
            <option key={d} value={String(d)}>
              {d} days
            </option>
          ))}
        </SelectField>
        {update.error ? <ErrorText>{describe(update.error)}</ErrorText> : null}
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save auto-suspension'}
        </button>
      </form>
    </section>
  );
}

function TransferPanel({ tenantId, myId, onDone }: { tenantId: string; myId: string; onDone: (s: string) => void }) {
  const admins = useUsers(tenantId, { status: 'active', role: 'admin' }, { limit: 100 });
  const transfer = useTransferOwnership(tenantId);
  const [to, setTo] = useState('');
  const [confirming, setConfirming] = useState(false);
  const candidates = (admins.data?.items ?? []).filter(
    (m) => m.id !== myId && m.status === 'active' && m.role === 'admin',
  );
  const chosen = candidates.find((m) => m.id === to);
  const who = chosen ? chosen.name || chosen.email : '';

  return (
    <section className="panel" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Transfer ownership</h2>
      <p>
        The owner is the one person no one else can suspend, deactivate, delete or demote, and the only one who can hand
        ownership on. You stay an administrator after the transfer, but the new owner can then change your role or
        remove you.
      </p>
      {candidates.length === 0 ? (
        <p>Only an active administrator can become the owner. Make someone an administrator first.</p>
      ) : (
        <form
          className="narrow"
          onSubmit={(event) => {
            event.preventDefault();
            if (chosen) setConfirming(true);
          }}
        >
          <SelectField label="New owner" name="memberId" value={to} onChange={(e) => setTo(e.target.value)} required>
            <option value="">Choose an administrator</option>
            {candidates.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="danger" disabled={!chosen}>
            Transfer ownership…
          </button>
        </form>
      )}
      {confirming && chosen ? (
        <ConfirmDialog
          title={`Make ${who} the owner?`}
          confirmLabel="Transfer ownership"
          pending={transfer.isPending}
          error={transfer.error ? describe(transfer.error) : undefined}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            transfer.mutate(chosen.id, {
              onSuccess: () => {
                setConfirming(false);
                onDone(`${who} is now the owner. You are an administrator.`);
              },
            })
          }
        >
          <ul>
            <li>{who} becomes the owner: only they can hand ownership on again.</li>
            <li>You lose the owner's protections: {who} can change your role, suspend or remove you.</li>
            <li>You can't undo this yourself.</li>
          </ul>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
