/**
 * Issue 18 item 3: names where people expect names. An agent (no roles:view,
 * no teams:view) reads the role template's name from the tenant's mirror; the
 * audit log names roles, teams and members in its targets and changes.
 */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuditScreen } from '../../web/src/console/audit/AuditScreen';
import { UsersScreen } from '../../web/src/console/users/UsersScreen';
import { ALL, inConsole, member, membership, stubApi } from './fixtures';

const ROLE = '01m96v73r3qgk8z1x2y3w4v5u6';
const TEAM = '01team0000000000000000000a';
const page = (items: unknown[]) => ({ items, nextCursor: null });
const tenantWithRoles = (base: ReturnType<typeof membership>) => ({
  ...base.tenant,
  roleNames: { [ROLE]: 'Sales lead' },
});

describe('names, not ids', () => {
  it('the Role template column names the custom role for an agent who cannot list roles', async () => {
    stubApi({
      'GET /v1/tenants/t1/users': page([
        member({ role: 'custom', roleId: ROLE, teamIds: [TEAM] } as Partial<ReturnType<typeof member>>),
      ]),
    });
    const me = membership(['users:view']);
    inConsole(<UsersScreen />, { ...me, tenant: tenantWithRoles(me) });
    const row = (await screen.findByText('ann@acme.test')).closest('tr') as HTMLElement;
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toContain('Sales lead');
    expect(cells).toContain('1 team');
    expect(row.textContent).not.toContain(ROLE);
    expect(row.textContent).not.toContain(TEAM);
  });

  it('the audit log names roles and teams in targets and changes', async () => {
    stubApi({
      'GET /v1/tenants/t1/audit-events': page([
        {
          id: 'e1',
          at: '2026-03-01T09:30:00.000Z',
          action: 'member.updated',
          actor: { type: 'user', id: 'u-me' },
          target: { type: 'member', id: 'u-ann' },
          before: { roleId: null, teamIds: [] },
          after: { roleId: ROLE, teamIds: [TEAM] },
        },
        {
          id: 'e2',
          at: '2026-03-01T09:31:00.000Z',
          action: 'role.created',
          actor: { type: 'user', id: 'u-me' },
          target: { type: 'role', id: ROLE },
          after: { name: 'Sales lead' },
        },
      ]),
      'GET /v1/tenants/t1/users': page([member()]),
      'GET /v1/tenants/t1/users/u-ann': member(),
      'GET /v1/tenants/t1/users/u-me': member({ id: 'u-me', name: 'Me Admin' }),
      'GET /v1/tenants/t1/roles': page([]),
      'GET /v1/tenants/t1/teams': page([{ id: TEAM, name: 'Support EU' }]),
    });
    const me = membership(ALL);
    inConsole(<AuditScreen />, { ...me, tenant: tenantWithRoles(me) });
    await screen.findByText('Role Sales lead');
    await screen.findByText(/teams: none → Support EU/);
    expect(screen.getByText(/role template: — → Sales lead/)).toBeTruthy();
    expect(document.body.textContent).not.toContain(ROLE);
    expect(document.body.textContent).not.toContain(TEAM);
  });
});
