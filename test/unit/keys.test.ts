/** The key scheme against docs/architecture.md ("Data: one table") (single table pk/sk, GSI1, GSI2). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVITE_SHARDS, inviteShard, keys, normaliseEmail } from '../../lib/store/keys.ts';
import { sortKeyStartsWith } from '../../lib/store/query.ts';
import { INDEXES, KEY_ATTRIBUTES, TABLE_KEYS } from '../../lib/store/table.ts';

/** Ids as the product makes them (ULIDs, UUIDs, Cognito subs): no '#'. */
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const anyString = fc.string({ minLength: 1, maxLength: 40 });
const iso = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

describe('table definition', () => {
  it('uses pk/sk and GSI1 gsi1pk/gsi1sk, GSI2 gsi2pk/gsi2sk, GSI3 gsi3pk/gsi3sk, GSI4 gsi4pk/gsi4sk', () => {
    expect(TABLE_KEYS).toEqual({ partitionKey: 'pk', sortKey: 'sk' });
    expect(INDEXES.gsi1).toMatchObject({ partitionKey: 'gsi1pk', sortKey: 'gsi1sk' });
    expect(INDEXES.gsi2).toMatchObject({ partitionKey: 'gsi2pk', sortKey: 'gsi2sk' });
    expect(INDEXES.gsi3).toMatchObject({ partitionKey: 'gsi3pk', sortKey: 'gsi3sk' });
    expect(INDEXES.gsi4).toMatchObject({ partitionKey: 'gsi4pk', sortKey: 'gsi4sk' });
    expect([...KEY_ATTRIBUTES].sort()).toEqual([
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'gsi4pk',
      'gsi4sk',
      'pk',
      'sk',
    ]);
  });
});

describe('by-sign-in index keys', () => {
  it('orders never-signed-in members first (by when they joined), then by last sign-in', () => {
    const never = keys.memberActivity('t', 'u1', null, '2026-05-01T00:00:00.000Z').gsi3sk;
    const early = keys.memberActivity('t', 'u2', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z').gsi3sk;
    const late = keys.memberActivity('t', 'u3', '2026-05-30T00:00:00.000Z', '2026-05-30T00:00:00.000Z').gsi3sk;
    expect([late, never, early].sort()).toEqual([never, early, late]);
  });

  it('property: "no sign-in since the cutoff" is exactly the range below signedInBefore(cutoff), plus recent never-signed-in', () => {
    fc.assert(
      fc.property(fc.option(iso, { nil: null }), iso, iso, (lastLoginAt, joined, cutoff) => {
        const sk = keys.memberActivity('t', 'u', lastLoginAt, lastLoginAt ?? joined).gsi3sk;
        const inRange = sk < keys.signedInBefore(cutoff);
        if (lastLoginAt) expect(inRange).toBe(lastLoginAt < cutoff);
        else expect(inRange).toBe(true);
      }),
    );
  });
});

describe('builders (docs/architecture.md key table)', () => {
  it('tenant: TENANT#t / #TENANT', () => {
    expect(keys.tenant('t1')).toEqual({ pk: 'TENANT#t1', sk: '#TENANT' });
  });

  it('tenant list (GSI2): TENANTS / createdAt#t', () => {
    expect(keys.tenantList('2025-01-02T03:04:05.000Z', 't1')).toEqual({
      gsi2pk: 'TENANTS',
      gsi2sk: '2025-01-02T03:04:05.000Z#t1',
    });
  });

  it('member: TENANT#t / MEMBER#uid', () => {
    expect(keys.member('t1', 'u1')).toEqual({ pk: 'TENANT#t1', sk: 'MEMBER#u1' });
  });

  it('member prefix lets a query list members by begins_with', () => {
    expect(keys.memberPrefix).toBe('MEMBER#');
    expect(keys.member('t1', 'u1').sk.startsWith(keys.memberPrefix)).toBe(true);
    // no other item kind in the tenant partition starts with it
    for (const other of [
      keys.tenant('t1').sk,
      keys.emailClaim('t1', 'member@x.io').sk,
      keys.role('t1', 'MEMBER').sk,
      keys.team('t1', 'MEMBER').sk,
    ]) {
      expect(other.startsWith(keys.memberPrefix)).toBe(false);
    }
  });

  it('identity membership (GSI1): IDENTITY#uid / TENANT#t', () => {
    expect(keys.identityMembership('u1', 't1')).toEqual({ gsi1pk: 'IDENTITY#u1', gsi1sk: 'TENANT#t1' });
    expect(keys.identityPartition('u1')).toBe('IDENTITY#u1');
    expect(keys.identityPartition('u1')).toBe(keys.identityMembership('u1', 't9').gsi1pk);
  });

  it('pending invite (GSI2, while invited): INVITES#shard / expiresAt#t#uid', () => {
    const expiresAt = '2025-03-08T10:00:00.000Z';
    const key = keys.pendingInvite('t1', 'u1', expiresAt);
    expect(key.gsi2pk).toMatch(/^INVITES#\d+$/);
    expect(key.gsi2pk).toBe(`INVITES#${inviteShard('u1')}`);
    expect(key.gsi2sk).toBe(`${expiresAt}#t1#u1`);
    expect(Object.keys(key).sort()).toEqual(['gsi2pk', 'gsi2sk']);
  });

  it('invite shard partition: INVITES#n', () => {
    expect(keys.inviteShardPartition(0)).toBe('INVITES#0');
    expect(keys.inviteShardPartition(3)).toBe('INVITES#3');
  });

  it('email claim: TENANT#t / EMAIL#normalised', () => {
    expect(keys.emailClaim('t1', 'ann@example.com')).toEqual({ pk: 'TENANT#t1', sk: 'EMAIL#ann@example.com' });
    expect(keys.emailClaim('t1', '  Ann@Example.COM ')).toEqual({ pk: 'TENANT#t1', sk: 'EMAIL#ann@example.com' });
  });

  it('custom role: TENANT#t / ROLE#roleId', () => {
    expect(keys.role('t1', 'r1')).toEqual({ pk: 'TENANT#t1', sk: 'ROLE#r1' });
  });

  it('team: TENANT#t / TEAM#teamId', () => {
    expect(keys.team('t1', 'team1')).toEqual({ pk: 'TENANT#t1', sk: 'TEAM#team1' });
  });

  it('audit: TENANT#t#AUDIT / isoTime#ulid', () => {
    expect(keys.audit('t1', '2025-01-01T00:00:00.000Z', '01JABCDEF')).toEqual({
      pk: 'TENANT#t1#AUDIT',
      sk: '2025-01-01T00:00:00.000Z#01JABCDEF',
    });
    expect(keys.auditPartition('t1')).toBe('TENANT#t1#AUDIT');
    expect(keys.auditPartition('t1')).toBe(keys.audit('t1', 'x', 'y').pk);
  });

  it('property: every builder is exactly the documented template, for any ids (nothing truncated or rewritten)', () => {
    fc.assert(
      fc.property(id, id, id, iso, fc.nat(INVITE_SHARDS - 1), (t, x, y, at, shard) => {
        expect(keys.tenant(t)).toEqual({ pk: `TENANT#${t}`, sk: '#TENANT' });
        expect(keys.tenantList(at, t)).toEqual({ gsi2pk: 'TENANTS', gsi2sk: `${at}#${t}` });
        expect(keys.member(t, x)).toEqual({ pk: `TENANT#${t}`, sk: `MEMBER#${x}` });
        expect(keys.identityMembership(x, t)).toEqual({ gsi1pk: `IDENTITY#${x}`, gsi1sk: `TENANT#${t}` });
        expect(keys.identityPartition(x)).toBe(`IDENTITY#${x}`);
        expect(keys.pendingInvite(t, x, at)).toEqual({
          gsi2pk: `INVITES#${inviteShard(x)}`,
          gsi2sk: `${at}#${t}#${x}`,
        });
        expect(keys.inviteShardPartition(shard)).toBe(`INVITES#${shard}`);
        expect(keys.role(t, x)).toEqual({ pk: `TENANT#${t}`, sk: `ROLE#${x}` });
        expect(keys.team(t, x)).toEqual({ pk: `TENANT#${t}`, sk: `TEAM#${x}` });
        expect(keys.audit(t, at, y)).toEqual({ pk: `TENANT#${t}#AUDIT`, sk: `${at}#${y}` });
        expect(keys.auditPartition(t)).toBe(`TENANT#${t}#AUDIT`);
      }),
    );
  });

  it('keeps a full Cognito sub in the member key', () => {
    const sub = '2f1c0b9e-1111-4222-8333-444455556666';
    expect(keys.member('01jabcdefghjkmnpqrstvwxyz0', sub)).toEqual({
      pk: 'TENANT#01jabcdefghjkmnpqrstvwxyz0',
      sk: `MEMBER#${sub}`,
    });
  });

  it('every tenant-scoped item lives in partition TENANT#t', () => {
    const pk = 'TENANT#t1';
    expect(keys.tenant('t1').pk).toBe(pk);
    expect(keys.member('t1', 'u').pk).toBe(pk);
    expect(keys.emailClaim('t1', 'a@b.c').pk).toBe(pk);
    expect(keys.role('t1', 'r').pk).toBe(pk);
    expect(keys.team('t1', 'x').pk).toBe(pk);
  });
});

/**
 * The key table also has team members and assignments. Whatever the builders are
 * called and whatever their argument order, some builder of `keys` must yield
 * those shapes; each builder is called with distinct markers and its output
 * compared to the designed pattern.
 */
describe('team member and assignment keys (docs/architecture.md, "Data: one table")', () => {
  const MARKERS = ['m0', 'm1', 'm2', 'm3', 'm4'];
  const builders: unknown[] = Object.values(keys);
  const outputs = builders
    .filter((v): v is (...args: string[]) => unknown => typeof v === 'function')
    .map((builder) => builder(...MARKERS))
    .filter((out): out is Record<string, unknown> => typeof out === 'object' && out !== null);

  const has = (pattern: Record<string, RegExp>) =>
    outputs.some((out) =>
      Object.entries(pattern).every(([attr, re]) => typeof out[attr] === 'string' && re.test(out[attr])),
    );

  it('team member: TENANT#t / TEAM#teamId#MEMBER#uid', () => {
    expect(has({ pk: /^TENANT#m\d$/, sk: /^TEAM#m\d#MEMBER#m\d$/ })).toBe(true);
  });

  it('team member (GSI1): TENANT#t#MEMBER#uid / TEAM#teamId', () => {
    expect(has({ gsi1pk: /^TENANT#m\d#MEMBER#m\d$/, gsi1sk: /^TEAM#m\d$/ })).toBe(true);
  });

  it('assignment: TENANT#t / CONVERSATION#cid', () => {
    expect(has({ pk: /^TENANT#m\d$/, sk: /^CONVERSATION#m\d$/ })).toBe(true);
  });

  it('assignee queue (GSI1): TENANT#t#ASSIGNEE#uid / assignedAt#cid', () => {
    expect(has({ gsi1pk: /^TENANT#m\d#ASSIGNEE#m\d$/, gsi1sk: /^m\d#m\d$/ })).toBe(true);
  });
});

describe('normaliseEmail', () => {
  it('lower-cases and trims', () => {
    expect(normaliseEmail('Ann.Lee@Example.COM')).toBe('ann.lee@example.com');
    expect(normaliseEmail('  ann@example.com\t')).toBe('ann@example.com');
  });

  it('keeps the local part otherwise intact (no dot or plus folding)', () => {
    expect(normaliseEmail('a.b+tag@x.io')).toBe('a.b+tag@x.io');
    expect(normaliseEmail('ab@x.io')).not.toBe(normaliseEmail('a.b@x.io'));
  });

  it('property: case-insensitive and whitespace-insensitive at the ends', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.constantFrom('', ' ', '  ', '\t'), (email, pad) => {
        const n = normaliseEmail(email);
        expect(normaliseEmail(email.toUpperCase())).toBe(n);
        expect(normaliseEmail(`${pad}${email}${pad}`)).toBe(n);
        expect(normaliseEmail(n)).toBe(n);
        expect(n).toBe(n.toLowerCase());
      }),
    );
  });

  it('property: email claims of case variants collide (one claim per address per tenant)', () => {
    fc.assert(
      fc.property(id, fc.emailAddress(), (tenant, email) => {
        expect(keys.emailClaim(tenant, email.toUpperCase())).toEqual(keys.emailClaim(tenant, email));
      }),
    );
  });
});

describe('inviteShard', () => {
  it('has a small positive number of shards', () => {
    expect(Number.isInteger(INVITE_SHARDS)).toBe(true);
    expect(INVITE_SHARDS).toBeGreaterThan(0);
  });

  it('is in [0, INVITE_SHARDS) for the empty id and long ids', () => {
    for (const uid of ['', 'x', 'u'.repeat(10_000), '\u{1F600}']) {
      const shard = inviteShard(uid);
      expect(Number.isInteger(shard)).toBe(true);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(INVITE_SHARDS);
    }
  });

  it('property: an integer in range, and stable for the same id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (uid) => {
        const shard = inviteShard(uid);
        expect(Number.isInteger(shard)).toBe(true);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(INVITE_SHARDS);
        expect(inviteShard(uid)).toBe(shard);
        expect(keys.pendingInvite('t', uid, 'x').gsi2pk).toBe(keys.inviteShardPartition(shard));
      }),
    );
  });

  it('spreads UUID-like ids over every shard', () => {
    const counts = new Array<number>(INVITE_SHARDS).fill(0);
    for (let i = 0; i < 4_000; i++) {
      const uid = `${i.toString(16).padStart(8, '0')}-4a1b-8c2d-9e3f-${(i * 7919).toString(16).padStart(12, '0')}`;
      counts[inviteShard(uid)] = (counts[inviteShard(uid)] ?? 0) + 1;
    }
    for (const n of counts) expect(n).toBeGreaterThan(4_000 / INVITE_SHARDS / 2);
  });

  it('the same member keeps its shard across tenants and expiry times', () => {
    const a = keys.pendingInvite('t1', 'u1', '2025-01-01T00:00:00.000Z');
    const b = keys.pendingInvite('t2', 'u1', '2026-01-01T00:00:00.000Z');
    expect(a.gsi2pk).toBe(b.gsi2pk);
  });
});

describe('isolation and ordering (properties)', () => {
  it('distinct tenants never share a member key or an email claim key, whatever the ids', () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, fc.emailAddress(), (t1, t2, uid, email) => {
        fc.pre(t1 !== t2);
        expect(keys.member(t1, uid)).not.toEqual(keys.member(t2, uid));
        expect(keys.emailClaim(t1, email)).not.toEqual(keys.emailClaim(t2, email));
        expect(keys.tenant(t1)).not.toEqual(keys.tenant(t2));
        expect(keys.identityMembership(uid, t1)).not.toEqual(keys.identityMembership(uid, t2));
      }),
      { numRuns: 500 },
    );
  });

  it('distinct (tenant, member) pairs never share a member key', () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, anyString, (t1, u1, t2, u2) => {
        fc.pre(t1 !== t2 || u1 !== u2);
        expect(keys.member(t1, u1)).not.toEqual(keys.member(t2, u2));
      }),
    );
  });

  it('item kinds never collide inside a tenant partition', () => {
    fc.assert(
      fc.property(id, id, fc.emailAddress(), (tenant, x, email) => {
        const sks = [
          keys.tenant(tenant).sk,
          keys.member(tenant, x).sk,
          keys.emailClaim(tenant, email).sk,
          keys.role(tenant, x).sk,
          keys.team(tenant, x).sk,
        ];
        expect(new Set(sks).size).toBe(sks.length);
      }),
    );
  });

  it('the audit partition of a tenant is never its item partition or another tenant’s', () => {
    fc.assert(
      fc.property(id, id, (t1, t2) => {
        expect(keys.auditPartition(t1)).not.toBe(keys.tenant(t1).pk);
        expect(keys.auditPartition(t1)).not.toBe(keys.tenant(t2).pk);
        if (t1 !== t2) expect(keys.auditPartition(t1)).not.toBe(keys.auditPartition(t2));
      }),
    );
  });

  it('audit sort keys sort by time', () => {
    fc.assert(
      fc.property(id, iso, iso, id, id, (tenant, a, b, e1, e2) => {
        fc.pre(a !== b);
        const ka = keys.audit(tenant, a, e1).sk;
        const kb = keys.audit(tenant, b, e2).sk;
        expect(ka < kb).toBe(a < b);
      }),
    );
  });

  it('pending invites in one shard sort by expiry, across tenants', () => {
    fc.assert(
      fc.property(id, id, id, iso, iso, (t1, t2, uid, a, b) => {
        fc.pre(a !== b);
        const ka = keys.pendingInvite(t1, uid, a).gsi2sk;
        const kb = keys.pendingInvite(t2, uid, b).gsi2sk;
        expect(ka < kb).toBe(a < b);
      }),
    );
  });

  it('the platform tenant list sorts by creation time', () => {
    fc.assert(
      fc.property(iso, iso, id, id, (a, b, t1, t2) => {
        fc.pre(a !== b);
        expect(keys.tenantList(a, t1).gsi2sk < keys.tenantList(b, t2).gsi2sk).toBe(a < b);
        expect(keys.tenantList(a, t1).gsi2pk).toBe(keys.tenantList(b, t2).gsi2pk);
      }),
    );
  });
});

describe('a team’s range (one Query reads the team and its member cards)', () => {
  const teamId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
  const inRange = (sk: string, range: { from: string; to: string }) =>
    Buffer.compare(Buffer.from(sk), Buffer.from(range.from)) >= 0 &&
    Buffer.compare(Buffer.from(sk), Buffer.from(range.to)) <= 0;

  it('holds the team item and its member links, never another team’s items or its own queue entries', () => {
    fc.assert(
      fc.property(teamId, teamId, id, id, iso, (a, b, uid, cid, at) => {
        const range = keys.teamRange(a);
        expect(inRange(keys.team('t', a).sk, range)).toBe(true);
        expect(inRange(keys.teamMember('t', a, uid).sk, range)).toBe(true);
        expect(inRange(keys.teamQueueEntry('t', a, at, cid).sk, range)).toBe(false);
        if (b !== a) {
          expect(inRange(keys.team('t', b).sk, range)).toBe(false);
          expect(inRange(keys.teamMember('t', b, uid).sk, range)).toBe(false);
        }
      }),
    );
  });

  it('queue entries sort oldest first under the team’s queue prefix', () => {
    const early = keys.teamQueueEntry('t', 'sup', '2026-01-01T00:00:00.000Z', 'z').sk;
    const late = keys.teamQueueEntry('t', 'sup', '2026-01-01T00:00:01.000Z', 'a').sk;
    expect(early < late).toBe(true);
    expect(early.startsWith(keys.teamQueuePrefix('sup'))).toBe(true);
  });
});

describe('a prefix as a key range (what the list queries send instead of begins_with)', () => {
  /** DynamoDB orders string keys by their UTF-8 bytes. */
  const inRange = (key: string, prefix: string) => {
    const { ':prefix': low, ':prefixEnd': high } = sortKeyStartsWith('sk', prefix).values;
    return (
      Buffer.compare(Buffer.from(low), Buffer.from(key)) <= 0 &&
      Buffer.compare(Buffer.from(key), Buffer.from(high)) <= 0
    );
  };
  const prefixes = fc.constantFrom(
    keys.memberPrefix,
    keys.rolePrefix,
    keys.teamMemberPrefix('t1'),
    keys.teamQueuePrefix('t1'),
  );

  it('is one BETWEEN on the sort key, from the prefix to the prefix and the highest code point', () => {
    expect(sortKeyStartsWith('#sk', 'ROLE#')).toEqual({
      condition: '#sk BETWEEN :prefix AND :prefixEnd',
      values: { ':prefix': 'ROLE#', ':prefixEnd': 'ROLE#\u{10FFFF}' },
    });
  });

  it('holds every key the prefix starts — ids, times, any text not led by U+10FFFF', () => {
    fc.assert(
      fc.property(prefixes, fc.oneof(id, iso, fc.string({ unit: 'binary', maxLength: 40 })), (prefix, rest) => {
        fc.pre(!rest.startsWith('\u{10FFFF}'));
        expect(inRange(`${prefix}${rest}`, prefix)).toBe(true);
      }),
    );
  });

  it('holds no key the prefix does not start', () => {
    fc.assert(
      fc.property(prefixes, fc.string({ unit: 'binary', maxLength: 60 }), id, (prefix, key, other) => {
        for (const candidate of [
          key,
          keys.member('t1', other).sk,
          keys.role('t1', other).sk,
          keys.team('t1', other).sk,
        ]) {
          if (!candidate.startsWith(prefix)) expect(inRange(candidate, prefix)).toBe(false);
        }
      }),
    );
  });
});
