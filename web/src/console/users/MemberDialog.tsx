/**
 * Invite, New user and Edit: one form over the member's fields. Roles and
 * permissions the signed-in person does not hold are offered but disabled
 * (nobody grants what they don't hold); the API's refusal, if any, is shown
 * as its `detail`, and field errors next to their fields.
 */
import { type FormEvent, useState } from 'react';
import { ApiProblem, describe } from '../../api/problem';
import type { CustomRole } from '../../data/roles';
import type { Team } from '../../data/teams';
import type { Catalogue, Permission } from '../../data/tenant';
import type { CreateBody, InviteBody, Member, Role, UpdateBody } from '../../data/users';
import { Dialog, ErrorText } from '../../ui/Dialog';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { ROLE_LABELS } from '../../ui/format';
import { EMAIL_MAX, NAME_MAX, PASSWORD_HINT, PASSWORD_MIN, passwordProblem } from '../../ui/rules';
import { GrantsField, grantMap, grantsOf } from './GrantsField';

/**
 * An invitation refused because the address is already invited here (409
 * `email-taken` on a pending invitation): the dialog offers to resend it.
 */
export class AlreadyInvited extends Error {
  readonly member: Pick<Member, 'id' | 'email'>;
  constructor(member: Pick<Member, 'id' | 'email'>) {
    super(`${member.email} is already invited and has not joined yet.`);
    this.name = 'AlreadyInvited';
    this.member = member;
  }
}

export type MemberDialogMode = { kind: 'invite' } | { kind: 'create' } | { kind: 'edit'; member: Member };
export type MemberSubmit =
  | { kind: 'invite'; body: InviteBody }
  | { kind: 'create'; body: CreateBody }
  | { kind: 'edit'; userId: string; body: UpdateBody };

const BUILT_IN: readonly Exclude<Role, 'custom'>[] = ['admin', 'manager', 'agent'];

export function MemberDialog({
  mode,
  catalogue,
  customRoles,
  teams,
  can,
  onSubmit,
  onClose,
  onResend,
}: {
  mode: MemberDialogMode;
  catalogue: Catalogue | undefined;
  customRoles: CustomRole[];
  teams: Team[];
  can: (permission: Permission) => boolean;
  onSubmit: (submit: MemberSubmit) => Promise<unknown>;
  onClose: () => void;
  /** Resends a pending invitation the dialog found (see `AlreadyInvited`). */
  onResend?: (member: Pick<Member, 'id' | 'email'>) => Promise<unknown>;
}) {
  const member = mode.kind === 'edit' ? mode.member : undefined;
  const [role, setRole] = useState<Role>(member?.role ?? 'agent');
  const [roleId, setRoleId] = useState<string>(member?.roleId ?? '');
  const [grants, setGrants] = useState(() => grantMap(member?.grants));
  const [crm, setCrm] = useState(member ? member.crmAccess : true);
  const [problem, setProblem] = useState<ApiProblem | Error>();
  const [passwordError, setPasswordError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const holdsAll = (permissions: readonly string[]) => permissions.every((p) => can(p as Permission));
  const builtInPermissions = (id: string) => catalogue?.roles.find((r) => r.id === id)?.permissions ?? [];
  // What the chosen role already gives: shown ticked and disabled among the extra permissions.
  const template = customRoles.find((r) => r.id === roleId);
  // Contacts permissions count only with CRM access (administrators always have it), as the API computes them.
  const included = new Set<string>(
    (role === 'custom' ? (template?.permissions ?? []) : builtInPermissions(role)).filter(
      (p) => crm || role === 'admin' || !p.startsWith('contacts:'),
    ),
  );
  const includedBy = role === 'custom' ? (template?.name ?? 'the role template') : (ROLE_LABELS[role] ?? role);
  const fieldError = (field: string) => (problem instanceof ApiProblem ? problem.fieldError(field) : undefined);

  // What the directory (SCIM) provisioned is the directory's: these fields change in the identity provider.
  const managed = member?.managedBy === 'directory';
  const MANAGED = 'Managed by directory: change it in your identity provider.';
  const title = mode.kind === 'invite' ? 'Invite user' : mode.kind === 'create' ? 'New user' : `Edit ${member?.email}`;
  const submitLabel =
    mode.kind === 'invite' ? 'Send invitation' : mode.kind === 'create' ? 'Create user' : 'Save changes';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const chosenRoleId = role === 'custom' ? roleId : undefined;
    const common = {
      role,
      ...(chosenRoleId ? { roleId: chosenRoleId } : {}),
      crmAccess: form.get('crmAccess') === 'on',
      teamIds: form.getAll('teamIds').map(String),
      // The catalogue's permissions ticked, each with its end (a timed grant kept keeps its expiry).
      grants: grantsOf(grants, catalogue),
    };
    let request: MemberSubmit;
    if (mode.kind === 'invite') {
      request = {
        kind: 'invite',
        body: { email: text('email'), ...(text('name') ? { name: text('name') } : {}), ...common },
      };
    } else if (mode.kind === 'create') {
      const password = String(form.get('password') ?? '');
      const weak = passwordProblem(password);
      if (weak) return setPasswordError(weak);
      request = {
        kind: 'create',
        body: {
          email: text('email'),
          name: text('name'),
          password,
          temporaryPassword: form.get('temporaryPassword') === 'on',
          ...common,
        },
      };
    } else {
      const m = mode.member;
      const body: UpdateBody = {};
      if (!managed) {
        if (text('name') !== m.name) body.name = text('name');
        if (text('email') !== m.email) body.email = text('email');
        if (role !== m.role) body.role = role;
        if (role === 'custom' && chosenRoleId !== m.roleId) body.roleId = chosenRoleId;
        if (role !== 'custom' && m.roleId) body.roleId = null;
        if (!sameSet(common.teamIds, m.teamIds)) body.teamIds = common.teamIds;
      }
      if (common.crmAccess !== m.crmAccess) body.crmAccess = common.crmAccess;
      if (!sameGrants(common.grants, m.grants)) body.grants = common.grants;
      if (Object.keys(body).length === 0) return onClose();
      request = { kind: 'edit', userId: m.id, body };
    }
    setPasswordError(undefined);
    setBusy(true);
    setProblem(undefined);
    try {
      await onSubmit(request);
      onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose} wide>
      <form onSubmit={submit} className="dialog-form">
        {managed ? (
          <p className="notice" role="note">
            Managed by directory. Name, email, status, role and teams come from your identity provider (SCIM) and change
            there.
          </p>
        ) : null}
        <div className="grid-2">
          <TextField
            label={mode.kind === 'invite' ? 'Name (optional)' : 'Full name'}
            name="name"
            autoComplete="off"
            required={mode.kind !== 'invite'}
            maxLength={NAME_MAX}
            defaultValue={member?.name ?? ''}
            error={fieldError('name')}
            disabled={managed}
            hint={managed ? MANAGED : undefined}
          />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            maxLength={EMAIL_MAX}
            defaultValue={member?.email ?? ''}
            error={fieldError('email')}
            disabled={managed}
            hint={managed ? MANAGED : undefined}
          />
          <SelectField
            label="Role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            disabled={managed}
            hint={managed ? MANAGED : "Roles whose permissions you don't hold can't be given."}
          >
            {BUILT_IN.map((r) => (
              <option key={r} value={r} disabled={!holdsAll(builtInPermissions(r)) && member?.role !== r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
            <option value="custom" disabled={customRoles.length === 0}>
              Custom (role template)
            </option>
          </SelectField>
          <SelectField
            label="Role template"
            name="roleId"
            disabled={role !== 'custom' || managed}
            required={role === 'custom'}
            value={roleId}
            onChange={(e) => setRoleId(e.target.value)}
            error={fieldError('roleId')}
          >
            <option value="">{role === 'custom' ? 'Choose a role template' : 'None'}</option>
            {customRoles.map((r) => (
              <option key={r.id} value={r.id} disabled={!holdsAll(r.permissions)}>
                {r.name}
              </option>
            ))}
          </SelectField>
        </div>

        {mode.kind === 'create' ? (
          <div className="grid-2">
            <TextField
              label="Initial password"
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={PASSWORD_MIN}
              hint={PASSWORD_HINT}
              error={passwordError ?? fieldError('password')}
            />
            <CheckboxField label="Ask for a new password at first sign-in" name="temporaryPassword" defaultChecked />
          </div>
        ) : null}

        <CheckboxField
          label="CRM access"
          name="crmAccess"
          checked={crm}
          onChange={(e) => setCrm(e.target.checked)}
          hint="Contacts permissions apply only with CRM access. Administrators always have it."
        />

        {teams.length > 0 ? (
          <fieldset disabled={managed}>
            <legend>Teams{managed ? ' (managed by directory)' : ''}</legend>
            <div className="checks">
              {teams.map((t) => (
                <CheckboxField
                  key={t.id}
                  label={t.name}
                  name="teamIds"
                  value={t.id}
                  defaultChecked={member?.teamIds.includes(t.id)}
                />
              ))}
            </div>
          </fieldset>
        ) : null}

        {catalogue ? (
          <GrantsField
            catalogue={catalogue}
            grants={grants}
            onChange={setGrants}
            included={included}
            includedBy={includedBy}
            can={can}
          />
        ) : null}

        {problem ? <ErrorText>{describe(problem)}</ErrorText> : null}
        {problem instanceof AlreadyInvited && onResend ? (
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onResend(problem.member);
                  onClose();
                } catch (error) {
                  setProblem(error instanceof Error ? error : new Error(String(error)));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Resend invitation
            </button>
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The same permissions with the same ends, in any order. */
function sameGrants(a: readonly Member['grants'][number][], b: readonly Member['grants'][number][]): boolean {
  const key = (g: Member['grants'][number]) => (typeof g === 'string' ? g : `${g.permission}@${g.expiresAt}`);
  return sameSet(a.map(key), b.map(key));
}
