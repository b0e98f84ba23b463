/**
 * Red team, issue 17 §3 (DESIGN §2a rules 1 and 14, §5): one operation needs
 * one permission whichever door it is asked through; acting on another
 * member's availability or hours obeys dominance; a team's queue and who holds
 * a conversation stay inside the team (and within its capacity); security
 * settings are admins' alone; names that look the same are the same name.
 * Each case is the attacker's steps over HTTP against the real emulators.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLE_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { unique } from './client.ts';
import { identitySuite, type Person, type Tenant } from './identity-kit.ts';

const { api, kit } = identitySuite();

const AGENT = [...BUILT_IN_ROLE_PERMISSIONS.agent];

async function team(t: Tenant, name: string, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, {
    token: t.ownerToken,
    body: { name, ...fields },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function teamIdsOf(t: Tenant, memberId: string): Promise<string[]> {
  return (await kit.read(t, memberId)).body.teamIds;
}

describe('one operation, one permission, whichever door (team membership needs teams:manage)', () => {
  let t: Tenant;
  let vip: string;
  /** An HR clerk: an agent's permissions plus users:create and users:edit — but not teams:manage. */
  let clerk: Person;
  let agent: Person;

  beforeAll(async () => {
    t = await api.tenantWithOwner('growth', 'rt-doors');
    vip = await team(t, 'VIP');
    const roleId = await kit.customRole(t, [...AGENT, 'users:create', 'users:edit']);
    clerk = await kit.join(t, 'clerk', { role: 'custom', roleId });
    agent = await kit.join(t, 'agent');
  }, 120_000);

  it('the team route refuses the clerk, and PATCH on their own member refuses the same join', async () => {
    const front = await api.call('PUT', `/v1/tenants/${t.tenantId}/teams/${vip}/members/${clerk.id}`, {
      token: clerk.token,
    });
    expect(front.status, JSON.stringify(front.body)).toBe(403);
    const untouched = await kit.watch(t, [clerk.id]);
    const side = await api.call('PATCH', `${kit.users(t)}/${clerk.id}`, {
      token: clerk.token,
      body: { teamIds: [vip] },
    });
    expect(side.status, `PATCH teamIds joined VIP without teams:manage: ${JSON.stringify(side.body)}`).toBe(403);
    expect(side.body.code).toBe('forbidden');
    await untouched();
    expect(await teamIdsOf(t, clerk.id)).toEqual([]);
  });

  it("PATCH on another member's teams is refused too; the same teams (unchanged) with a name edit pass", async () => {
    const untouched = await kit.watch(t, [agent.id]);
    const moved = await api.call('PATCH', `${kit.users(t)}/${agent.id}`, {
      token: clerk.token,
      body: { teamIds: [vip] },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(403);
    await untouched();
    const renamed = await api.call('PATCH', `${kit.users(t)}/${agent.id}`, {
      token: clerk.token,
      body: { name: 'Renamed agent', teamIds: [] },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed agent', teamIds: [] });
  });

  it('an invitation or a direct creation with teamIds needs teams:manage; without teams it is the clerk’s to send', async () => {
    const trail = (await kit.audit(t)).length;
    for (const [path, extra] of [
      ['invitations', {}],
      ['users', { password: 'Corr3ctHorseBattery', name: 'Direct person' }],
    ] as const) {
      const email = `door-${unique()}@e2e.test`;
      const res = await api.call('POST', `/v1/tenants/${t.tenantId}/${path}`, {
        token: clerk.token,
        body: { email, role: 'agent', teamIds: [vip], ...extra },
      });
      expect(res.status, `${path} with teamIds: ${JSON.stringify(res.body)}`).toBe(403);
      expect(
        (await api.call('GET', `${kit.users(t)}?q=${encodeURIComponent(email)}`, { token: t.ownerToken })).body.items,
      ).toEqual([]);
    }
    expect((await kit.audit(t)).length, 'a refused invitation left an audit item').toBe(trail);
    const plain = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: clerk.token,
      body: { email: `door-${unique()}@e2e.test`, role: 'agent' },
    });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    // The owner (teams:manage) still puts people in teams on every door.
    const owners = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email: `door-${unique()}@e2e.test`, role: 'agent', teamIds: [vip] },
    });
    expect(owners.status, JSON.stringify(owners.body)).toBe(201);
    expect(owners.body.teamIds).toEqual([vip]);
  });
});

describe('dominance on availability and working hours (DESIGN §2a rule 1)', () => {
  let t: Tenant;
  let manager: Person;
  let agent: Person;
  const hours = { timeZone: 'Europe/Berlin', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }] };

  beforeAll(async () => {
    t = await api.tenantWithOwner('growth', 'rt-dominance');
    manager = await kit.join(t, 'manager', { role: 'manager' });
    agent = await kit.join(t, 'agent');
    const set = await api.call('PUT', `${kit.users(t)}/${t.ownerId}/working-hours`, {
      token: t.ownerToken,
      body: hours,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }, 120_000);

  it("a manager (teams:manage) can neither set the owner away nor change or empty the owner's hours", async () => {
    const untouched = await kit.watch(t, [t.ownerId]);
    const away = await api.call('PUT', `${kit.users(t)}/${t.ownerId}/availability`, {
      token: manager.token,
      body: { availability: 'away' },
    });
    expect(away.status, `a manager set the owner away: ${JSON.stringify(away.body)}`).toBe(403);
    const emptied = await api.call('PUT', `${kit.users(t)}/${t.ownerId}/working-hours`, {
      token: manager.token,
      body: { timeZone: 'UTC', weekly: [] },
    });
    expect(emptied.status, `a manager emptied the owner's hours: ${JSON.stringify(emptied.body)}`).toBe(403);
    const cleared = await api.call('DELETE', `${kit.users(t)}/${t.ownerId}/working-hours`, { token: manager.token });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(403);
    await untouched();
  });

  it('on someone they dominate (an agent) the manager still acts; the owner on the manager too', async () => {
    const away = await api.call('PUT', `${kit.users(t)}/${agent.id}/availability`, {
      token: manager.token,
      body: { availability: 'away' },
    });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    expect(away.body.availability).toBe('away');
    const set = await api.call('PUT', `${kit.users(t)}/${agent.id}/working-hours`, {
      token: manager.token,
      body: hours,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const byOwner = await api.call('PUT', `${kit.users(t)}/${manager.id}/availability`, {
      token: t.ownerToken,
      body: { availability: 'away' },
    });
    expect(byOwner.status, JSON.stringify(byOwner.body)).toBe(200);
    // The inbox backend (platform twin, teams:manage) is no member: it sets anyone's availability, the owner's too.
    const machine = await api.call('PUT', `/v1/platform/tenants/${t.tenantId}/users/${t.ownerId}/availability`, {
      headers: api.platform,
      body: { availability: 'away' },
    });
    expect(machine.status, JSON.stringify(machine.body)).toBe(200);
  });
});

describe('the team boundary: queue, claim and who holds a conversation', () => {
  let t: Tenant;
  let vip: string;
  let insider: Person;
  let outsider: Person;
  let manager: Person;
  const conv = (id: string, tail = 'assignment') => `/v1/tenants/${t.tenantId}/conversations/${id}/${tail}`;

  beforeAll(async () => {
    t = await api.tenantWithOwner('growth', 'rt-boundary');
    vip = await team(t, 'VIP', { assignmentStrategy: 'manual', capacity: 1 });
    insider = await kit.join(t, 'insider');
    outsider = await kit.join(t, 'outsider');
    manager = await kit.join(t, 'manager', { role: 'manager' });
    const joined = await api.call('PUT', `/v1/tenants/${t.tenantId}/teams/${vip}/members/${insider.id}`, {
      token: t.ownerToken,
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    const held = await api.call('PUT', conv('vip-held'), { token: t.ownerToken, body: { assigneeId: insider.id } });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const waiting = await api.call('PUT', conv('vip-wait'), { token: t.ownerToken, body: { teamId: vip } });
    expect(waiting.body).toMatchObject({ status: 'queued', teamId: vip });
  }, 120_000);

  it("an agent in no team cannot read VIP's queue; a member of VIP, a manager and the inbox backend can", async () => {
    const path = `/v1/tenants/${t.tenantId}/teams/${vip}/queue`;
    const peek = await api.call('GET', path, { token: outsider.token });
    expect(peek.status, `an outsider read VIP's queue: ${JSON.stringify(peek.body)}`).toBe(403);
    for (const token of [insider.token, manager.token]) {
      const res = await api.call('GET', path, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.map((i: { conversationId: string }) => i.conversationId)).toEqual(['vip-wait']);
    }
    const machine = await api.call('GET', `/v1/platform/tenants/${t.tenantId}/teams/${vip}/queue`, {
      headers: api.platform,
    });
    expect(machine.status).toBe(200);
  });

  it('who holds a conversation is readable to its holder and to conversations:view, not to any agent', async () => {
    for (const id of ['vip-held', 'vip-wait']) {
      const peek = await api.call('GET', conv(id), { token: outsider.token });
      expect(peek.status, `an outsider read ${id}: ${JSON.stringify(peek.body)}`).toBe(403);
    }
    const own = await api.call('GET', conv('vip-held'), { token: insider.token });
    expect(own.body).toMatchObject({ status: 'assigned', assigneeId: insider.id });
    expect((await api.call('GET', conv('vip-wait'), { token: insider.token })).status).toBe(200);
    expect((await api.call('GET', conv('vip-held'), { token: manager.token })).body.assigneeId).toBe(insider.id);
    const machine = await api.call('GET', `/v1/platform/tenants/${t.tenantId}/conversations/vip-held/assignment`, {
      headers: api.platform,
    });
    expect(machine.body.assigneeId).toBe(insider.id);
    // A person's open conversations: their own, or anyone's with conversations:view.
    const theirs = await api.call('GET', `${kit.users(t)}/${insider.id}/assignments`, { token: outsider.token });
    expect(theirs.status).toBe(403);
    const mine = await api.call('GET', `${kit.users(t)}/${insider.id}/assignments`, { token: insider.token });
    expect(mine.body.items.map((i: { conversationId: string }) => i.conversationId)).toEqual(['vip-held']);
  });

  it("claiming a VIP conversation needs VIP membership and room under VIP's capacity", async () => {
    const untouched = await kit.watch(t, [outsider.id, insider.id]);
    const stolen = await api.call('POST', conv('vip-wait', 'claim'), { token: outsider.token });
    expect(stolen.status, `an outsider claimed a VIP conversation: ${JSON.stringify(stolen.body)}`).toBe(403);
    const full = await api.call('POST', conv('vip-wait', 'claim'), { token: insider.token });
    expect(full.status, `a claim went past VIP's capacity of 1: ${JSON.stringify(full.body)}`).toBe(409);
    await untouched();
    expect((await api.call('GET', conv('vip-wait'), { token: t.ownerToken })).body).toMatchObject({ status: 'queued' });

    // Room again: the insider's claim goes through.
    const resolved = await api.call('POST', conv('vip-held', 'resolve'), { token: insider.token });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(204);
    const claimed = await api.call('POST', conv('vip-wait', 'claim'), { token: insider.token });
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'assigned', assigneeId: insider.id });
    // A conversation in no team is anyone's to claim (conversations:reply).
    const free = await api.call('POST', conv(`free-${unique()}`, 'claim'), { token: outsider.token });
    expect(free.status, JSON.stringify(free.body)).toBe(200);
  });
  it('concurrent claims never go past the capacity: of five claims at once by a member with room for one, one wins', async () => {
    const rush = await team(t, 'Rush', { assignmentStrategy: 'manual', capacity: 1 });
    const racer = await kit.join(t, 'racer');
    const joined = await api.call('PUT', `/v1/tenants/${t.tenantId}/teams/${rush}/members/${racer.id}`, {
      token: t.ownerToken,
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    const ids = Array.from({ length: 5 }, (_, i) => `rush-${i}-${unique()}`);
    for (const id of ids) {
      const queued = await api.call('PUT', conv(id), { token: t.ownerToken, body: { teamId: rush } });
      expect(queued.body.status).toBe('queued');
    }
    const claims = await Promise.all(ids.map((id) => api.call('POST', conv(id, 'claim'), { token: racer.token })));
    expect(claims.map((c) => c.status).sort(), JSON.stringify(claims.map((c) => c.body))).toEqual([
      200, 409, 409, 409, 409,
    ]);
    const held = await api.call('GET', `${kit.users(t)}/${racer.id}/assignments`, { token: racer.token });
    expect(held.body.items).toHaveLength(1);
  });
});

describe('security settings are admins’ alone (DESIGN §2a rule 14)', () => {
  let t: Tenant;
  let settings: Person;
  const base = () => `/v1/tenants/${t.tenantId}`;

  beforeAll(async () => {
    t = await api.tenantWithOwner('growth', 'rt-settings');
    const roleId = await kit.customRole(t, ['settings:view', 'settings:manage', 'users:view']);
    settings = await kit.join(t, 'settings', { role: 'custom', roleId });
    const set = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: 30 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }, 120_000);

  it('a custom role with settings:manage cannot change the auto-suspension period (403), writing nothing', async () => {
    const untouched = await kit.watch(t, []);
    for (const days of [7, 90, null]) {
      const res = await api.call('PATCH', base(), { token: settings.token, body: { autoSuspendInactiveDays: days } });
      expect(res.status, `settings:manage set autoSuspendInactiveDays ${days}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    // The weapon itself (1 day) is no period at all, whoever sends it.
    const weapon = await api.call('PATCH', base(), { token: settings.token, body: { autoSuspendInactiveDays: 1 } });
    expect(weapon.status, JSON.stringify(weapon.body)).toBe(400);
    await untouched();
    expect((await api.call('GET', base(), { token: t.ownerToken })).body.autoSuspendInactiveDays).toBe(30);
    // Renaming the tenant stays settings:manage's (and sending the period unchanged, as a form does, is no change).
    const renamed = await api.call('PATCH', base(), {
      token: settings.token,
      body: { name: 'Renamed Co', autoSuspendInactiveDays: 30 },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed Co', autoSuspendInactiveDays: 30 });
  });

  it('the period has a minimum of 7 days (400 naming it); an admin sets it, audited', async () => {
    for (const days of [1, 6]) {
      const res = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: days } });
      expect(res.status, `autoSuspendInactiveDays ${days}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.autoSuspendInactiveDays' })]);
      expect(res.body.errors[0].message).toContain('7');
    }
    const set = await api.call('PATCH', base(), { token: t.ownerToken, body: { autoSuspendInactiveDays: 7 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const [item] = await kit.auditOf(t, 'tenant.updated', t.tenantId);
    expect(item).toMatchObject({
      actor: { type: 'user', id: t.ownerId },
      before: { autoSuspendInactiveDays: 30 },
      after: { autoSuspendInactiveDays: 7 },
    });
  });
});

describe('names that look the same are the same name (NFKC, case-folded)', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await api.tenantWithOwner('growth', 'rt-names');
  }, 120_000);

  it('team names: Support, ｓｕｐｐｏｒｔ, SUPPORT, Sup\u00adport and Support\u200b all claim one name', async () => {
    await team(t, 'Support');
    for (const name of ['ｓｕｐｐｏｒｔ', 'SUPPORT', 'Sup\u00adport', 'Support\u200b', ' support ']) {
      const res = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, { token: t.ownerToken, body: { name } });
      expect(res.status, `team ${JSON.stringify(name)}: ${JSON.stringify(res.body)}`).toBe(409);
    }
    const teams = await api.call('GET', `/v1/tenants/${t.tenantId}/teams`, { token: t.ownerToken });
    expect(teams.body.items.map((x: { name: string }) => x.name)).toEqual(['Support']);
    // A rename onto a look-alike is the same conflict.
    const other = await team(t, 'Billing');
    const rename = await api.call('PATCH', `/v1/tenants/${t.tenantId}/teams/${other}`, {
      token: t.ownerToken,
      body: { name: 'ＳＵＰＰＯＲＴ' },
    });
    expect(rename.status, JSON.stringify(rename.body)).toBe(409);
  });

  it('custom role names too: Straße and STRASSE, Ａｕｄｉｔｏｒ and auditor', async () => {
    for (const [first, twin] of [
      ['Straße', 'STRASSE'],
      ['Ａｕｄｉｔｏｒ', 'auditor'],
    ]) {
      const a = await api.call('POST', `/v1/tenants/${t.tenantId}/roles`, {
        token: t.ownerToken,
        body: { name: first, permissions: ['users:view'] },
      });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const b = await api.call('POST', `/v1/tenants/${t.tenantId}/roles`, {
        token: t.ownerToken,
        body: { name: twin, permissions: ['users:view'] },
      });
      expect(b.status, `role ${twin} beside ${first}: ${JSON.stringify(b.body)}`).toBe(409);
    }
  });
});
