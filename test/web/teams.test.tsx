/**
 * The Teams screen as a person reads it (issue 18 item 8): availability only
 * for active members, each member's open conversations against the capacity,
 * controls only where the API would allow them (availability: oneself or
 * someone one dominates; the queue: members, conversations:view or
 * teams:manage), a waiting conversation assigned by hand, and a delete that
 * does what its confirmation says.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { TeamsScreen } from '../../web/src/console/teams/TeamsScreen';
import type { Team, TeamMember } from '../../web/src/data/teams';
import type { Permission } from '../../web/src/data/tenant';
import { navigate } from '../../web/src/router';
import { ALL, catalogue, inConsole, member, membership, stubApi } from './fixtures';

const T = '/v1/tenants/t1';

function team(overrides: Partial<Team> = {}): Team {
  return {
    id: 'tm1',
    name: 'Support EU',
    description: '',
    assignmentStrategy: 'manual',
    capacity: 4,
    awayReleaseSeconds: null,
    memberCount: 3,
    queued: 1,
    assigned: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function teamMember(overrides: Partial<TeamMember> = {}): TeamMember {
  return {
    userId: 'u-ann',
    teamId: 'tm1',
    addedAt: '2026-01-01T00:00:00.000Z',
    name: 'Ann Agent',
    email: 'ann@acme.test',
    status: 'active',
    availability: 'online',
    effectiveAvailability: 'online',
    workingHours: null,
    openAssignments: 2,
    ...overrides,
  };
}

const roster = [
  teamMember(),
  teamMember({ userId: 'u-dee', name: 'Dee Gone', email: 'dee@acme.test', status: 'deactivated', openAssignments: 0 }),
  teamMember({ userId: 'u-ina', name: 'Ina Invited', email: 'ina@acme.test', status: 'invited', openAssignments: 0 }),
  teamMember({ userId: 'u-owner', name: 'Olivia Owner', email: 'olivia@acme.test', openAssignments: 4 }),
];
/** The same people as the users list has them: role and grants, for who may act on whom. */
const people = [
  member({ id: 'u-ann', role: 'agent' }),
  member({ id: 'u-dee', email: 'dee@acme.test', status: 'deactivated' }),
  member({ id: 'u-ina', email: 'ina@acme.test', status: 'invited' }),
  member({ id: 'u-owner', email: 'olivia@acme.test', role: 'admin' }),
];

function render(permissions: Permission[], options: { role?: string; teamIds?: string[]; team?: Team } = {}) {
  const calls = stubApi({
    [`GET ${T}/teams`]: { items: [options.team ?? team()], nextCursor: null },
    [`GET ${T}/teams/tm1/members`]: { items: roster, nextCursor: null },
    [`GET ${T}/users`]: { items: people, nextCursor: null },
    [`GET ${T}/roles`]: { items: [], nextCursor: null },
    'GET /v1/permissions': catalogue,
    [`GET ${T}/teams/tm1/queue`]: {
      items: [{ conversationId: 'wa-1', teamId: 'tm1', queuedAt: '2026-03-01T09:00:00.000Z', reason: 'manual' }],
    },
    [`PUT ${T}/conversations/wa-1/assignment`]: { conversationId: 'wa-1', status: 'assigned', assigneeId: 'u-ann' },
    [`DELETE ${T}/teams/tm1`]: {},
    [`DELETE ${T}/teams/tm1/members/u-ann`]: {},
  });
  inConsole(
    <TeamsScreen />,
    membership(permissions, { role: options.role ?? 'admin', teamIds: options.teamIds ?? [] } as never),
  );
  return calls;
}

const memberRow = async (email: string) =>
  within((await screen.findByRole('cell', { name: email })).closest('tr') as HTMLElement);

beforeEach(() => navigate('/teams?team=tm1', { replace: true }));

describe('team members as a person reads them', () => {
  it('availability and load only for active members; deactivated and invited are never “Online” with “Set away”', async () => {
    render([...ALL, 'conversations:view']);
    const ann = await memberRow('ann@acme.test');
    expect(ann.getByText('Online')).toBeTruthy();
    expect(ann.getByRole('cell', { name: '2 of 4' })).toBeTruthy();
    expect(ann.getByRole('button', { name: 'Set away: ann@acme.test' })).toBeTruthy();
    const owner = await memberRow('olivia@acme.test');
    expect(owner.getByRole('cell', { name: '4 of 4, full' })).toBeTruthy();
    for (const email of ['dee@acme.test', 'ina@acme.test']) {
      const row = await memberRow(email);
      expect(row.queryByText('Online'), email).toBeNull();
      expect(row.queryByRole('button', { name: /^Set / }), email).toBeNull();
      expect(row.getByText(/^No conversations/), email).toBeTruthy();
    }
    expect(screen.getByRole('columnheader', { name: 'Open conversations' })).toBeTruthy();
  });

  it('a manager sets an agent’s availability, but is offered no control over the owner (an admin)', async () => {
    const manager = catalogue.roles.find((r) => r.id === 'manager')?.permissions ?? [];
    render([...manager, 'teams:manage'], { role: 'manager' });
    const ann = await memberRow('ann@acme.test');
    expect(await ann.findByRole('button', { name: 'Set away: ann@acme.test' })).toBeTruthy();
    const owner = await memberRow('olivia@acme.test');
    expect(owner.queryByRole('button', { name: /^Set / })).toBeNull();
    expect(owner.getByText('Online')).toBeTruthy();
  });
});

describe('the queue', () => {
  it('is neither asked for nor shown to someone the API does not show it to', async () => {
    const calls = render(['teams:view', 'users:view']);
    await screen.findByText('ann@acme.test');
    expect(screen.queryByRole('heading', { name: 'Queue' })).toBeNull();
    expect(screen.getByText(/queue is shown to its members/)).toBeTruthy();
    expect(calls.filter((c) => c.path.endsWith('/queue'))).toEqual([]);
  });

  it('is shown to a member of the team', async () => {
    render(['teams:view', 'users:view'], { teamIds: ['tm1'] });
    expect(
      await screen.findByRole('list', { name: 'Conversations waiting for Support EU, oldest first' }),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Assign/ })).toBeNull();
  });

  it('with conversations:assign, a waiting conversation is given to a member by hand', async () => {
    const calls = render([...ALL, 'conversations:view', 'conversations:assign']);
    const queue = await screen.findByRole('list', { name: 'Conversations waiting for Support EU, oldest first' });
    expect(within(queue).getByText(/this team assigns by hand/)).toBeTruthy();
    const pick = await within(queue).findByLabelText('Assign wa-1 to');
    // Only active members can take it; each says whether they are online and how full.
    const options = within(pick)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['Choose a member', 'Ann Agent — online, 2 of 4', 'Olivia Owner — online, 4 of 4, full']);
    await userEvent.selectOptions(pick, 'u-ann');
    await userEvent.click(within(queue).getByRole('button', { name: 'Assign wa-1' }));
    await screen.findByText('Conversation wa-1 was assigned to Ann Agent.');
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([
      { method: 'PUT', path: `${T}/conversations/wa-1/assignment`, body: { assigneeId: 'u-ann' } },
    ]);
  });
});

describe('deleting a team', () => {
  it('with members: says they are taken out first, and does exactly that before deleting', async () => {
    const calls = render(ALL, { team: team({ memberCount: 1, queued: 0, assigned: 0 }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete team Support EU' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete team Support EU?' });
    expect(dialog.textContent).toMatch(/Its 1 member will be taken out of Support EU first/);
    expect(dialog.textContent).not.toMatch(/conversations waiting for this team are no longer queued/);
    // The roster the API lists now (one member, as the count says).
    stubAgain(calls);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove 1 member and delete' }));
    await screen.findByText('Team Support EU was deleted.');
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
      `${T}/teams/tm1/members/u-ann`,
      `${T}/teams/tm1`,
    ]);
  });

  it('holding conversations: says why it cannot be deleted yet, and offers no delete', async () => {
    const calls = render(ALL, { team: team({ memberCount: 2, queued: 2, assigned: 1 }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete team Support EU' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete team Support EU?' });
    expect(dialog.textContent).toMatch(
      /still holds 1 conversation assigned through it and 2 conversations waiting in its queue/,
    );
    expect(within(dialog).queryByRole('button', { name: /delete/i })).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);
  });
});

/** The members page the delete reads: first Ann, then (after her removal) nobody. */
function stubAgain(calls: { method: string; path: string }[]) {
  const original = globalThis.fetch;
  let pages = 0;
  globalThis.fetch = (async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path === `${T}/teams/tm1/members`) {
      calls.push({ method: 'GET', path });
      pages += 1;
      return Response.json({ items: pages === 1 ? [roster[0]] : [], nextCursor: null });
    }
    return original(input, init);
  }) as typeof fetch;
}
