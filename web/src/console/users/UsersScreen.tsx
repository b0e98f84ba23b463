/**
 * Settings → Users: the seat indicator, Invite and New user (off at the seat
 * limit, saying why), filters and search kept in the URL with the cursor, the
 * table and each row's actions; destructive ones are confirmed first.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiProblem, describe } from '../../api/problem';
import { useResetMfa } from '../../data/mfa';
import { useRoles } from '../../data/roles';
import { useTeams } from '../../data/teams';
import { usePermissionCatalogue } from '../../data/tenant';
import {
  type LifecycleAction,
  type Member,
  type MemberStatus,
  memberByEmail,
  ROLES,
  type Role,
  STATUSES,
  type UserFilters,
  useCreateUser,
  useDeleteUser,
  useInvite,
  useLifecycle,
  useResetPassword,
  useUpdateUser,
  useUsers,
} from '../../data/users';
import { setQuery, useLocation } from '../../router';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { ROLE_LABELS, STATUS_LABELS } from '../../ui/format';
import { Pager } from '../../ui/Pager';
import { useConsole } from '../context';
import type { Lookups } from './columns';
import { AlreadyInvited, MemberDialog, type MemberDialogMode, type MemberSubmit } from './MemberDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { availableActions, type RowAction } from './RowActions';
import { atSeatLimit, SEAT_LIMIT_REASON, SeatIndicator } from './SeatIndicator';
import { UsersTable } from './UsersTable';

type Confirmable = 'suspend' | 'deactivate' | 'delete';
type Open =
  | { kind: 'member'; mode: MemberDialogMode }
  | { kind: 'confirm'; action: Confirmable; member: Member }
  | { kind: 'reset'; member: Member }
  | { kind: 'resetMfa'; member: Member };

const CONFIRM: Record<Confirmable, { title: string; label: string; text: (m: Member) => string }> = {
  suspend: {
    title: 'Suspend',
    label: 'Suspend',
    text: (m) =>
      `${m.name || m.email} can't sign in to this organisation until reactivated. They keep their seat; their open conversations go back to their teams.`,
  },
  deactivate: {
    title: 'Deactivate',
    label: 'Deactivate',
    text: (m) =>
      `${m.name || m.email} loses access and their seat is freed. Their open conversations go back to their teams; their history stays. You can reactivate them later if a seat is free.`,
  },
  delete: {
    title: 'Delete',
    label: 'Delete permanently',
    text: (m) =>
      m.status === 'invited' || m.status === 'expired'
        ? `The invitation to ${m.email} is revoked and its link stops working. The seat is freed.`
        : `${m.name || m.email} is removed for good and the seat is freed. The audit trail and what they created remain. This can't be undone.`,
  },
};

/** The "inactive for" choices (GET …/users?inactiveDays=). */
const INACTIVITY = [30, 60, 90, 180] as const;

const LIFECYCLE_DONE: Record<LifecycleAction, string> = {
  suspend: 'suspended',
  deactivate: 'deactivated',
  reactivate: 'reactivated',
  'resend-invitation': 'sent a new invitation',
};

export function UsersScreen() {
  const { tenantId, me, can } = useConsole();
  const { query } = useLocation();
  const filters: UserFilters = {
    status: (query.get('status') || undefined) as MemberStatus | undefined,
    role: (query.get('role') || undefined) as Role | undefined,
    team: query.get('team') || undefined,
    q: query.get('q') || undefined,
    inactiveDays: Number(query.get('inactiveDays')) || undefined,
    sort: (query.get('sort') || undefined) as UserFilters['sort'],
    cursor: query.get('cursor') || undefined,
  };
  // The Users screen reads the list again each time it opens: someone the directory (SCIM), auto-join or a
  // colleague added meanwhile is there, not only after the cache goes stale.
  const users = useUsers(tenantId, filters, { fresh: true });
  const roles = useRoles(tenantId, can('roles:view'));
  const teams = useTeams(tenantId, can('teams:view'));
  const catalogue = usePermissionCatalogue();
  const seatsId = useId();
  const reasonId = useId();
  const [open, setOpen] = useState<Open>();
  const [status, setStatus] = useState<string>();
  const [actionError, setActionError] = useState<string>();

  const invite = useInvite(tenantId);
  const create = useCreateUser(tenantId);
  const update = useUpdateUser(tenantId);
  const lifecycle = useLifecycle(tenantId);
  const reset = useResetPassword(tenantId);
  const resetMfa = useResetMfa(tenantId);
  const remove = useDeleteUser(tenantId);

  const seats = me.tenant.seats;
  const full = atSeatLimit(seats);
  const customRoles = roles.data?.items ?? [];
  const teamList = teams.data?.items ?? [];
  const lookups: Lookups = {
    // The tenant mirrors its custom roles' names for everyone; an id is never what a person reads.
    roleName: (id) => customRoles.find((r) => r.id === id)?.name ?? me.tenant.roleNames?.[id] ?? 'Custom role',
    teamName: (id) => teamList.find((t) => t.id === id)?.name,
    ownerId: me.tenant.ownerId,
    myId: me.id,
  };

  const inUrl = (f: UserFilters) => ({ ...f, inactiveDays: f.inactiveDays?.toString() });
  const applyFilters = (changes: Partial<UserFilters>) =>
    setQuery(inUrl({ ...filters, ...changes, cursor: undefined }), { replace: true });

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    applyFilters({ q: String(new FormData(event.currentTarget).get('q') ?? '').trim() || undefined });
  }

  async function submitMember(request: MemberSubmit) {
    if (request.kind === 'invite') {
      const m = await invite.mutateAsync(request.body).catch(async (error: unknown) => {
        // Already invited here: offer to resend that invitation rather than only refusing.
        if (error instanceof ApiProblem && error.code === 'email-taken' && can('users:view')) {
          const existing = await memberByEmail(tenantId, request.body.email).catch(() => undefined);
          if (existing && (existing.status === 'invited' || existing.status === 'expired')) {
            throw new AlreadyInvited(existing);
          }
        }
        throw error;
      });
      setStatus(`Invitation sent to ${m.email}.`);
    } else if (request.kind === 'create') {
      const m = await create.mutateAsync(request.body);
      setStatus(
        m.status === 'invited' ? `${m.email} already has a login: an invitation was sent.` : `${m.email} was created.`,
      );
    } else {
      const m = await update.mutateAsync({ userId: request.userId, body: request.body });
      setStatus(`${m.email} was updated.`);
    }
  }

  function runLifecycle(member: Member, action: LifecycleAction) {
    setActionError(undefined);
    lifecycle.mutate(
      { userId: member.id, action },
      {
        onSuccess: () => {
          setStatus(`${member.email}: ${LIFECYCLE_DONE[action]}.`);
          setOpen(undefined);
        },
        onError: (error) => (open?.kind === 'confirm' ? undefined : setActionError(describe(error))),
      },
    );
  }

  function onAction(action: RowAction, member: Member) {
    setStatus(undefined);
    setActionError(undefined);
    lifecycle.reset();
    remove.reset();
    if (action === 'edit') setOpen({ kind: 'member', mode: { kind: 'edit', member } });
    else if (action === 'reset') setOpen({ kind: 'reset', member });
    else if (action === 'resetMfa') {
      resetMfa.reset();
      setOpen({ kind: 'resetMfa', member });
    } else if (action === 'suspend' || action === 'deactivate' || action === 'delete')
      setOpen({ kind: 'confirm', action, member });
    else runLifecycle(member, action === 'resend' ? 'resend-invitation' : 'reactivate');
  }

  function confirm(action: Confirmable, member: Member) {
    if (action === 'delete') {
      remove.mutate(member.id, {
        onSuccess: () => {
          setStatus(`${member.email} was deleted.`);
          setOpen(undefined);
        },
      });
    } else runLifecycle(member, action);
  }

  return (
    <section aria-labelledby="users-title">
      <div className="screen-head">
        <h1 id="users-title">Users</h1>
        <SeatIndicator seats={seats} id={seatsId} />
        {can('users:create') ? (
          <div className="head-actions">
            <button
              type="button"
              className="primary"
              disabled={full}
              aria-describedby={full ? reasonId : seatsId}
              onClick={() => setOpen({ kind: 'member', mode: { kind: 'invite' } })}
            >
              Invite user
            </button>
            <button
              type="button"
              disabled={full}
              aria-describedby={full ? reasonId : seatsId}
              onClick={() => setOpen({ kind: 'member', mode: { kind: 'create' } })}
            >
              New user
            </button>
          </div>
        ) : null}
      </div>
      {full && can('users:create') ? (
        <p id={reasonId} className="notice">
          {SEAT_LIMIT_REASON}
        </p>
      ) : null}

      <search>
        <form className="filters" aria-label="Filter users" onSubmit={search}>
          <TextField
            label="Search"
            name="q"
            type="search"
            defaultValue={filters.q}
            placeholder="Any word of the name or email…"
          />
          <button type="submit">Search</button>
          <SelectField
            label="Status"
            value={filters.status ?? ''}
            onChange={(e) => applyFilters({ status: (e.target.value || undefined) as MemberStatus | undefined })}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Role"
            value={filters.role ?? ''}
            onChange={(e) => applyFilters({ role: (e.target.value || undefined) as Role | undefined })}
          >
            <option value="">Any role</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
          {teamList.length > 0 ? (
            <SelectField
              label="Team"
              value={filters.team ?? ''}
              onChange={(e) => applyFilters({ team: e.target.value || undefined })}
            >
              <option value="">Any team</option>
              {teamList.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </SelectField>
          ) : null}
          <SelectField
            label="Signed in"
            value={filters.inactiveDays?.toString() ?? ''}
            onChange={(e) => applyFilters({ inactiveDays: Number(e.target.value) || undefined })}
          >
            <option value="">Any time</option>
            {INACTIVITY.map((days) => (
              <option key={days} value={days}>
                Not for {days} days
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Order"
            value={filters.sort ?? ''}
            onChange={(e) => applyFilters({ sort: (e.target.value || undefined) as UserFilters['sort'] })}
          >
            <option value="">Default</option>
            <option value="lastLoginAt">Least recent sign-in first</option>
            <option value="-lastLoginAt">Most recent sign-in first</option>
          </SelectField>
        </form>
      </search>

      <p role="status" className="status-line">
        {status}
      </p>
      {actionError ? <ErrorText>{actionError}</ErrorText> : null}
      {users.error ? <ErrorText>{describe(users.error)}</ErrorText> : null}

      {users.data ? (
        <UsersTable
          members={users.data.items}
          lookups={lookups}
          busy={users.isFetching}
          onAction={onAction}
          actionsFor={(m) =>
            availableActions(m, {
              canEdit: can('users:edit'),
              canDelete: can('users:delete'),
              isSelf: m.id === me.id,
              isOwner: m.id === me.tenant.ownerId,
            })
          }
        />
      ) : users.isPending ? (
        <p role="status">Loading users…</p>
      ) : null}

      <Pager
        label="Pages of users"
        query={inUrl({ ...filters, cursor: undefined })}
        cursor={filters.cursor}
        nextCursor={users.data?.nextCursor}
      />

      {open?.kind === 'member' ? (
        <MemberDialog
          mode={open.mode}
          catalogue={catalogue.data}
          customRoles={customRoles}
          teams={teamList}
          can={can}
          onSubmit={submitMember}
          onClose={() => setOpen(undefined)}
          onResend={async (member) => {
            await lifecycle.mutateAsync({ userId: member.id, action: 'resend-invitation' });
            setStatus(`${member.email}: ${LIFECYCLE_DONE['resend-invitation']}.`);
          }}
        />
      ) : null}
      {open?.kind === 'confirm' ? (
        <ConfirmDialog
          title={`${CONFIRM[open.action].title} ${open.member.email}?`}
          confirmLabel={CONFIRM[open.action].label}
          onConfirm={() => confirm(open.action, open.member)}
          onClose={() => setOpen(undefined)}
          pending={lifecycle.isPending || remove.isPending}
          error={lifecycle.error ? describe(lifecycle.error) : remove.error ? describe(remove.error) : undefined}
        >
          <p>{CONFIRM[open.action].text(open.member)}</p>
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'resetMfa' ? (
        <ConfirmDialog
          title={`Reset two-factor authentication of ${open.member.email}?`}
          confirmLabel="Reset MFA"
          onConfirm={() =>
            resetMfa.mutate(open.member.id, {
              onSuccess: () => {
                setStatus(`${open.member.email}: two-factor authentication was reset; they set it up again.`);
                setOpen(undefined);
              },
            })
          }
          onClose={() => setOpen(undefined)}
          pending={resetMfa.isPending}
          error={resetMfa.error ? describe(resetMfa.error) : undefined}
        >
          <p>
            For someone who lost their device: their sign-ins stop asking for a code, every session of theirs ends, and
            they set it up again (at once, where this organisation requires it).
          </p>
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'reset' ? (
        <ResetPasswordDialog
          member={open.member}
          onSubmit={async (password, temporary) => {
            await reset.mutateAsync({ userId: open.member.id, password, temporary });
            setStatus(`The password of ${open.member.email} was reset.`);
          }}
          onClose={() => setOpen(undefined)}
        />
      ) : null}
    </section>
  );
}
