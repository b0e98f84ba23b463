/**
 * Teams: each team's assignment strategy and capacity; the open team (in the
 * URL) lists its members with their availability (chosen, and effective
 * now under their working hours) and hours, and its queue of waiting
 * conversations, oldest first, each with why it waits. teams:manage shows the controls that change them.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import {
  STRATEGIES,
  type Team,
  type TeamInput,
  useDeleteTeam,
  useSaveTeam,
  useTeamMembership,
  useTeamQueue,
  useTeams,
} from '../../data/teams';
import { useSetAvailability, useUsers } from '../../data/users';
import { setQuery, useLocation } from '../../router';
import { ConfirmDialog, Dialog, ErrorText } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { STATUS_LABELS, when } from '../../ui/format';
import { availabilityText, scheduleSummary } from '../../ui/schedule';
import { TableWrap } from '../../ui/TableWrap';
import { useConsole } from '../context';

/** Why a conversation waits, in words (the API's QueueReason). */
const QUEUE_REASONS: Record<string, string> = {
  manual: 'this team assigns by hand',
  'nobody-available': 'nobody online had room',
  'queue-order': 'behind older conversations',
  unassigned: 'handed back to the team',
  'assignee.left': 'its assignee left',
  'assignee.suspended': 'its assignee was suspended',
  'assignee.away': 'its assignee is away',
};

const strategyLabel = (s: string) => STRATEGIES.find((x) => x.value === s)?.label ?? s;

export function TeamsScreen() {
  const { tenantId, can } = useConsole();
  const { query } = useLocation();
  const teams = useTeams(tenantId);
  const save = useSaveTeam(tenantId);
  const remove = useDeleteTeam(tenantId);
  const [editing, setEditing] = useState<{ team?: Team }>();
  const [deleting, setDeleting] = useState<Team>();
  const [status, setStatus] = useState<string>();
  const openId = query.get('team') ?? undefined;
  const openTeam = teams.data?.items.find((t) => t.id === openId);
  const manage = can('teams:manage');

  return (
    <section aria-labelledby="teams-title">
      <div className="screen-head">
        <h1 id="teams-title">Teams</h1>
        {manage ? (
          <button type="button" className="primary" onClick={() => setEditing({})}>
            New team
          </button>
        ) : null}
      </div>
      <p role="status" className="status-line">
        {status}
      </p>
      {teams.error ? <ErrorText>{describe(teams.error)}</ErrorText> : null}
      <TableWrap label="Teams">
        <table>
          <caption className="visually-hidden">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Assignment</th>
              <th scope="col">Capacity per agent</th>
              <th scope="col">Members</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {teams.data?.items.length === 0 ? (
              <tr>
                <td colSpan={5}>No teams yet.</td>
              </tr>
            ) : null}
            {teams.data?.items.map((t) => (
              <tr key={t.id} aria-current={t.id === openId ? 'true' : undefined}>
                <th scope="row">{t.name}</th>
                <td>{strategyLabel(t.assignmentStrategy)}</td>
                <td>{t.capacity ?? 'Unlimited'}</td>
                <td>{t.memberCount}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Open team ${t.name}`} onClick={() => setQuery({ team: t.id })}>
                    Open
                  </button>
                  {manage ? (
                    <>
                      <button type="button" aria-label={`Edit team ${t.name}`} onClick={() => setEditing({ team: t })}>
                        Edit
                      </button>
                      <button
                        type="button"
                        className="danger-text"
                        aria-label={`Delete team ${t.name}`}
                        onClick={() => {
                          remove.reset();
                          setDeleting(t);
                        }}
                      >
                        Delete
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      {openTeam ? <TeamDetail team={openTeam} manage={manage} /> : null}

      {editing ? (
        <TeamDialog
          team={editing.team}
          onClose={() => setEditing(undefined)}
          onSave={async (input) => {
            const saved = await save.mutateAsync({ teamId: editing.team?.id, input });
            setStatus(`Team ${saved.name} was saved.`);
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete team ${deleting.name}?`}
          confirmLabel="Delete team"
          pending={remove.isPending}
          error={remove.error ? describe(remove.error) : undefined}
          onClose={() => setDeleting(undefined)}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                setStatus(`Team ${deleting.name} was deleted.`);
                setDeleting(undefined);
                if (openId === deleting.id) setQuery({});
              },
            })
          }
        >
          <p>Its members stay in the organisation; conversations waiting for this team are no longer queued for it.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function TeamDetail({ team, manage }: { team: Team; manage: boolean }) {
  const { tenantId, me } = useConsole();
  const members = useUsers(tenantId, { team: team.id }, { limit: 100 });
  const everyone = useUsers(tenantId, { status: 'active' }, { limit: 100, enabled: manage });
  const membership = useTeamMembership(tenantId);
  const availability = useSetAvailability(tenantId);
  const queue = useTeamQueue(tenantId, team.id);
  const [error, setError] = useState<string>();
  const inTeam = new Set(members.data?.items.map((m) => m.id));
  const candidates = (everyone.data?.items ?? []).filter((m) => !inTeam.has(m.id));
  const fail = (e: unknown) => setError(describe(e));

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const userId = String(new FormData(event.currentTarget).get('userId') ?? '');
    if (userId) membership.mutate({ teamId: team.id, userId, add: true }, { onError: fail });
  }

  return (
    <section className="panel" aria-labelledby="team-detail-title">
      <h2 id="team-detail-title">{team.name}</h2>
      <p>
        {strategyLabel(team.assignmentStrategy)} assignment, {team.capacity ?? 'unlimited'} open conversations per
        agent.{team.description ? ` ${team.description}` : ''}
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <TableWrap label={`Members of ${team.name}`}>
        <table>
          <caption>Members of {team.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Availability</th>
              <th scope="col">Working hours</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data?.items.length === 0 ? (
              <tr>
                <td colSpan={6}>No members yet.</td>
              </tr>
            ) : null}
            {members.data?.items.map((m) => {
              const other = m.availability === 'online' ? 'away' : 'online';
              // The availability route allows oneself, or anyone with teams:manage.
              const mayToggle = manage || m.id === me.id;
              return (
                <tr key={m.id}>
                  <th scope="row">{m.name || '—'}</th>
                  <td>{m.email}</td>
                  <td>{STATUS_LABELS[m.status]}</td>
                  <td>
                    <span className={`availability availability-${m.effectiveAvailability}`}>
                      {availabilityText(m)}
                    </span>
                  </td>
                  <td>{scheduleSummary(m.workingHours)}</td>
                  <td className="row-actions">
                    {mayToggle ? (
                      <button
                        type="button"
                        aria-label={`Set ${other}: ${m.email}`}
                        onClick={() => availability.mutate({ userId: m.id, availability: other }, { onError: fail })}
                      >
                        Set {other}
                      </button>
                    ) : null}
                    {manage ? (
                      <button
                        type="button"
                        className="danger-text"
                        aria-label={`Remove ${m.email} from ${team.name}`}
                        onClick={() =>
                          membership.mutate({ teamId: team.id, userId: m.id, add: false }, { onError: fail })
                        }
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {manage && candidates.length > 0 ? (
        <form className="inline-form" onSubmit={add}>
          <SelectField label={`Add a member to ${team.name}`} name="userId" defaultValue="">
            <option value="">Choose someone</option>
            {candidates.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </SelectField>
          <button type="submit">Add to team</button>
        </form>
      ) : null}

      <h3>Queue</h3>
      {queue.data ? (
        queue.data.items.length === 0 ? (
          <p>No conversations are waiting for {team.name}.</p>
        ) : (
          <ol className="queue" aria-label={`Conversations waiting for ${team.name}, oldest first`}>
            {queue.data.items.map((c) => (
              <li key={c.conversationId}>
                Conversation {c.conversationId}, waiting since {when(c.queuedAt)} ({QUEUE_REASONS[c.reason] ?? c.reason}
                )
              </li>
            ))}
          </ol>
        )
      ) : queue.error ? (
        <ErrorText>{describe(queue.error)}</ErrorText>
      ) : (
        <p role="status">Loading the queue…</p>
      )}
    </section>
  );
}

function TeamDialog({
  team,
  onSave,
  onClose,
}: {
  team?: Team;
  onSave: (input: TeamInput) => Promise<void>;
  onClose: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const capacity = String(form.get('capacity') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      await onSave({
        name: String(form.get('name')).trim(),
        description: String(form.get('description') ?? '').trim(),
        assignmentStrategy: String(form.get('assignmentStrategy')) as TeamInput['assignmentStrategy'],
        capacity: capacity ? Number(capacity) : null,
      });
      onClose();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={team ? `Edit team ${team.name}` : 'New team'} onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        <TextField label="Name" name="name" required maxLength={100} defaultValue={team?.name ?? ''} />
        <TextField label="Description" name="description" maxLength={500} defaultValue={team?.description ?? ''} />
        <SelectField
          label="Assignment strategy"
          name="assignmentStrategy"
          defaultValue={team?.assignmentStrategy ?? 'round_robin'}
        >
          {STRATEGIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Capacity per agent"
          name="capacity"
          type="number"
          min={1}
          max={10000}
          defaultValue={team?.capacity ?? ''}
          hint="Most open conversations one agent gets from this team. Empty means unlimited."
        />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save team'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
