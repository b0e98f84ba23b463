/**
 * One SCIM request is one change (DESIGN §6a "One PATCH is atomic"): a Group PATCH/PUT's member changes (and
 * its rename) commit in ONE transaction or not at all; a request beyond what one transaction holds is 400
 * `tooMany` with nothing written; a User PATCH/PUT whose `active` change is refused leaves its other
 * attributes as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/http.ts';
import { unique } from '../client.ts';
import { GROUP, PATCH, type ScimTenant, scimKit, USER } from './kit.ts';

let gw: TestGateway;
let kit: ReturnType<typeof scimKit>;
let a: ScimTenant;

beforeAll(async () => {
  gw = await startTestGateway();
  kit = scimKit(gw);
  a = await kit.tenant('scimatomic');
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

async function provisioned(t: ScimTenant, label: string, extra: Record<string, unknown> = {}) {
  const email = `${label}-${unique()}@dir.test`;
  const res = await kit.scim('POST', '/Users', t.scimToken, user(email, extra));
  ok(res, 201);
  return res.body.id as string;
}
async function group(t: ScimTenant, members: string[] = []) {
  const res = await kit.scim('POST', '/Groups', t.scimToken, {
    schemas: [GROUP],
    displayName: `Atomic ${unique()}`,
    members: members.map((value) => ({ value })),
  });
  ok(res, 201);
  return res.body as { id: string; displayName: string };
}
const memberIds = async (t: ScimTenant, gid: string) =>
  ((await kit.scim('GET', `/Groups/${gid}`, t.scimToken)).body.members ?? [])
    .map((m: { value: string }) => m.value)
    .sort();
const teamOf = async (t: ScimTenant, gid: string) =>
  (await kit.api.call('GET', `/v1/tenants/${t.tenantId}/teams/${gid}`, { token: t.ownerToken })).body;

describe('a group request is one transaction', () => {
  it('adding 3 members where the 3rd cannot join (already in 20 teams) adds none, and a rename with it does not stick', async () => {
    const [first, second, full] = (await Promise.all(['one', 'two', 'full'].map((l) => provisioned(a, l)))) as [
      string,
      string,
      string,
    ];
    for (let i = 0; i < 20; i++) await group(a, [full]);
    const target = await group(a);
    const res = await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'displayName', value: `Renamed ${unique()}` },
        { op: 'add', path: 'members', value: [{ value: first }, { value: second }, { value: full }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(await memberIds(a, target.id)).toEqual([]);
    const team = await teamOf(a, target.id);
    expect(team.memberCount).toBe(0);
    expect(team.name).toBe(target.displayName);
    const me = await kit.scim('GET', `/Users/${first}`, a.scimToken);
    ok(me);
    // Then the two that can join do, with the rename, in one request.
    const name = `Renamed ${unique()}`;
    ok(
      await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: name },
          { op: 'add', path: 'members', value: [{ value: first }, { value: second }] },
        ],
      }),
    );
    expect(await memberIds(a, target.id)).toEqual([first, second].sort());
    expect(await teamOf(a, target.id)).toMatchObject({ name, memberCount: 2 });
  });

  it('a PUT whose members cannot all join changes nothing (neither its removals nor its rename)', async () => {
    const [stay, joiner, full] = (await Promise.all(['stay', 'joiner', 'full2'].map((l) => provisioned(a, l)))) as [
      string,
      string,
      string,
    ];
    for (let i = 0; i < 20; i++) await group(a, [full]);
    const target = await group(a, [stay]);
    const res = await kit.scim('PUT', `/Groups/${target.id}`, a.scimToken, {
      schemas: [GROUP],
      displayName: `Put ${unique()}`,
      members: [{ value: joiner }, { value: full }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(await memberIds(a, target.id)).toEqual([stay]);
    expect(await teamOf(a, target.id)).toMatchObject({ name: target.displayName, memberCount: 1 });
  });

  it('more member changes than one transaction holds is 400 tooMany, nothing written', async () => {
    const config = await kit.scim('GET', '/ServiceProviderConfig', a.scimToken);
    const limit = config.body.patch.maxMemberChanges as number;
    expect(limit).toBeGreaterThanOrEqual(5);
    const people: string[] = [];
    for (let i = 0; i <= limit; i++) people.push(await provisioned(a, `many${i}`));
    const target = await group(a);
    const res = await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: people.map((value) => ({ value })) }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.scimType).toBe('tooMany');
    expect(res.body.detail).toContain(String(limit));
    expect(await memberIds(a, target.id)).toEqual([]);
    expect((await teamOf(a, target.id)).memberCount).toBe(0);
    // A create with as many is refused before the group exists.
    const created = await kit.scim('POST', '/Groups', a.scimToken, {
      schemas: [GROUP],
      displayName: `Too many ${unique()}`,
      members: people.map((value) => ({ value })),
    });
    expect(created.status).toBe(400);
    expect(created.body.scimType).toBe('tooMany');
    // Exactly the limit passes, in one request.
    ok(
      await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: people.slice(0, limit).map((value) => ({ value })) }],
      }),
    );
    expect((await teamOf(a, target.id)).memberCount).toBe(limit);
  });

  it('few members but each in many other teams (their cards ride along): beyond 100 writes is 400 tooMany, nothing written', async () => {
    const busy = await Promise.all(Array.from({ length: 5 }, (_, i) => provisioned(a, `busy${i}`)));
    // Each in 19 teams: joining one more writes 3 items + 19 cards, 5 × 22 + 1 > 100.
    // (Set up in two requests per group: five at once would itself exceed 100 writes by the 18th team.)
    for (let i = 0; i < 19; i++) {
      const g = await group(a, busy.slice(0, 3));
      ok(
        await kit.scim('PATCH', `/Groups/${g.id}`, a.scimToken, {
          schemas: [PATCH],
          Operations: [{ op: 'add', path: 'members', value: busy.slice(3).map((value) => ({ value })) }],
        }),
      );
    }
    const target = await group(a);
    const res = await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: busy.map((value) => ({ value })) }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.scimType).toBe('tooMany');
    expect(await memberIds(a, target.id)).toEqual([]);
    expect((await teamOf(a, target.id)).memberCount).toBe(0);
    // Four of them fit (4 × 22 + 1 = 89).
    ok(
      await kit.scim('PATCH', `/Groups/${target.id}`, a.scimToken, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: busy.slice(0, 4).map((value) => ({ value })) }],
      }),
    );
    expect((await teamOf(a, target.id)).memberCount).toBe(4);
  });
});

describe('a user request is one change', () => {
  it('name + active:false on the owner: the deactivation is refused and the name stays', async () => {
    const before = await kit.scim('GET', `/Users/${a.ownerId}`, a.scimToken);
    ok(before);
    const res = await kit.scim('PATCH', `/Users/${a.ownerId}`, a.scimToken, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'name.givenName', value: 'Hijacked' },
        { op: 'replace', path: 'active', value: false },
      ],
    });
    ok(res, 409);
    const after = await kit.scim('GET', `/Users/${a.ownerId}`, a.scimToken);
    expect(after.body.name).toEqual(before.body.name);
    expect(after.body.active).toBe(true);
  });

  it('name + active together, allowed: both apply (invited → withdrawn → sent again), in either direction', async () => {
    const id = await provisioned(a, 'both');
    const both = (givenName: string, active: boolean) =>
      kit.scim('PATCH', `/Users/${id}`, a.scimToken, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', value: { 'name.givenName': givenName, active } }],
      });
    const off = await both('Off', false);
    ok(off);
    expect(off.body).toMatchObject({ active: false, name: { givenName: 'Off' } });
    const on = await both('On', true);
    ok(on);
    expect(on.body).toMatchObject({ active: true, name: { givenName: 'On' } });
    expect((await kit.scim('GET', `/Users/${id}`, a.scimToken)).body).toMatchObject({
      active: true,
      name: { givenName: 'On' },
    });
  });

  it('name + active:true without a free seat: 409 and the name stays', async () => {
    const s = await kit.tenant('scimatomicseats', 'starter'); // 3 seats, the owner holds one
    const one = await provisioned(s, 'seat1');
    ok(
      await kit.scim('PATCH', `/Users/${one}`, s.scimToken, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      }),
    );
    await provisioned(s, 'seat2');
    await provisioned(s, 'seat3');
    const res = await kit.scim('PATCH', `/Users/${one}`, s.scimToken, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { 'name.givenName': 'Renamed', active: true } }],
    });
    ok(res, 409);
    const after = await kit.scim('GET', `/Users/${one}`, s.scimToken);
    expect(after.body.name.givenName).toBe('Pat');
    expect(after.body.active).toBe(false);
  });
});
