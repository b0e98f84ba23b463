/**
 * Teams: each team's assignment strategy and capacity; the open team (in the
 * URL) lists its members with their availability (chosen, and effective
 * now under their working hours — for active members only), their open
 * conversations against the team's capacity and their hours, and its queue
 * of waiting conversations, oldest first, each with why it waits; with
 * conversations:assign a waiting one is given to a member by hand.
 * teams:manage shows the controls that change them, and only where the API
 * would allow them (availability: oneself, or someone one dominates; the
 * queue: its members, conversations:view or teams:manage). A delete says
 * what it will do: members are taken out first; conversations held stop it.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import { useRoles } from '../../data/roles';
import {
  STRATEGIES,
  type Team,
  type TeamInput,
  type TeamMember,
  useAssignByHand,
  useDeleteTeam,
  useSaveTeam,
  useTeamMembers,
  useTeamMembership,
  useTeamQueue,
  useTeams,
} from '../../data/teams';
import { usePermissionCatalogue } from '../../data/tenant';
import { useSetAvailability, useUsers } from '../../data/users';
import { setQuery, useLocation } from '../../router';
import { ConfirmDialog, Dialog, ErrorText } from '../../ui/Dialog';
import { effectiveOf, mayActOn } from '../../ui/dominance';
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
        <DeleteTeamDialog
          // The list's fresh counts (refetched after a refusal) say what a delete does.
          team={teams.data?.items.find((t) => t.id === deleting.id) ?? deleting}
          pending={remove.isPending}
          refused={remove.isError}
          error={remove.error && !isConflict(remove.error) ? describe(remove.error) : undefined}
          onClose={() => setDeleting(undefined)}
          onDelete={(removeMembers) =>
            remove.mutate(
              { teamId: deleting.id, removeMembers },
              {
                onSuccess: () => {
                  setStatus(`Team ${deleting.name} was deleted.`);
                  setDeleting(undefined);
                  if (openId === deleting.id) setQuery({});
                },
              },
            )
          }
        />
      ) : null}
    </section>
  );
}

const isConflict = (e: unknown) => typeof e === 'object' && e !== null && (e as { status?: number }).status === 409;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What deleting a team does, from its counts: refused while it holds conversations; its members taken out first. */
function DeleteTeamDialog({
  team,
  pending,
  refused,
  error,
  onClose,
  onDelete,
}: {
  team: Team;
  pending: boolean;
  refused: boolean;
  error?: string;
  onClose: () => void;
  onDelete: (removeMembers: boolean) => void;
}) {
  const held = team.assigned + team.queued;
  const title = `Delete team ${team.name}?`;
  if (held > 0) {
    const parts = [
      team.assigned > 0 ? `${plural(team.assigned, 'conversation')} assigned through it` : '',
      team.queued > 0 ? `${plural(team.queued, 'conversation')} waiting in its queue` : '',
    ].filter(Boolean);
    return (
      <ConfirmDialog title={title} confirmLabel="Delete team" onClose={onClose} error={error}>
        <p>
          {refused ? 'Roster did not delete it: ' : ''}
          {team.name} still holds {parts.join(' and ')}. A team is deleted only once it holds none — reassign, hand back
          or resolve them first; deleting it now would leave them with nobody to answer.
        </p>
      </ConfirmDialog>
    );
  }
  if (team.memberCount > 0) {
    return (
      <ConfirmDialog
        title={title}
        confirmLabel={`Remove ${plural(team.memberCount, 'member')} and delete`}
        pending={pending}
        error={error}
        onClose={onClose}
        onConfirm={() => onDelete(true)}
      >
        <p>
          {refused ? `Roster did not delete it: it still has ${plural(team.memberCount, 'member')}. ` : ''}
          Its {plural(team.memberCount, 'member')} will be taken out of {team.name} first, then the team is deleted.
          They stay in the organisation, with their other teams and their conversations.
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={title}
      confirmLabel="Delete team"
      pending={pending}
      error={error}
      onClose={onClose}
      onConfirm={() => onDelete(false)}
    >
      <p>Nobody is in {team.name} and it holds no conversations. It is deleted for good.</p>
    </ConfirmDialog>
  );
}

/** "2 of 4", "3 (no limit)": a member's open conversations against the team's capacity. */
const loadText = (open: number, capacity: number | null) =>
  capacity === null ? `${open} (no limit)` : `${open} of ${capacity}${open >= capacity ? ', full' : ''}`;

function TeamDetail({ team, manage }: { team: Team; manage: boolean }) {
  const { tenantId, me, can } = useConsole();
  const members = useTeamMembers(tenantId, team.id);
  // Roles and grants of the members, for who the signed-in person may act on.
  const people = useUsers(tenantId, { team: team.id }, { limit: 100, enabled: manage });
  const catalogue = usePermissionCatalogue();
  const customRoles = useRoles(tenantId, manage && can('roles:view'));
  const everyone = useUsers(tenantId, { status: 'active' }, { limit: 100, enabled: manage });
  const membership = useTeamMembership(tenantId);
  const availability = useSetAvailability(tenantId);
  // The API shows a team's queue to its members and to those who see every conversation or manage teams.
  const seesQueue = me.teamIds.includes(team.id) || can('conversations:view') || can('teams:manage');
  const queue = useTeamQueue(tenantId, team.id, seesQueue);
  const [error, setError] = useState<string>();
  const inTeam = new Set(members.data?.items.map((m) => m.userId));
  const candidates = (everyone.data?.items ?? []).filter((m) => !inTeam.has(m.id));
  const fail = (e: unknown) => setError(describe(e));
  const now = Date.now();

  /** Oneself always; another only with teams:manage over someone one dominates (as the API decides). */
  function mayToggle(m: TeamMember): boolean {
    if (m.userId === me.id) return true;
    if (!manage || !catalogue.data) return false;
    const person = people.data?.items.find((p) => p.id === m.userId);
    if (!person) return false;
    const roles = { builtIn: catalogue.data.roles, custom: customRoles.data?.items };
    return mayActOn(me, person, effectiveOf(person, roles, now));
  }

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
              <th scope="col">Open conversations</th>
              <th scope="col">Working hours</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data?.items.length === 0 ? (
              <tr>
                <td colSpan={7}>No members yet.</td>
              </tr>
            ) : null}
            {members.data?.items.map((m) => {
              const active = m.status === 'active';
              const other = m.availability === 'online' ? 'away' : 'online';
              return (
                <tr key={m.userId}>
                  <th scope="row">{m.name || '—'}</th>
                  <td>{m.email}</td>
                  <td>{STATUS_LABELS[m.status]}</td>
                  <td>
                    {/* Only an active member is online or away; anyone else gets no conversations at all. */}
                    {active ? (
                      <span className={`availability availability-${m.effectiveAvailability}`}>
                        {availabilityText(m)}
                      </span>
                    ) : (
                      <span className="muted">No conversations ({STATUS_LABELS[m.status]?.toLowerCase()})</span>
                    )}
                  </td>
                  <td>{active ? loadText(m.openAssignments, team.capacity) : '—'}</td>
                  <td>{active ? scheduleSummary(m.workingHours) : '—'}</td>
                  <td className="row-actions">
                    {active && mayToggle(m) ? (
                      <button
                        type="button"
                        aria-label={`Set ${other}: ${m.email}`}
                        onClick={() =>
                          availability.mutate({ userId: m.userId, availability: other }, { onError: fail })
                        }
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
                          membership.mutate({ teamId: team.id, userId: m.userId, add: false }, { onError: fail })
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

      {seesQueue ? (
        <>
          <h3>Queue</h3>
          <TeamQueue team={team} queue={queue} members={members.data?.items ?? []} />
        </>
      ) : (
        <p className="hint">The team’s queue is shown to its members and to those who see every conversation.</p>
      )}
    </section>
  );
}

function TeamQueue({
  team,
  queue,
  members,
}: {
  team: Team;
  queue: ReturnType<typeof useTeamQueue>;
  members: TeamMember[];
}) {
  const { tenantId, can } = useConsole();
  const assign = useAssignByHand(tenantId);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const byHand = can('conversations:assign');
  // Anyone active may take it by hand; who is away or full is said beside their name.
  const takers = members.filter((m) => m.status === 'active');

  function submit(conversationId: string) {
    return (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const assigneeId = String(new FormData(event.currentTarget).get('assigneeId') ?? '');
      if (!assigneeId) return;
      const who = takers.find((m) => m.userId === assigneeId);
      setStatus(undefined);
      setError(undefined);
      assign.mutate(
        { conversationId, assigneeId },
        {
          onSuccess: () => setStatus(`Conversation ${conversationId} was assigned to ${who?.name || who?.email}.`),
          onError: (e) => setError(describe(e)),
        },
      );
    };
  }

  if (queue.error) return <ErrorText>{describe(queue.error)}</ErrorText>;
  if (!queue.data) return <p role="status">Loading the queue…</p>;
  return (
    <>
      <p role="status" className="status-line">
        {status}
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}
      {queue.data.items.length === 0 ? (
        <p>No conversations are waiting for {team.name}.</p>
      ) : (
        <ol className="queue" aria-label={`Conversations waiting for ${team.name}, oldest first`}>
          {queue.data.items.map((c) => (
            <li key={c.conversationId}>
              <span>
                Conversation {c.conversationId}, waiting since {when(c.queuedAt)} ({QUEUE_REASONS[c.reason] ?? c.reason}
                )
              </span>
              {byHand && takers.length > 0 ? (
                <form className="inline-form" onSubmit={submit(c.conversationId)}>
                  <SelectField label={`Assign ${c.conversationId} to`} name="assigneeId" defaultValue="">
                    <option value="">Choose a member</option>
                    {takers.map((m) => (
                      <option key={m.userId} value={m.userId}>
                        {m.name || m.email} — {availabilityText(m).toLowerCase()},{' '}
                        {loadText(m.openAssignments, team.capacity)}
                      </option>
                    ))}
                  </SelectField>
                  <button type="submit" disabled={assign.isPending}>
                    Assign<span className="visually-hidden"> {c.conversationId}</span>
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </>
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
