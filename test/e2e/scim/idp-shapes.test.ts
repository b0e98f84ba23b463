/**
 * Okta's and Entra's published SCIM request shapes (test/fixtures/scim/idp-shapes.ts)
 * against the local gateway: every quirk does what the IdP means — a string
 * "False" deactivates, a path-less {active: false} deactivates, dotted and
 * URN keys land, a filtered or value-array member removal REALLY removes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entra, fill, okta } from '../../fixtures/scim/idp-shapes.ts';
import { startTestGateway, type TestGateway } from '../../support/http.ts';
import { unique } from '../client.ts';
import { ENTERPRISE, type ScimTenant, scimKit } from './kit.ts';

let gw: TestGateway;
let kit: ReturnType<typeof scimKit>;
let t: ScimTenant;

beforeAll(async () => {
  gw = await startTestGateway();
  kit = scimKit(gw);
  t = await kit.tenant('scimidp');
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

const ok = (res: { status: number; body: unknown }, status = 200) =>
  expect(res.status, JSON.stringify(res.body)).toBe(status);

async function groupMembers(id: string): Promise<string[]> {
  const res = await kit.scim('GET', `/Groups/${id}`, t.scimToken);
  ok(res);
  return (res.body.members ?? []).map((m: { value: string }) => m.value).sort();
}

describe('Okta', () => {
  it('looks up, creates (ignoring its password), deactivates and reactivates with path-less replaces, PUTs', async () => {
    const email = `okta-${unique()}@okta.test`;
    const values = { userName: email, email };
    const before = await kit.scim('GET', fill(okta.lookup, { userName: encodeURIComponent(email) }), t.scimToken);
    ok(before);
    expect(before.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await kit.scim('POST', '/Users', t.scimToken, fill(okta.create, values));
    ok(created, 201);
    expect(created.body).toMatchObject({ userName: email, active: true, externalId: '00ujl29u0le5T6Aj10h7' });
    expect(JSON.stringify(created.body)).not.toContain('1mz050nq');
    // The person joins by invitation (never with the IdP's password): the invitation mail went out.
    await kit.api.invitationToken(email);
    const id = created.body.id as string;

    const found = await kit.scim('GET', fill(okta.lookup, { userName: encodeURIComponent(email) }), t.scimToken);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    const off = await kit.scim('PATCH', `/Users/${id}`, t.scimToken, okta.deactivate);
    ok(off);
    expect(off.body.active).toBe(false);
    expect((await kit.scim('GET', `/Users/${id}`, t.scimToken)).body.active).toBe(false);
    const on = await kit.scim('PATCH', `/Users/${id}`, t.scimToken, okta.reactivate);
    ok(on);
    expect(on.body.active).toBe(true);

    const put = await kit.scim('PUT', `/Users/${id}`, t.scimToken, fill(okta.put, { ...values, id }));
    ok(put);
    expect(put.body).toMatchObject({ displayName: 'Another User', name: { middleName: 'M' } });
    const member = await kit.api.call('GET', `/v1/tenants/${t.tenantId}/users/${id}`, { token: t.ownerToken });
    expect(member.body).toMatchObject({ name: 'Another User', managedBy: 'directory' });
  });

  it('pushes a group, renames it, adds a member and removes it with members[value eq …] — really removed', async () => {
    const email = `okta-g-${unique()}@okta.test`;
    const user = await kit.scim('POST', '/Users', t.scimToken, fill(okta.create, { userName: email, email }));
    ok(user, 201);
    const memberId = user.body.id as string;
    const name = `Okta group ${unique()}`;
    const group = await kit.scim('POST', '/Groups', t.scimToken, fill(okta.createGroup, { groupName: name }));
    ok(group, 201);
    const id = group.body.id as string;
    const renamed = await kit.scim(
      'PATCH',
      `/Groups/${id}`,
      t.scimToken,
      fill(okta.renameGroup, { id, groupName: `${name} 2` }),
    );
    ok(renamed);
    expect(renamed.body.displayName).toBe(`${name} 2`);
    ok(await kit.scim('PATCH', `/Groups/${id}`, t.scimToken, fill(okta.addMembers, { memberId, email })));
    expect(await groupMembers(id)).toEqual([memberId]);
    ok(await kit.scim('PATCH', `/Groups/${id}`, t.scimToken, fill(okta.removeMember, { memberId })));
    expect(await groupMembers(id)).toEqual([]);
    const team = await kit.api.call('GET', `/v1/tenants/${t.tenantId}/teams/${id}`, { token: t.ownerToken });
    expect(team.body).toMatchObject({ name: `${name} 2`, memberCount: 0 });
  });
});

describe('Entra', () => {
  it('creates with the enterprise extension; reads groups with excludedAttributes=members', async () => {
    const email = `entra-${unique()}@entra.test`;
    const created = await kit.scim('POST', '/Users', t.scimToken, fill(entra.create, { userName: email, email }));
    ok(created, 201);
    expect(created.body[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'boss-1' } });
    expect(created.body.schemas).toContain(ENTERPRISE);
    const looked = await kit.scim('GET', fill(entra.lookup, { userName: encodeURIComponent(email) }), t.scimToken);
    expect(looked.body.totalResults).toBe(1);

    const name = `Entra group ${unique()}`;
    const group = await kit.scim('POST', '/Groups', t.scimToken, fill(entra.createGroup, { groupName: name }));
    ok(group, 201);
    ok(
      await kit.scim(
        'PATCH',
        `/Groups/${group.body.id}`,
        t.scimToken,
        fill(entra.legacy.addMember, { memberId: created.body.id }),
      ),
    );
    const listed = await kit.scim('GET', fill(entra.groupLookup, { groupName: encodeURIComponent(name) }), t.scimToken);
    ok(listed);
    expect(listed.body.totalResults).toBe(1);
    expect(listed.body.Resources[0]).toMatchObject({ id: group.body.id, displayName: name });
    expect(listed.body.Resources[0].members).toBeUndefined();
    expect(await groupMembers(group.body.id)).toEqual([created.body.id]);
  });

  it('without aadOptscim062020: "Replace" with "False"/"True", dotted and URN keys, members removed by value array', async () => {
    const email = `legacy-${unique()}@entra.test`;
    const created = await kit.scim('POST', '/Users', t.scimToken, fill(entra.create, { userName: email, email }));
    ok(created, 201);
    const id = created.body.id as string;

    const off = await kit.scim('PATCH', `/Users/${id}`, t.scimToken, entra.legacy.disable);
    ok(off);
    expect(off.body.active).toBe(false); // a string "False" dropped would leave them active
    const on = await kit.scim('PATCH', `/Users/${id}`, t.scimToken, entra.legacy.enable);
    ok(on);
    expect(on.body.active).toBe(true);

    const newEmail = `legacy-new-${unique()}@entra.test`;
    const updated = await kit.scim(
      'PATCH',
      `/Users/${id}`,
      t.scimToken,
      fill(entra.legacy.update, { email: newEmail }),
    );
    ok(updated);
    expect(updated.body).toMatchObject({
      displayName: 'Jon Doe',
      name: { givenName: 'Jon', familyName: 'Doe', formatted: 'givenName familyName' },
      [ENTERPRISE]: { department: 'Support', manager: { value: 'boss-1' } },
    });
    expect(updated.body.emails).toContainEqual(expect.objectContaining({ type: 'work', value: newEmail }));
    const member = await kit.api.call('GET', `/v1/tenants/${t.tenantId}/users/${id}`, { token: t.ownerToken });
    expect(member.body).toMatchObject({ name: 'Jon Doe', email: newEmail });

    const name = `Legacy ${unique()}`;
    const group = await kit.scim('POST', '/Groups', t.scimToken, fill(entra.createGroup, { groupName: name }));
    ok(group, 201);
    const gid = group.body.id as string;
    ok(await kit.scim('PATCH', `/Groups/${gid}`, t.scimToken, fill(entra.legacy.addMember, { memberId: id })));
    expect(await groupMembers(gid)).toEqual([id]);
    ok(await kit.scim('PATCH', `/Groups/${gid}`, t.scimToken, fill(entra.legacy.removeMember, { memberId: id })));
    expect(await groupMembers(gid)).toEqual([]);
    const renamed = await kit.scim(
      'PATCH',
      `/Groups/${gid}`,
      t.scimToken,
      fill(entra.legacy.renameGroup, { groupName: `${name}!` }),
    );
    ok(renamed);
    expect(renamed.body.displayName).toBe(`${name}!`);
  });

  it('with aadOptscim062020: real booleans and members[value eq …] removal', async () => {
    const email = `flag-${unique()}@entra.test`;
    const created = await kit.scim('POST', '/Users', t.scimToken, fill(entra.create, { userName: email, email }));
    ok(created, 201);
    const id = created.body.id as string;
    expect((await kit.scim('PATCH', `/Users/${id}`, t.scimToken, entra.flagged.disable)).body.active).toBe(false);
    expect((await kit.scim('PATCH', `/Users/${id}`, t.scimToken, entra.flagged.enable)).body.active).toBe(true);
    const group = await kit.scim(
      'POST',
      '/Groups',
      t.scimToken,
      fill(entra.createGroup, { groupName: `Flag ${unique()}` }),
    );
    ok(group, 201);
    const gid = group.body.id as string;
    ok(await kit.scim('PATCH', `/Groups/${gid}`, t.scimToken, fill(entra.flagged.addMember, { memberId: id })));
    expect(await groupMembers(gid)).toEqual([id]);
    ok(await kit.scim('PATCH', `/Groups/${gid}`, t.scimToken, fill(entra.flagged.removeMember, { memberId: id })));
    expect(await groupMembers(gid)).toEqual([]);
  });
});
