/**
 * A member written before the by-name index and the word index existed is
 * absent from the users list and the search until `npm run reindex-members`
 * (infra/cli/reindex.ts) gives it both; a second run changes nothing.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { reindexMembers } from '../../infra/cli/reindex.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { config } from '../../lib/config.ts';
import type { MemberRecord } from '../../lib/domain/records.ts';
import { memberItem } from '../../lib/store/member-items.ts';
import { listMembers } from '../../lib/store/members.ts';

const tenantId = `reindex-${Math.random().toString(36).slice(2, 10)}`;
const at = '2026-01-01T00:00:00.000Z';
const member: MemberRecord = {
  tenantId,
  id: 'old-member',
  email: 'olga.older@legacy.example',
  name: 'Olga Older',
  status: 'active',
  role: 'agent',
  grants: [],
  crmAccess: true,
  availability: 'online',
  openAssignments: 0,
  teamIds: [],
  lastLoginAt: null,
  invitedAt: null,
  invitedBy: null,
  createdAt: at,
  updatedAt: at,
  version: 3,
};

describe('reindexing members written before the word index', () => {
  it('adds the name key and the words, once', async () => {
    // As written before GSI4 and the word index: no gsi4 keys, no WORD# items.
    const { gsi4pk: _pk, gsi4sk: _sk, ...old } = memberItem(member);
    await dynamo().send(new PutCommand({ TableName: config().tableName, Item: old }));
    expect((await listMembers(tenantId, { limit: 10 }, {})).items).toEqual([]);
    expect((await listMembers(tenantId, { limit: 10 }, { q: 'older' })).items).toEqual([]);

    const first = await reindexMembers();
    expect(first.reindexed).toBeGreaterThanOrEqual(1);
    expect((await listMembers(tenantId, { limit: 10 }, {})).items.map((m) => m.id)).toEqual(['old-member']);
    expect((await listMembers(tenantId, { limit: 10 }, { q: 'older' })).items.map((m) => m.id)).toEqual(['old-member']);
    expect((await listMembers(tenantId, { limit: 10 }, { q: 'legacy' })).items.map((m) => m.id)).toEqual([
      'old-member',
    ]);

    const second = await reindexMembers();
    expect(second.reindexed).toBe(0);
  });
});
