/**
 * The audit trail: who did what to whom, when, and what changed — newest
 * first, filtered by action, person and time (all in the URL with the
 * cursor). Actors and targets are shown by name where they are members.
 */

import { useQueries } from '@tanstack/react-query';
import { type FormEvent, useMemo } from 'react';
import { api, ok } from '../../api/client';
import { describe } from '../../api/problem';
import { type AuditEvent, type AuditFilters, useAudit } from '../../data/audit';
import { keys } from '../../data/keys';
import { useRoles } from '../../data/roles';
import { useTeams } from '../../data/teams';
import { useUsers } from '../../data/users';
import { setQuery, useLocation } from '../../router';
import { ErrorText } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { when } from '../../ui/format';
import { Pager } from '../../ui/Pager';
import { TableWrap } from '../../ui/TableWrap';
import { useConsole } from '../context';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS } from './actions';

const FILTERS = ['action', 'actorId', 'targetId', 'since', 'until', 'cursor'] as const;

/** A `datetime-local` value as ISO time, or undefined. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso: string | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function AuditScreen() {
  const { tenantId, can, me } = useConsole();
  const { query } = useLocation();
  const filters: AuditFilters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) || undefined]));
  const audit = useAudit(tenantId, filters);
  const people = useUsers(tenantId, {}, { limit: 100, enabled: can('users:view') });
  const names = useNames(tenantId, audit.data?.items ?? [], can('users:view'));
  const peopleOptions = people.data?.items ?? [];
  const roles = useRoles(tenantId, can('roles:view'));
  const teams = useTeams(tenantId, can('teams:view'));
  /** Names of what events point at by id: custom roles (mirrored on the tenant for everyone), teams, members. */
  const refs: Refs = {
    role: (id) =>
      roles.data?.items.find((r) => r.id === id)?.name ?? me.tenant.roleNames?.[id] ?? BUILT_IN[id] ?? 'a deleted role',
    team: (id) => teams.data?.items.find((t) => t.id === id)?.name ?? 'a deleted team',
    member: (id) => names.get(id) ?? 'someone no longer here',
  };

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    setQuery({
      action: text('action'),
      actorId: text('actorId'),
      targetId: text('targetId'),
      since: toIso(String(form.get('since') ?? '')),
      until: toIso(String(form.get('until') ?? '')),
    });
  }

  const name = (type: string, id: string, keyName?: string) => {
    if (type === 'apiKey') return `API key “${keyName ?? id}”`;
    if (type === 'scim') return `Directory (${keyName ?? id})`;
    if (type === 'platform') return 'Platform';
    if (type === 'system') return 'Roster';
    return names.get(id) ?? id;
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="screen-head">
        <h1 id="audit-title">Audit</h1>
      </div>
      <form className="filters" aria-label="Filter audit events" onSubmit={apply} key={query.toString()}>
        <SelectField label="Action" name="action" defaultValue={filters.action ?? ''}>
          <option value="">Any action</option>
          {AUDIT_ACTION_GROUPS.map((group) => (
            <optgroup key={group.label} label={group.label}>
              {Object.entries(group.actions).map(([action, label]) => (
                <option key={action} value={action}>
                  {label}
                </option>
              ))}
            </optgroup>
          ))}
          {filters.action && !AUDIT_ACTIONS[filters.action] ? (
            <option value={filters.action}>{filters.action}</option>
          ) : null}
        </SelectField>
        <SelectField label="Who" name="actorId" defaultValue={filters.actorId ?? ''}>
          <option value="">Anyone</option>
          {peopleOptions.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name || m.email}
            </option>
          ))}
        </SelectField>
        <SelectField label="To whom" name="targetId" defaultValue={filters.targetId ?? ''}>
          <option value="">Anyone or anything</option>
          {peopleOptions.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name || m.email}
            </option>
          ))}
        </SelectField>
        <TextField label="From" name="since" type="datetime-local" defaultValue={toLocal(filters.since)} />
        <TextField label="Until" name="until" type="datetime-local" defaultValue={toLocal(filters.until)} />
        <button type="submit">Apply filters</button>
      </form>
      {audit.error ? <ErrorText>{describe(audit.error)}</ErrorText> : null}
      <TableWrap label="Audit events">
        <table aria-busy={audit.isFetching || undefined}>
          <caption className="visually-hidden">Audit events</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">To whom</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.items.length === 0 ? (
              <tr>
                <td colSpan={5}>No events match these filters.</td>
              </tr>
            ) : null}
            {audit.data?.items.map((e) => (
              <tr key={e.id}>
                <td>
                  <span className="stamp">{when(e.at)}</span>
                </td>
                <td>{name(e.actor.type, e.actor.id, 'name' in e.actor ? e.actor.name : undefined)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{targetText(e.target, refs)}</td>
                <td>
                  <Changes before={e.before} after={e.after} refs={refs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Pager
        label="Pages of audit events"
        query={{ ...filters, cursor: undefined }}
        cursor={filters.cursor}
        nextCursor={audit.data?.nextCursor}
      />
    </section>
  );
}

/** Names of the members an audit page mentions, one cached lookup per person. */
function useNames(tenantId: string, events: AuditEvent[], enabled: boolean): Map<string, string> {
  const ids = useMemo(() => {
    const set = new Set<string>();
    for (const e of events) {
      if (e.actor.type === 'user' || e.actor.type === 'invitee') set.add(e.actor.id);
      if (e.target.type === 'member') set.add(e.target.id);
    }
    return [...set];
  }, [events]);
  const results = useQueries({
    queries: ids.map((userId) => ({
      queryKey: keys.user(tenantId, userId),
      queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/users/{userId}', { params: { path: { tenantId, userId } } })),
      enabled,
      retry: false,
      staleTime: 60_000,
    })),
  });
  const map = new Map<string, string>();
  results.forEach((r, i) => {
    const id = ids[i];
    if (id && r.data) map.set(id, r.data.name || r.data.email);
  });
  return map;
}

const BUILT_IN: Record<string, string> = { admin: 'Administrator', manager: 'Manager', agent: 'Agent' };

export interface Refs {
  role: (id: string) => string;
  team: (id: string) => string;
  member: (id: string) => string;
}

/** "Role Sales lead", "Team Support EU", a member's name; never a bare id. */
export function targetText(target: { type: string; id: string }, refs: Refs): string {
  switch (target.type) {
    case 'member':
      return refs.member(target.id);
    case 'role':
      return `Role ${refs.role(target.id)}`;
    case 'team':
      return `Team ${refs.team(target.id)}`;
    case 'tenant':
      return 'The organisation';
    default:
      return `${target.type[0]?.toUpperCase() ?? ''}${target.type.slice(1)} ${target.id}`;
  }
}

/** Fields whose values are ids, and how to name them. */
const REFERENCE_FIELDS: Record<string, keyof Refs> = {
  roleId: 'role',
  teamId: 'team',
  teamIds: 'team',
  ownerId: 'member',
  memberId: 'member',
  userId: 'member',
};
const FIELD_LABELS: Record<string, string> = {
  roleId: 'role template',
  teamIds: 'teams',
  teamId: 'team',
  ownerId: 'owner',
};

function Changes({ before, after, refs }: { before: unknown; after: unknown; refs: Refs }) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== 'version');
  if (fields.length === 0) return <>—</>;
  return (
    <ul className="changes">
      {fields.slice(0, 6).map((f) => {
        const kind = REFERENCE_FIELDS[f];
        const named = (v: unknown) =>
          kind && typeof v === 'string' && v
            ? refs[kind](v)
            : kind && Array.isArray(v)
              ? v.length === 0
                ? 'none'
                : v.map((x) => refs[kind](String(x))).join(', ')
              : show(v);
        return (
          <li key={f}>
            {FIELD_LABELS[f] ?? f}: {f in b ? `${named(b[f])} → ` : ''}
            {named(a[f])}
          </li>
        );
      })}
    </ul>
  );
}

/** A changed value as a person reads it: text as is, lists joined, records as `key value` pairs, dates as dates. */
function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? when(value) : value;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k} ${show(v)}`)
      .join(', ');
  }
  return String(value);
}
