/**
 * SCIM's rules and attacks over HTTP (DESIGN §1 "Directory provisioning",
 * §2a rules 3, 11, 12, 14, §6a): tokens (admins only, two at most, shown
 * once, revocation on the next request whatever the authorizer cached, a
 * tampered token or one on /v1 refused), tenant isolation, uniqueness by the
 * right attributes, seats, deprovisioning that sticks and can be undone, the
 * owner protected, what the directory wrote is the directory's, concurrent
 * group PATCHes, role mappings, and the audit actor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/http.ts';
import { PASSWORD, unique } from '../client.ts';
import { GROUP, PATCH, type ScimTenant, scimKit, USER } from './kit.ts';

let gw: TestGateway;
let kit: ReturnType<typeof scimKit>;
let a: ScimTenant;
let b: ScimTenant;

beforeAll(async () => {
  gw = await startTestGateway();
  kit = scimKit(gw);
  [a, b] = await Promise.all([kit.tenant('scimrulesa'), kit.tenant('scimrulesb')]);
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

const ok = (res: { status: number; body: unknown }, status = 200) =>
  expect(res.status, JSON.stringify(res.body)).toBe(status);
const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Pat', familyName: 'Doe' },
  emails: [{ value: userName, type: 'work', primary: true }],
  ...extra,
});
const active = (value: unknown) => ({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value }] });

async function provisioned(t: ScimTenant, label: string) {
  const email = `${label}-${unique()}@dir.test`;
  const res = await kit.scim('POST', '/Users', t.scimToken, user(email));
  ok(res, 201);
  return { id: res.body.id as string, email };
}

/** A member invited by the owner with `role` (and roleId), signed in: their token. */
async function person(t: ScimTenant, role: string, roleId?: string): Promise<string> {
  const email = `${role}-${unique()}@people.test`;
  const invited = await kit.api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
    token: t.ownerToken,
    body: { email, role, ...(roleId ? { roleId } : {}) },
  });
  ok(invited, 201);
  return kit.api.acceptAndLogin(email, `${role} person`, PASSWORD);
}

describe('SCIM tokens (rule 12, rule 14)', () => {
  it('only an admin creates, lists or revokes tokens or mappings: agent, manager and a custom role with every permission are refused', async () => {
    const all = await kit.api.call('GET', '/v1/permissions', { token: a.ownerToken });
    const permissions = all.body.resources.flatMap((r: { resource: string; actions: { action: string }[] }) =>
      r.actions.map((x) => `${r.resource}:${x.action}`),
    );
    const role = await kit.api.call('POST', `/v1/tenants/${a.tenantId}/roles`, {
      token: a.ownerToken,
      body: { name: `Almost admin ${unique()}`, permissions },
    });
    ok(role, 201);
    const callers = [await person(a, 'agent'), await person(a, 'manager'), await person(a, 'custom', role.body.id)];
    for (const token of callers) {
      const base = `/v1/tenants/${a.tenantId}/scim`;
      expect((await kit.api.call('POST', `${base}/tokens`, { token, body: {} })).status).toBe(403);
      expect((await kit.api.call('GET', `${base}/tokens`, { token })).status).toBe(403);
      expect((await kit.api.call('DELETE', `${base}/tokens/${a.tokenId}`, { token })).status).toBe(403);
      expect((await kit.api.call('PUT', `${base}/role-mappings`, { token, body: [] })).status).toBe(403);
      expect((await kit.api.call('GET', `${base}/role-mappings`, { token })).status).toBe(403);
    }
    // Nothing was written: still the one token.
    const list = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/scim/tokens`, { token: a.ownerToken });
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([a.tokenId]);
  });

  it('at most two live tokens; the token is shown once; created and revoked are audited', async () => {
    const base = `/v1/tenants/${b.tenantId}/scim/tokens`;
    const second = await kit.api.call('POST', base, { token: b.ownerToken, body: { name: 'rotation' } });
    ok(second, 201);
    expect(second.body.token).toMatch(/^rsc_/);
    expect(second.body.baseUrl).toMatch(/\/scim\/v2$/);
    const third = await kit.api.call('POST', base, { token: b.ownerToken, body: {} });
    ok(third, 409);
    const list = await kit.api.call('GET', base, { token: b.ownerToken });
    expect(list.body.items).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(second.body.token);
    ok(await kit.api.call('DELETE', `${base}/${second.body.id}`, { token: b.ownerToken }), 204);
    const audit = await kit.api.call('GET', `/v1/tenants/${b.tenantId}/audit-events?targetId=${second.body.id}`, {
      token: b.ownerToken,
    });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'scimToken.created',
      'scimToken.revoked',
    ]);
  });

  it('a revoked token is refused on its very next request, though the authorizer cached it (401)', async () => {
    const made = await kit.api.call('POST', `/v1/tenants/${b.tenantId}/scim/tokens`, { token: b.ownerToken, body: {} });
    ok(made, 201);
    ok(await kit.scim('GET', '/Users?count=1', made.body.token));
    ok(
      await kit.api.call('DELETE', `/v1/tenants/${b.tenantId}/scim/tokens/${made.body.id}`, { token: b.ownerToken }),
      204,
    );
    const after = await kit.scim('GET', '/Users?count=1', made.body.token);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
  });

  it('a tampered, foreign or missing token never reaches the function; a SCIM token on /v1 is refused', async () => {
    const secretFlipped = `${a.scimToken.slice(0, -1)}${a.scimToken.endsWith('A') ? 'B' : 'A'}`;
    const otherTenant = a.scimToken.replace(`rsc_${a.tenantId}.`, `rsc_${b.tenantId}.`);
    for (const token of [secretFlipped, otherTenant, 'rsc_garbage', 'not-a-token']) {
      const res = await kit.scim('GET', '/Users', token);
      expect(res.status, token).toBe(401); // API Gateway's answer when the authorizer throws `Unauthorized`
    }
    const none = await kit.api.call('GET', '/scim/v2/Users');
    expect(none.status).toBe(401);
    const v1 = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/users`, { token: a.scimToken });
    expect(v1.status).toBe(401);
  });
});

describe('tenant isolation', () => {
  it("tenant A's token never sees or touches tenant B's members or groups", async () => {
    const theirs = await provisioned(b, 'b-only');
    const group = await kit.scim('POST', '/Groups', b.scimToken, { schemas: [GROUP], displayName: `B ${unique()}` });
    ok(group, 201);
    const list = await kit.scim('GET', '/Users?count=200', a.scimToken);
    expect(list.body.Resources.map((r: { id: string }) => r.id)).not.toContain(theirs.id);
    const filtered = await kit.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${theirs.email}"`)}`,
      a.scimToken,
    );
    expect(filtered.body.totalResults).toBe(0);
    for (const [method, body] of [
      ['GET'],
      ['PATCH', active(false)],
      ['PUT', user(theirs.email)],
      ['DELETE'],
    ] as const) {
      ok(await kit.scim(method, `/Users/${theirs.id}`, a.scimToken, body), 404);
      ok(await kit.scim(method, `/Groups/${group.body.id}`, a.scimToken, body), 404);
    }
    const still = await kit.scim('GET', `/Users/${theirs.id}`, b.scimToken);
    expect(still.body.active).toBe(true);
    // A's token adding B's member to A's group: not a member of A.
    const mine = await kit.scim('POST', '/Groups', a.scimToken, { schemas: [GROUP], displayName: `A ${unique()}` });
    const cross = await kit.scim('PATCH', `/Groups/${mine.body.id}`, a.scimToken, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: theirs.id }] }],
    });
    ok(cross, 400);
  });
});

describe('users', () => {
  it('uniqueness: userName case-insensitively and the email are unique (409 uniqueness); externalId is not', async () => {
    const first = await provisioned(a, 'uniq');
    const sameName = await kit.scim('POST', '/Users', a.scimToken, user(first.email.toUpperCase()));
    ok(sameName, 409);
    expect(sameName.body.scimType).toBe('uniqueness');
    const sameEmail = await kit.scim('POST', '/Users', a.scimToken, {
      ...user(`other-${unique()}`),
      emails: [{ value: first.email, primary: true }],
    });
    ok(sameEmail, 409);
    expect(sameEmail.body.scimType).toBe('uniqueness');
    const ext = `ext-${unique()}`;
    ok(await kit.scim('POST', '/Users', a.scimToken, user(`e1-${unique()}@dir.test`, { externalId: ext })), 201);
    ok(await kit.scim('POST', '/Users', a.scimToken, user(`e2-${unique()}@dir.test`, { externalId: ext })), 201);
    const noAddress = await kit.scim('POST', '/Users', a.scimToken, { schemas: [USER], userName: 'no-address' });
    ok(noAddress, 400);
    expect(noAddress.body.scimType).toBe('invalidValue');
  });

  it('seats: a create beyond the limit is 409 with the usage; deactivation frees a seat, reactivation needs one', async () => {
    const s = await kit.tenant('scimseats', 'starter'); // 3 seats, the owner holds one
    const one = await provisioned(s, 'seat1');
    await provisioned(s, 'seat2');
    const full = await kit.scim('POST', '/Users', s.scimToken, user(`seat3-${unique()}@dir.test`));
    ok(full, 409);
    expect(full.body.detail).toContain('3 of 3');
    ok(await kit.scim('PATCH', `/Users/${one.id}`, s.scimToken, active(false)));
    const third = await provisioned(s, 'seat3');
    const back = await kit.scim('PATCH', `/Users/${one.id}`, s.scimToken, active(true));
    ok(back, 409);
    expect(back.body.detail).toContain('3 of 3');
    ok(await kit.scim('DELETE', `/Users/${third.id}`, s.scimToken), 204);
    ok(await kit.scim('PATCH', `/Users/${one.id}`, s.scimToken, active(true)));
    const tenant = await kit.api.call('GET', `/v1/tenants/${s.tenantId}`, { token: s.ownerToken });
    expect(tenant.body.seats).toMatchObject({ used: 3, limit: 3 });
  });

  it('deprovisioning sticks (the old session is refused next request) and can be undone (a new sign-in works)', async () => {
    const { id, email } = await provisioned(a, 'leaver');
    const session = await kit.api.acceptAndLogin(email, 'Leaver', PASSWORD);
    const me = () => kit.api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: session });
    ok(await me());
    ok(await kit.scim('PATCH', `/Users/${id}`, a.scimToken, active('False')));
    expect((await me()).status).toBe(403);
    ok(await kit.scim('PATCH', `/Users/${id}`, a.scimToken, active('True')));
    const stale = await me();
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('session-revoked');
    const fresh = await kit.api.login(email, PASSWORD);
    ok(await kit.api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: fresh }));
    // Deleted: the session is gone with the membership.
    ok(await kit.scim('DELETE', `/Users/${id}`, a.scimToken), 204);
    expect((await kit.api.call('GET', `/v1/tenants/${a.tenantId}/me`, { token: fresh })).status).toBe(401);
    ok(await kit.scim('GET', `/Users/${id}`, a.scimToken), 404);
  });

  it('the owner cannot be deactivated or deleted through SCIM (409); the owner is listed for matching', async () => {
    const owner = await kit.scim('GET', `/Users/${a.ownerId}`, a.scimToken);
    ok(owner);
    const found = await kit.scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${owner.body.userName}"`)}`,
      a.scimToken,
    );
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([a.ownerId]);
    ok(await kit.scim('PATCH', `/Users/${a.ownerId}`, a.scimToken, active(false)), 409);
    ok(await kit.scim('DELETE', `/Users/${a.ownerId}`, a.scimToken), 409);
    expect((await kit.scim('GET', `/Users/${a.ownerId}`, a.scimToken)).body.active).toBe(true);
  });

  it('rule 3: an address with a login elsewhere is invited, its login untouched (its password still signs in)', async () => {
    const outsider = `outsider-${unique()}@people.test`;
    const invited = await kit.api.call('POST', `/v1/tenants/${b.tenantId}/invitations`, {
      token: b.ownerToken,
      body: { email: outsider, role: 'agent' },
    });
    ok(invited, 201);
    await kit.api.acceptAndLogin(outsider, 'Outsider', PASSWORD);
    const created = await kit.scim('POST', '/Users', a.scimToken, { ...user(outsider), password: 'Idp-Chosen-Pass1' });
    ok(created, 201);
    const member = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/users/${created.body.id}`, {
      token: a.ownerToken,
    });
    expect(member.body.status).toBe('invited');
    expect(await kit.api.login(outsider, PASSWORD)).toBeTruthy();
    const idpPassword = await kit.api.call('POST', '/v1/auth/login', {
      body: { email: outsider, password: 'Idp-Chosen-Pass1' },
    });
    expect(idpPassword.status).toBe(401);
  });

  it("what the directory wrote is the directory's: a person's edits are 409 managed-by-directory; the audit names the token", async () => {
    const { id } = await provisioned(a, 'managed');
    const base = `/v1/tenants/${a.tenantId}/users/${id}`;
    const rename = await kit.api.call('PATCH', base, { token: a.ownerToken, body: { name: 'Someone Else' } });
    ok(rename, 409);
    expect(rename.body.code).toBe('managed-by-directory');
    ok(await kit.api.call('PATCH', base, { token: a.ownerToken, body: { role: 'manager' } }), 409);
    ok(await kit.api.call('DELETE', base, { token: a.ownerToken }), 409);
    const team = await kit.api.call('POST', `/v1/tenants/${a.tenantId}/teams`, {
      token: a.ownerToken,
      body: { name: `T ${unique()}` },
    });
    ok(
      await kit.api.call('PUT', `/v1/tenants/${a.tenantId}/teams/${team.body.id}/members/${id}`, {
        token: a.ownerToken,
      }),
      409,
    );
    const audit = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/audit-events?targetId=${id}`, {
      token: a.ownerToken,
    });
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'member.invited',
      actor: { type: 'scim', id: a.tokenId, name: 'scimrulesa IdP' },
    });
  });

  it('filters: junk is 400 invalidFilter; and/or/parentheses; startIndex and count page', async () => {
    const bad = await kit.scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`, a.scimToken);
    ok(bad, 400);
    expect(bad.body.scimType).toBe('invalidFilter');
    const tag = unique();
    const made = [];
    for (const n of [1, 2, 3]) made.push(await provisioned(a, `page${n}-${tag}`));
    const filter = encodeURIComponent(
      `(userName sw "page1-${tag}" or userName sw "page2-${tag}") or (emails.value co "page3-${tag}" and active eq true)`,
    );
    const all = await kit.scim('GET', `/Users?filter=${filter}`, a.scimToken);
    expect(all.body.totalResults).toBe(3);
    const second = await kit.scim('GET', `/Users?filter=${filter}&startIndex=2&count=1`, a.scimToken);
    expect(second.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(second.body.Resources[0].id).toBe(all.body.Resources[1].id);
    ok(await kit.scim('GET', '/Users?startIndex=x', a.scimToken), 400);
  });

  it('discovery: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const spc = await kit.scim('GET', '/ServiceProviderConfig', a.scimToken);
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      bulk: { supported: false },
    });
    const types = await kit.scim('GET', '/ResourceTypes', a.scimToken);
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const schemas = await kit.scim('GET', '/Schemas', a.scimToken);
    expect(schemas.body.totalResults).toBe(3);
  });
});

describe('groups', () => {
  it('concurrent PATCHes on one group never wipe each other’s members', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => provisioned(a, `race${i}`)));
    const group = await kit.scim('POST', '/Groups', a.scimToken, {
      schemas: [GROUP],
      displayName: `Race ${unique()}`,
      members: people.slice(0, 4).map((p) => ({ value: p.id })),
    });
    ok(group, 201);
    const gid = group.body.id as string;
    // Four adds and four removes at once, each its own PATCH (as an IdP's workers send them).
    const results = await Promise.all([
      ...people.slice(4).map((p) =>
        kit.scim('PATCH', `/Groups/${gid}`, a.scimToken, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: [{ value: p.id }] }],
        }),
      ),
      ...people.slice(0, 2).map((p) =>
        kit.scim('PATCH', `/Groups/${gid}`, a.scimToken, {
          schemas: [PATCH],
          Operations: [{ op: 'remove', path: `members[value eq "${p.id}"]` }],
        }),
      ),
    ]);
    for (const r of results) ok(r);
    const members = await kit.scim('GET', `/Groups/${gid}`, a.scimToken);
    expect(members.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      people
        .slice(2)
        .map((p) => p.id)
        .sort(),
    );
    const team = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/teams/${gid}`, { token: a.ownerToken });
    expect(team.body.memberCount).toBe(6);
    // Deleting the group removes its memberships, not the people.
    ok(await kit.scim('DELETE', `/Groups/${gid}`, a.scimToken), 204);
    for (const p of people) expect((await kit.scim('GET', `/Users/${p.id}`, a.scimToken)).body.groups).toEqual([]);
  });

  it('role mappings: ordered, first match wins, a member’s role follows their groups', async () => {
    const leads = await kit.scim('POST', '/Groups', a.scimToken, {
      schemas: [GROUP],
      displayName: `Leads ${unique()}`,
    });
    const staff = await kit.scim('POST', '/Groups', a.scimToken, {
      schemas: [GROUP],
      displayName: `Staff ${unique()}`,
    });
    const mappings = [
      { group: leads.body.displayName.toUpperCase(), role: 'manager' },
      { group: staff.body.id, role: 'agent' },
    ];
    ok(
      await kit.api.call('PUT', `/v1/tenants/${a.tenantId}/scim/role-mappings`, {
        token: a.ownerToken,
        body: mappings,
      }),
    );
    const read = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/scim/role-mappings`, { token: a.ownerToken });
    expect(read.body).toEqual(mappings);
    const { id } = await provisioned(a, 'mapped');
    const role = async () =>
      (await kit.api.call('GET', `/v1/tenants/${a.tenantId}/users/${id}`, { token: a.ownerToken })).body.role;
    const members = (op: string, gid: string) =>
      kit.scim('PATCH', `/Groups/${gid}`, a.scimToken, {
        schemas: [PATCH],
        Operations: [
          op === 'add' ? { op, path: 'members', value: [{ value: id }] } : { op, path: `members[value eq "${id}"]` },
        ],
      });
    ok(await members('add', staff.body.id));
    expect(await role()).toBe('agent');
    ok(await members('add', leads.body.id));
    expect(await role()).toBe('manager');
    ok(await members('remove', leads.body.id));
    expect(await role()).toBe('agent');
    const audit = await kit.api.call('GET', `/v1/tenants/${a.tenantId}/audit-events?action=scimRoleMappings.updated`, {
      token: a.ownerToken,
    });
    expect(audit.body.items).toHaveLength(1);
    ok(await kit.api.call('PUT', `/v1/tenants/${a.tenantId}/scim/role-mappings`, { token: a.ownerToken, body: [] }));
  });
});
