/** Auto-join (admins only): who may join on their own, and with which role (never Administrator). */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import type { AutoJoin } from '../../data/enterprise';
import { useRoles } from '../../data/roles';
import { useUpdateTenant } from '../../data/settings';
import { ErrorText } from '../../ui/Dialog';
import { SelectField } from '../../ui/Field';

const MODE_TEXT: Record<AutoJoin['mode'], string> = {
  off: 'Off: people join only by invitation',
  request: 'On request: they ask, and someone allowed to add users approves',
  automatic: 'Automatic: they join at once, while a seat is free',
};

export function AutoJoinPanel({
  tenantId,
  settings,
  onDone,
}: {
  tenantId: string;
  settings: AutoJoin;
  onDone: (s: string) => void;
}) {
  const update = useUpdateTenant(tenantId);
  const roles = useRoles(tenantId);
  const [mode, setMode] = useState<AutoJoin['mode']>(settings.mode);
  const [role, setRole] = useState(
    settings.defaultRole === 'custom' ? `custom:${settings.roleId}` : settings.defaultRole,
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const [defaultRole, roleId] = role.split(':') as [AutoJoin['defaultRole'], string | undefined];
    update.mutate(
      { autoJoin: { mode, defaultRole, ...(roleId ? { roleId } : {}) } },
      { onSuccess: () => onDone(`Auto-join: ${MODE_TEXT[mode]}.`) },
    );
  }

  return (
    <section className="panel" aria-labelledby="autojoin-title">
      <h2 id="autojoin-title">Auto-join</h2>
      <p>
        People whose email address is in one of your verified domains — and who proved the address is theirs — can join
        this organisation without an invitation.
      </p>
      <form onSubmit={submit} className="narrow">
        <SelectField
          label="Who may join"
          name="mode"
          value={mode}
          onChange={(e) => setMode(e.target.value as AutoJoin['mode'])}
        >
          {(Object.keys(MODE_TEXT) as AutoJoin['mode'][]).map((m) => (
            <option key={m} value={m}>
              {MODE_TEXT[m]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Role they get"
          name="defaultRole"
          value={role}
          onChange={(e) => setRole(e.target.value)}
          hint="Never Administrator: make administrators one by one."
        >
          <option value="agent">Agent</option>
          <option value="manager">Manager</option>
          {(roles.data?.items ?? []).map((r) => (
            <option key={r.id} value={`custom:${r.id}`}>
              {r.name}
            </option>
          ))}
        </SelectField>
        {update.error ? <ErrorText>{describe(update.error)}</ErrorText> : null}
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save auto-join'}
        </button>
      </form>
    </section>
  );
}
