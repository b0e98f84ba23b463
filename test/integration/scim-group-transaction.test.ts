/**
 * A SCIM Group request's member changes are ONE transaction (DESIGN §6a "One PATCH is atomic"), against
 * DynamoDB Local: when the 3rd member changed between the request's read and its write, the transaction is
 * cancelled as a lost race (the caller re-reads and retries) and nothing of the other two is written — no link,
 * no member update, no member count, no rename.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../lib/app/tenants.ts';
import { getMember } from '../../lib/store/members.ts';
import { getTeam, groupMembershipItems, listTeamLinks, MembershipRace } from '../../lib/store/teams.ts';
import { transact } from '../../lib/store/transact.ts';
import { seedMember as seed, tenantFixtures, unique } from './support/assignment-fixtures.ts';

let tenantId: string;
let admin: string;
const { newTeam } = tenantFixtures(
  () => tenantId,
  () => admin,
);

beforeAll(async () => {
  const created = await provisionTenant(
    { name: 'Scim Tx Co', plan: 'enterprise', owner: { email: `owner-${unique()}@it.test`, name: 'Olive' } },
    { type: 'platform', id: 'integration' },
    new Date(),
  );
  tenantId = created.id;
  admin = await seed(tenantId, 'admin', 'admin');
});

describe('groupMembershipItems', () => {
  it('a member changed between read and write cancels the whole transaction: nothing of the others is written', async () => {
    const ids = await Promise.all(['one', 'two', 'three'].map((l) => seed(tenantId, 'agent', l)));
    const teamId = await newTeam({}, []);
    const team = await getTeam(tenantId, teamId);
    if (!team) throw new Error('no team');
    const members = await Promise.all(ids.map((id) => getMember(tenantId, id)));
    const at = new Date().toISOString();
    const changes = members.map((m, i) => {
      if (!m) throw new Error('no member');
      // The 3rd as it was read before someone else changed it: its version is one behind.
      const current = i === 2 ? { ...m, version: m.version - 1 } : m;
      return {
        current,
        next: { ...current, teamIds: [teamId], updatedAt: at, version: current.version + 1 },
        join: true,
      };
    });
    const renamed = { ...team, name: `Renamed ${unique()}`, updatedAt: at, version: team.version + 1 };
    const items = groupMembershipItems({ team, changes, renamed, actor: { type: 'system', id: 'test' }, at });
    await expect(transact(items)).rejects.toBeInstanceOf(MembershipRace);
    const after = await getTeam(tenantId, teamId);
    expect(after).toMatchObject({ name: team.name, version: team.version });
    expect(after?.memberCount ?? 0).toBe(0);
    expect((await listTeamLinks(tenantId, teamId, { limit: 10 })).items).toEqual([]);
    for (const id of ids) expect((await getMember(tenantId, id))?.teamIds).toEqual([]);
    // The same request with the 3rd as it really is commits whole.
    const fresh = await getMember(tenantId, ids[2] as string);
    if (!fresh) throw new Error('no member');
    changes[2] = {
      current: fresh,
      next: { ...fresh, teamIds: [teamId], updatedAt: at, version: fresh.version + 1 },
      join: true,
    };
    await transact(groupMembershipItems({ team, changes, renamed, actor: { type: 'system', id: 'test' }, at }));
    expect(await getTeam(tenantId, teamId)).toMatchObject({ name: renamed.name, memberCount: 3 });
    expect((await listTeamLinks(tenantId, teamId, { limit: 10 })).items.map((l) => l.memberId).sort()).toEqual(
      [...ids].sort(),
    );
  });
});
