/**
 * Auto-join over HTTP (DESIGN §1 "Enterprise sign-in", §2a rules 3, 13, 14):
 * people whose *proven* address is in a tenant's verified domain join on
 * their own (automatic, seat permitting) or ask to (request, approved by
 * someone with users:create). The attacks: an address an admin typed (not
 * proven), gmail.com and other domains, an unverified domain, a domain
 * flagged past its grace period, a manager or custom role changing the
 * setting, a deactivated member coming back, another tenant's reach — each
 * refused with nothing written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDomain } from '../../lib/app/domains.ts';
import { getDomain } from '../../lib/store/domains.ts';
import { PASSWORD, unique } from './client.ts';
import { identitySuite, type Person, type Tenant } from './identity-kit.ts';

const { api, kit } = identitySuite();

let a: Tenant; // verifies its domain and offers auto-join
let z: Tenant; // where the people first got their logins (by invitation: their addresses are proven)
let b: Tenant; // adds the same kind of domain but never verifies it
let domain: string;
let bDomain: string;
let manager: Person;
let settingsRole: Person;
let agent: Person;

const tenantPath = (t: { tenantId: string }) => `/v1/tenants/${t.tenantId}`;
const setAutoJoin = (t: Tenant, autoJoin: unknown, token = t.ownerToken) =>
  api.call('PATCH', tenantPath(t), { token, body: { autoJoin } });
const joinable = (token: string) => api.call('GET', '/v1/me/joinable-tenants', { token });
const join = (t: { tenantId: string }, token: string, body: unknown = {}) =>
  api.call('POST', `/v1/me/joinable-tenants/${t.tenantId}/join`, { token, body });
const memberships = async (token: string) =>
  (await api.call('GET', '/v1/me', { token })).body.memberships.map((m: { tenant: { id: string } }) => m.tenant.id);

/** A login made by an invitation of tenant `t` to `email`, accepted: the address is proven. */
async function provenPerson(t: Tenant, email: string): Promise<Person> {
  const invited = await kit.invite(t, email, { name: `Person ${email.split('@')[0]}` });
  const token = await api.acceptAndLogin(email, `Person ${email.split('@')[0]}`, PASSWORD);
  return { id: invited.id, email, password: PASSWORD, token };
}

async function verified(t: Tenant, name: string) {
  const added = await api.call('POST', `${tenantPath(t)}/domains`, { token: t.ownerToken, body: { domain: name } });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  const { name: record, value } = added.body.verification;
  expect((await api.call('POST', '/local/dns', { body: { name: record, type: 'TXT', value } })).status).toBe(201);
  const done = await api.call('POST', `${tenantPath(t)}/domains/${name}/verify`, { token: t.ownerToken });
  expect(done.body.status).toBe('verified');
}

beforeAll(async () => {
  [a, z, b] = await Promise.all([
    api.tenantWithOwner('scale', 'aj-a'),
    api.tenantWithOwner('enterprise', 'aj-z'),
    api.tenantWithOwner('scale', 'aj-b'),
  ]);
  domain = `acme-${unique()}.com`;
  bDomain = `beta-${unique()}.co.uk`;
  await verified(a, domain);
  expect(
    (await api.call('POST', `${tenantPath(b)}/domains`, { token: b.ownerToken, body: { domain: bDomain } })).status,
  ).toBe(201);
  const roleId = await kit.customRole(a, ['settings:view', 'settings:manage', 'users:view', 'users:create']);
  [manager, settingsRole, agent] = await Promise.all([
    kit.join(a, 'aj-manager', { role: 'manager' }),
    kit.join(a, 'aj-settings', { role: 'custom', roleId }),
    kit.join(a, 'aj-agent', { role: 'agent' }),
  ]);
});

describe('the setting', () => {
  it('is off by default; only an admin changes it (a manager or a custom role with settings:manage is refused)', async () => {
    const tenant = await api.call('GET', tenantPath(a), { token: a.ownerToken });
    expect(tenant.body.autoJoin).toEqual({ mode: 'off', defaultRole: 'agent' });
    for (const person of [manager, settingsRole]) {
      const res = await setAutoJoin(a, { mode: 'automatic' }, person.token);
      expect(res.status, person.email).toBe(403);
    }
    // Sending it unchanged (as a settings form does) is no change.
    expect((await setAutoJoin(a, { mode: 'off' }, settingsRole.token)).status).toBe(200);
    expect((await api.call('GET', tenantPath(a), { token: a.ownerToken })).body.autoJoin.mode).toBe('off');
    expect((await kit.audit(a)).filter((e) => e.action === 'tenant.updated')).toEqual([]);
  });

  it('never makes admins, and a custom default role must be the tenant’s own', async () => {
    for (const autoJoin of [
      { mode: 'automatic', defaultRole: 'admin' },
      { mode: 'automatic', defaultRole: 'custom' },
      { mode: 'automatic', defaultRole: 'custom', roleId: 'nosuchrole' },
      { mode: 'sometimes' },
      {},
    ]) {
      const res = await setAutoJoin(a, autoJoin);
      expect(res.status, JSON.stringify(autoJoin)).toBe(400);
    }
    expect((await api.call('GET', tenantPath(a), { token: a.ownerToken })).body.autoJoin.mode).toBe('off');
  });
});

describe('who may join', () => {
  let pat: Person;
  let typed: { email: string; token: string };
  let gmail: Person;
  let other: Person;
  let beta: Person;

  beforeAll(async () => {
    [pat, gmail, other, beta] = await Promise.all([
      provenPerson(z, `pat-${unique()}@${domain}`),
      provenPerson(z, `pat-${unique()}@gmail.com`),
      provenPerson(z, `pat-${unique()}@other-${unique()}.com`),
      provenPerson(z, `pat-${unique()}@${bDomain}`),
    ]);
    // Tenant Z's admin types an address in A's domain and sets its password: nobody proved that address.
    const email = `typed-${unique()}@${domain}`;
    const created = await api.call('POST', `${tenantPath(z)}/users`, {
      token: z.ownerToken,
      body: { email, name: 'Typed In', role: 'agent', password: PASSWORD, temporaryPassword: false },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    typed = { email, token: await api.login(email, PASSWORD) };
    const set = await setAutoJoin(a, { mode: 'request', defaultRole: 'agent' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.autoJoin).toEqual({ mode: 'request', defaultRole: 'agent' });
    // B offers automatic joining too, on a domain it never verified.
    expect((await setAutoJoin(b, { mode: 'automatic' })).status).toBe(200);
  });

  it('lists the one organisation for a proven address in its verified domain, and nothing for anyone else', async () => {
    expect((await joinable(pat.token)).body.items).toEqual([
      { tenant: { id: a.tenantId, name: 'aj-a Co' }, domain, mode: 'request', requested: false },
    ]);
    for (const person of [typed, gmail, other, beta]) expect((await joinable(person.token)).body.items).toEqual([]);
  });

  it('refuses an address an admin typed, gmail.com, another domain, and an unverified domain — nothing written', async () => {
    const before = (await kit.audit(a)).length;
    for (const person of [typed, gmail, other, beta]) {
      const res = await join(a, person.token);
      expect(res.status, person.email).toBe(409);
      expect(res.body.code).toBe('domain-unverified');
    }
    // B's domain is not verified: its automatic mode enables nothing.
    const unverified = await join(b, beta.token);
    expect(unverified.status).toBe(409);
    expect(unverified.body.code).toBe('domain-unverified');
    // A tenant that does not exist answers the same.
    expect((await join({ tenantId: `nope-${unique()}` }, pat.token)).body.code).toBe('domain-unverified');
    expect((await kit.audit(a)).length).toBe(before);
    expect(await memberships(typed.token)).toEqual([z.tenantId]);
    expect(await memberships(beta.token)).toEqual([z.tenantId]);
  });

  it('request: a proven person asks once; users:create sees and approves; they join with the default role', async () => {
    const asked = await join(a, pat.token, { name: 'Pat Acme' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toEqual({ tenant: { id: a.tenantId, name: 'aj-a Co' }, status: 'requested' });
    expect((await join(a, pat.token)).status).toBe(409);
    expect((await joinable(pat.token)).body.items[0].requested).toBe(true);
    expect(await memberships(pat.token)).toEqual([z.tenantId]);
    // An agent (no users:create) cannot see or answer requests; another tenant's owner cannot reach them.
    expect((await api.call('GET', `${tenantPath(a)}/join-requests`, { token: agent.token })).status).toBe(403);
    expect(
      (await api.call('POST', `${tenantPath(a)}/join-requests/${pat.id}/approve`, { token: agent.token })).status,
    ).toBe(403);
    expect((await api.call('GET', `${tenantPath(a)}/join-requests`, { token: b.ownerToken })).status).toBe(404);
    expect(
      (await api.call('POST', `${tenantPath(b)}/join-requests/${pat.id}/approve`, { token: b.ownerToken })).status,
    ).toBe(404);
    const listed = await api.call('GET', `${tenantPath(a)}/join-requests`, { token: a.ownerToken });
    expect(listed.body.items).toEqual([
      { id: pat.id, email: pat.email, name: 'Pat Acme', domain, requestedAt: expect.any(String) },
    ]);
    const approved = await api.call('POST', `${tenantPath(a)}/join-requests/${pat.id}/approve`, {
      token: a.ownerToken,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ id: pat.id, role: 'agent', status: 'active' });
    expect((await memberships(pat.token)).sort()).toEqual([a.tenantId, z.tenantId].sort());
    expect((await api.call('GET', `${tenantPath(a)}/join-requests`, { token: a.ownerToken })).body.items).toEqual([]);
    const actions = (await kit.audit(a)).filter((e) => e.target.id === pat.id).map((e) => e.action);
    expect(actions).toEqual(['member.joined', 'member.join_requested']);
    // DESIGN §2a rule 7: the tenant the login already belonged to sees it join another.
    expect((await kit.audit(z)).some((e) => e.action === 'identity.linked' && e.target.id === pat.id)).toBe(true);
    // In now: nothing more to join.
    expect((await joinable(pat.token)).body.items).toEqual([]);
    expect((await join(a, pat.token)).status).toBe(409);
  });

  it('deny removes the request, and the person may ask again', async () => {
    const sam = await provenPerson(z, `sam-${unique()}@${domain}`);
    expect((await join(a, sam.token)).status).toBe(201);
    const denied = await api.call('POST', `${tenantPath(a)}/join-requests/${sam.id}/deny`, {
      token: settingsRole.token,
    });
    expect(denied.status).toBe(204);
    expect(await memberships(sam.token)).toEqual([z.tenantId]);
    expect((await kit.audit(a)).some((e) => e.action === 'member.join_denied' && e.target.id === sam.id)).toBe(true);
    expect((await join(a, sam.token)).status).toBe(201);
  });

  it('automatic: a proven person joins at once, seat permitting (else 409 seat-limit-reached, nothing written)', async () => {
    expect((await setAutoJoin(a, { mode: 'automatic', defaultRole: 'manager' })).status).toBe(200);
    const quinn = await provenPerson(z, `quinn-${unique()}@${domain}`);
    const joined = await join(a, quinn.token);
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body).toMatchObject({ status: 'active', role: 'manager' });
    expect(await memberships(quinn.token)).toContain(a.tenantId);
    // Full: the next person is refused.
    const used = (await api.call('GET', tenantPath(a), { token: a.ownerToken })).body.seats.used;
    const full = await api.call('PATCH', `/v1/platform/tenants/${a.tenantId}`, {
      headers: api.platform,
      body: { seatLimit: used },
    });
    expect(full.status).toBe(200);
    const rae = await provenPerson(z, `rae-${unique()}@${domain}`);
    const refused = await join(a, rae.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('seat-limit-reached');
    expect(await memberships(rae.token)).toEqual([z.tenantId]);
    await api.call('PATCH', `/v1/platform/tenants/${a.tenantId}`, { headers: api.platform, body: { seatLimit: null } });
  });

  it('a deactivated member cannot come back through auto-join', async () => {
    const quitter = await provenPerson(z, `quit-${unique()}@${domain}`);
    expect((await join(a, quitter.token)).status).toBe(201);
    const off = await api.call('POST', `${tenantPath(a)}/users/${quitter.id}/deactivate`, { token: a.ownerToken });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await joinable(quitter.token)).body.items).toEqual([]);
    const back = await join(a, quitter.token);
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('conflict');
    expect((await kit.read(a, quitter.id)).body.status).toBe('deactivated');
  });

  it('a domain flagged past its grace period stops auto-join (and approvals)', async () => {
    expect((await setAutoJoin(a, { mode: 'request' })).status).toBe(200);
    const late = await provenPerson(z, `late-${unique()}@${domain}`);
    expect((await join(a, late.token)).status).toBe(201);
    expect((await setAutoJoin(a, { mode: 'automatic' })).status).toBe(200);
    // The record is taken down; the re-check ran eight days ago (its 7-day grace period is over).
    await api.call('DELETE', '/local/dns', { body: { name: `_roster-challenge.${domain}` } });
    const current = await getDomain(a.tenantId, domain);
    if (!current) throw new Error('domain gone');
    const flagged = await checkDomain(current, { type: 'system', id: 'test' }, new Date(Date.now() - 8 * 86_400_000));
    expect(Date.parse(flagged.graceEndsAt as string)).toBeLessThan(Date.now());
    const view = (await api.call('GET', `${tenantPath(a)}/domains`, { token: a.ownerToken })).body.items[0];
    expect(view).toMatchObject({ status: 'verified', enablesSignIn: false, flaggedAt: expect.any(String) });
    const newcomer = await provenPerson(z, `new-${unique()}@${domain}`);
    expect((await joinable(newcomer.token)).body.items).toEqual([]);
    const refused = await join(a, newcomer.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('domain-unverified');
    const approve = await api.call('POST', `${tenantPath(a)}/join-requests/${late.id}/approve`, {
      token: a.ownerToken,
    });
    expect(approve.status).toBe(409);
    expect(approve.body.code).toBe('domain-unverified');
    expect(await memberships(newcomer.token)).toEqual([z.tenantId]);
    expect(await memberships(late.token)).toEqual([z.tenantId]);
  });
});
