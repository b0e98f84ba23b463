/**
 * Directory provisioning at an IdP's pace (issue 19 bars): a 1,000-user
 * initial sync through /scim/v2/Users, sequential as Okta and Entra send it —
 * for each user a `filter=userName eq "…"` look-up, then the create — and then
 * 50 groups created and filled with members by PATCH. Reported: seats exact
 * (seats.used = 1 owner + users created = seat-holding members), no 5xx,
 * HTTP requests and DynamoDB requests per user, wall time.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { keys } from '../../lib/store/keys.ts';
import { type Api, unique } from './api.ts';
import type { BenchConfig } from './config.ts';
import type { Recorder } from './recorder.ts';
import { membersByStatus, seatHolders } from './seed.ts';
import { round } from './stats.ts';

export interface ScimSyncResult {
  users: number;
  groups: number;
  created: number;
  seatsExact: boolean;
  fiveXx: number;
  requestsPerUser: number;
  dynamoRequestsPerUser: number;
  seconds: number;
}

export interface ScimSyncDetails {
  answers: Record<string, number>;
  seatsUsed: number;
  seatHoldingMembers: number;
  userSeconds: number;
  groupSeconds: number;
  membersPerGroup: number;
  pass: boolean;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export async function scimSync(
  api: Api,
  recorder: Recorder,
  sizes: BenchConfig['scimSync'],
): Promise<{ result: ScimSyncResult; details: ScimSyncDetails }> {
  const t = await api.tenantWithOwner('scim', 'enterprise');
  const made = await api.ok('POST', `/v1/tenants/${t.tenantId}/scim/tokens`, {
    token: t.ownerToken,
    body: { name: 'bench' },
  });
  const token = made.body.token as string;
  const headers = { 'content-type': 'application/scim+json' };
  const answers: Record<string, number> = {};
  let requests = 0;
  const scim = async (method: string, path: string, body?: unknown) => {
    requests += 1;
    const res = await api.call(method, `/scim/v2${path}`, { token, headers, body });
    const key = `${method} ${path.split(/[/?]/)[1]} ${res.status}`;
    answers[key] = (answers[key] ?? 0) + 1;
    return res;
  };

  const tag = unique();
  const ids: string[] = [];
  const started = performance.now();
  const { calls } = await recorder.capture(async () => {
    for (let n = 0; n < sizes.users; n++) {
      const userName = `user${n}-${tag}@idp.bench`;
      const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      if (found.status === 200 && found.body.totalResults === 0) {
        const created = await scim('POST', '/Users', {
          schemas: [USER],
          userName,
          name: { givenName: `User${n}`, familyName: 'Bench' },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
        });
        if (created.status === 201) ids.push(created.body.id);
      }
    }
  });
  const userSeconds = (performance.now() - started) / 1000;
  const userRequests = requests;
  const dynamoPerUser = calls.filter((c) => c.service === 'dynamodb').length / Math.max(1, sizes.users);

  const groupStarted = performance.now();
  const perGroup = Math.max(1, Math.floor(ids.length / Math.max(1, sizes.groups)));
  for (let g = 0; g < sizes.groups; g++) {
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: `Group ${g} ${tag}`, members: [] });
    if (group.status !== 201) continue;
    const members = ids.slice(g * perGroup, (g + 1) * perGroup);
    // As IdPs push group membership: add PATCHes of a few members each.
    for (let i = 0; i < members.length; i += 5) {
      await scim('PATCH', `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: members.slice(i, i + 5).map((value) => ({ value })) }],
      });
    }
  }
  const groupSeconds = (performance.now() - groupStarted) / 1000;

  const { Item } = await dynamo().send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.tenant(t.tenantId), ConsistentRead: true }),
  );
  const seatsUsed = Number(Item?.seatsUsed);
  const holders = seatHolders(await membersByStatus(t.tenantId));
  const seatsExact = seatsUsed === holders && holders === 1 + ids.length;
  const fiveXx = Object.entries(answers)
    .filter(([key]) => /\s5\d\d$/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);
  const pass = seatsExact && fiveXx === 0 && ids.length === sizes.users;
  return {
    result: {
      users: sizes.users,
      groups: sizes.groups,
      created: ids.length,
      seatsExact,
      fiveXx,
      requestsPerUser: round(userRequests / Math.max(1, sizes.users), 2),
      dynamoRequestsPerUser: round(dynamoPerUser, 1),
      seconds: round(userSeconds + groupSeconds, 1),
    },
    details: {
      answers,
      seatsUsed,
      seatHoldingMembers: holders,
      userSeconds: round(userSeconds, 1),
      groupSeconds: round(groupSeconds, 1),
      membersPerGroup: perGroup,
      pass,
    },
  };
}
