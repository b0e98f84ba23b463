/**
 * DESIGN §2a at the SDK boundary: on every route that could set a password,
 * change a login's attributes or delete a login, nothing of the kind is sent
 * to Cognito for a login the rules protect — not before a refusal, not instead
 * of one. Refusals write nothing to DynamoDB either (no TransactWriteItems).
 * Where the rules allow the write, its exact input is asserted: addressed by
 * the login's `sub`, permanent, and the identity's session stamp moved in the
 * same transaction.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as acceptInvitation } from '../../functions/invitations/accept.ts';
import { handler as inviteMember } from '../../functions/invitations/invite.ts';
import { handler as platformOwnerInvitation } from '../../functions/platform/owner-invitation.ts';
import { handler as createMember } from '../../functions/users/create.ts';
import { handler as deleteMember } from '../../functions/users/delete.ts';
import { handler as resetMemberPassword } from '../../functions/users/reset-password.ts';
import { handler as updateMember } from '../../functions/users/update.ts';
import { resetConfig } from '../../lib/config.ts';
import { ALL_PERMISSIONS } from '../../lib/domain/permissions.ts';
import { hashToken } from '../../lib/domain/tokens.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, TABLE, tenantItem } from './fixtures.ts';

const POOL = 'eu-west-1_test';
const CLIENT = 'client-test';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

// ── the world the mocks serve ───────────────────────────────────────────

type Key = { pk: string; sk: string };
type Item = Key & Record<string, unknown>;
const sameKey = (a: Key, b: Key) => a.pk === b.pk && a.sk === b.sk;

/** Tenant `acme`: owner u-owner; custom roles `hr` (the attacker of the issue), `all` (every permission), `remover`. */
const ROLES = {
  hr: ['users:view', 'users:edit', 'users:create'],
  all: [...ALL_PERMISSIONS],
  remover: ['users:view', 'users:delete'],
};
const tenant = (overrides: Record<string, unknown> = {}) =>
  tenantItem({ plan: 'scale', seatLimit: 10, seatsUsed: 6, activeAdmins: 2, rolePermissions: ROLES, ...overrides });

/** The people of `acme` who act: the owner, another admin, and custom roles. */
const ACTORS = {
  owner: { id: 'u-owner', email: 'owner@acme.test', name: 'Olive', role: 'admin' },
  admin: { id: 'u-admin', email: 'adam@acme.test', name: 'Adam', role: 'admin' },
  hr: { id: 'u-hr', email: 'hr@acme.test', name: 'Hana', role: 'custom', roleId: 'hr' },
  all: { id: 'u-all', email: 'all@acme.test', name: 'Alma', role: 'custom', roleId: 'all' },
  remover: { id: 'u-rm', email: 'rm@acme.test', name: 'Remy', role: 'custom', roleId: 'remover' },
} as const;
type ActorName = keyof typeof ACTORS;

const actorItems = (): Item[] =>
  Object.values(ACTORS).flatMap((a) => [memberItem({ ...a }), identityItem({ id: a.id, email: a.email })]);

/** What DynamoDB holds for the test; reads answer from it, writes are recorded and succeed. */
let items: Item[] = [];
/** Every write, in order, across DynamoDB and Cognito (to assert what came first). */
let order: string[] = [];
/** Logins Cognito knows, by email: their `sub`. */
let logins: Record<string, string> = {};

function world(...extra: Item[]): void {
  items = [tenant(), ...actorItems(), ...extra];
}

const notFound = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
  order = [];
  logins = {};
  world();
  db.onAnyCommand().resolves({});
  db.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => {
    const asked = input.RequestItems[TABLE]?.Keys ?? [];
    return { Responses: { [TABLE]: items.filter((item) => asked.some((k) => sameKey(k, item))) } };
  });
  db.on(GetCommand).callsFake((input: { Key: Key }) => ({ Item: items.find((item) => sameKey(item, input.Key)) }));
  db.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) => ({
    Items: items.filter(
      (item) => item.gsi1pk !== undefined && item.gsi1pk === input.ExpressionAttributeValues?.[':pk'],
    ),
  }));
  db.on(TransactWriteCommand).callsFake(() => {
    order.push('TransactWriteItems');
    return {};
  });
  idp.onAnyCommand().resolves({});
  idp.on(AdminGetUserCommand).callsFake(async (input: { Username: string }) => {
    const sub = logins[input.Username];
    if (!sub) throw notFound('UserNotFoundException');
    return { Username: sub, UserAttributes: [{ Name: 'sub', Value: sub }] };
  });
  idp.on(AdminCreateUserCommand).callsFake((input: { Username: string }) => {
    logins[input.Username] = 'u-new';
    return { User: { Username: 'u-new', Attributes: [{ Name: 'sub', Value: 'u-new' }] } };
  });
  const record = (name: string) => () => {
    order.push(name);
    return {};
  };
  idp.on(AdminSetUserPasswordCommand).callsFake(record('AdminSetUserPassword'));
  idp.on(AdminUpdateUserAttributesCommand).callsFake(record('AdminUpdateUserAttributes'));
  idp.on(AdminDeleteUserCommand).callsFake(record('AdminDeleteUser'));
  mail.onAnyCommand().resolves({ MessageId: 'm-1' });
});

// ── requests ────────────────────────────────────────────────────────────

const as = (actor: ActorName) => ({ sub: ACTORS[actor].id, token_use: 'access' });
const usersPath = '/v1/tenants/acme/users';

const create = (actor: ActorName, body: Record<string, unknown>) =>
  invoke(createMember, {
    method: 'POST',
    path: usersPath,
    pathParameters: { tenantId: 'acme' },
    claims: as(actor),
    body,
  });

const invite = (actor: ActorName, body: Record<string, unknown>) =>
  invoke(inviteMember, {
    method: 'POST',
    path: '/v1/tenants/acme/invitations',
    pathParameters: { tenantId: 'acme' },
    claims: as(actor),
    body,
  });

const patch = (actor: ActorName, userId: string, body: Record<string, unknown>) =>
  invoke(updateMember, {
    method: 'PATCH',
    path: `${usersPath}/${userId}`,
    pathParameters: { tenantId: 'acme', userId },
    claims: as(actor),
    body,
  });

const reset = (actor: ActorName, userId: string, body: Record<string, unknown>) =>
  invoke(resetMemberPassword, {
    method: 'POST',
    path: `${usersPath}/${userId}/reset-password`,
    pathParameters: { tenantId: 'acme', userId },
    claims: as(actor),
    body,
  });

const remove = (actor: ActorName, userId: string) =>
  invoke(deleteMember, {
    method: 'DELETE',
    path: `${usersPath}/${userId}`,
    pathParameters: { tenantId: 'acme', userId },
    claims: as(actor),
  });

const accept = (body: Record<string, unknown>, bearer?: string) =>
  invoke(acceptInvitation, {
    method: 'POST',
    path: '/v1/invitations/accept',
    body,
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });

const ownerInvitation = (body: Record<string, unknown>) =>
  invoke(platformOwnerInvitation, {
    method: 'POST',
    path: '/v1/platform/tenants/acme/owner-invitation',
    pathParameters: { tenantId: 'acme' },
    iam: 'arn:aws:iam::1:user/ops',
    body,
  });

// ── what was sent ───────────────────────────────────────────────────────

/** The inputs of every `command` sent to Cognito, in order. */
function inputs<T = Record<string, unknown>>(command: unknown): T[] {
  return idp.commandCalls(command as typeof AdminGetUserCommand).map((c) => c.args[0].input as T);
}

const CREDENTIAL_WRITES = [
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminCreateUserCommand,
];

/** The names of the Cognito commands sent, in order. */
const cognitoSent = () => idp.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''));

/** No credential or attribute of any login was touched, and nothing was written to the table. */
function expectNothingWritten(): void {
  for (const command of CREDENTIAL_WRITES) {
    expect(inputs(command), `${command.name} was sent`).toEqual([]);
  }
  expect(idp.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(0);
  expect(db.commandCalls(TransactWriteCommand), 'a refused request wrote a transaction').toHaveLength(0);
  for (const command of [PutCommand, UpdateCommand, DeleteCommand]) {
    expect(db.commandCalls(command as never), `${command.name} was sent`).toHaveLength(0);
  }
}

/** No Cognito write of any kind addressed `sub` or `email` (the login the rules protect). */
function expectLoginUntouched(sub: string, email?: string): void {
  const names = [sub, ...(email ? [email] : [])];
  for (const command of [AdminSetUserPasswordCommand, AdminUpdateUserAttributesCommand, AdminDeleteUserCommand]) {
    const touched = inputs<{ Username?: string }>(command).filter((i) => names.includes(i.Username ?? ''));
    expect(touched, `${command.name} for ${sub}`).toEqual([]);
  }
}

type TxItem = {
  Put?: { Item: Record<string, unknown> };
  Update?: {
    Key: Key;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
  Delete?: { Key: Key };
  ConditionCheck?: { Key: Key };
};

function transactions(): TxItem[][] {
  return db.commandCalls(TransactWriteCommand).map((c) => (c.args[0].input.TransactItems ?? []) as TxItem[]);
}

/** The one Update of `IDENTITY#id` in the transaction, as attribute name → the value it SETs. */
function identityChange(tx: TxItem[], id: string): Record<string, unknown> {
  const updates = tx.filter((i) => i.Update?.Key.pk === `IDENTITY#${id}`);
  expect(updates, `one update of IDENTITY#${id}`).toHaveLength(1);
  const update = updates[0]?.Update as NonNullable<TxItem['Update']>;
  const names = update.ExpressionAttributeNames ?? {};
  const values = update.ExpressionAttributeValues ?? {};
  const assigned: Record<string, unknown> = {};
  for (const [, name, value] of update.UpdateExpression.matchAll(/(#\w+)\s*=\s*(?:if_not_exists\(#\w+,\s*)?(:\w+)/g)) {
    assigned[names[name as string] ?? (name as string)] = values[value as string];
  }
  return assigned;
}

const auditActions = (tx: TxItem[]) =>
  tx.flatMap((i) => (String(i.Put?.Item.pk).endsWith('#AUDIT') ? [String(i.Put?.Item.action)] : []));

const memberPut = (tx: TxItem[], id: string) =>
  tx.find((i) => i.Put?.Item.entity === 'member' && i.Put.Item.id === id)?.Put?.Item;

// ── people the routes act on ────────────────────────────────────────────

/** Bo, an agent of acme (u-2), and his login; managed by acme and joined nowhere else unless overridden. */
function bo(member: Record<string, unknown> = {}, identity: Record<string, unknown> = {}): Item[] {
  return [
    memberItem({ id: 'u-2', email: 'bo@acme.test', name: 'Bo', role: 'agent', ...member }),
    identityItem({ id: 'u-2', email: 'bo@acme.test', ...identity }),
  ];
}

/** A login acme made that also joined globex. */
const SHARED = { acceptedTenants: new Set(['acme', 'globex']), membershipCount: 2 };
/** A login that existed before it joined acme (no tenant made it), though it joined nowhere else. */
const MADE_ELSEWHERE = { managedBy: null };
const PENDING = { tokenHash: hashToken('x'.repeat(43)), expiresAt: '2099-01-01T00:00:00.000Z', sendCount: 1 };

const ATTACKER_PASSWORD = 'Att4cker!ChosenPw';

/** Table rows whose title ends with the expected answer (the last two cells: status, problem code). */
function titled<R extends [string, ...unknown[]]>(rows: R[]): R[] {
  return rows.map((row) => [`${row[0]} → ${row.at(-2)} ${row.at(-1)}`, ...row.slice(1)] as R);
}

// ── createMember ────────────────────────────────────────────────────────

describe('createMember (direct creation, "New User")', () => {
  it.each([
    ['the owner', 'owner' as const, { role: 'agent' }],
    ['a custom role with users:create', 'hr' as const, { role: 'custom', roleId: 'hr' }],
  ])('%s, for an address whose login exists elsewhere: invited, its password never set', async (_l, actor, role) => {
    logins['cfo@globex.test'] = 'u-cfo';
    const res = await create(actor, {
      email: 'cfo@globex.test',
      name: 'Cleo',
      password: ATTACKER_PASSWORD,
      temporaryPassword: false,
      ...role,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: 'u-cfo', status: 'invited' });
    expect(cognitoSent()).toEqual(['AdminGetUser']);
    expectLoginUntouched('u-cfo', 'cfo@globex.test');
    const [tx, ...more] = transactions();
    expect(more).toEqual([]);
    expect(memberPut(tx ?? [], 'u-cfo')).toMatchObject({ status: 'invited', email: 'cfo@globex.test' });
    // The tenant records the login as not its own: it may never set its password or email.
    expect(identityChange(tx ?? [], 'u-cfo')).toMatchObject({ managedBy: null, hasPassword: true });
    expect(JSON.stringify(db.calls().map((c) => c.args[0].input))).not.toContain(ATTACKER_PASSWORD);
    const sent = mail.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses);
    expect(sent).toEqual([['cfo@globex.test']]);
  });

  it('for an address already a member here: 409 before any Cognito call (no password set, nothing written)', async () => {
    world(...bo({ status: 'invited', invitation: PENDING }), {
      pk: 'TENANT#acme',
      sk: 'EMAIL#bo@acme.test',
      id: 'u-2',
    });
    logins['bo@acme.test'] = 'u-2';
    const res = await create('hr', {
      email: 'bo@acme.test',
      name: 'Bo',
      password: ATTACKER_PASSWORD,
      role: 'custom',
      roleId: 'hr',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email-taken');
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('for a login created by someone else between the look-up and the creation: invited, password never set', async () => {
    idp
      .on(AdminGetUserCommand)
      .rejectsOnce(notFound('UserNotFoundException'))
      .resolves({
        Username: 'u-raced',
        UserAttributes: [{ Name: 'sub', Value: 'u-raced' }],
      });
    idp.on(AdminCreateUserCommand).rejects(notFound('UsernameExistsException'));
    const res = await create('owner', {
      email: 'raced@acme.test',
      name: 'Ray',
      password: ATTACKER_PASSWORD,
      role: 'agent',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: 'u-raced', status: 'invited' });
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([]);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([]);
    expect(identityChange(transactions()[0] ?? [], 'u-raced')).toMatchObject({ managedBy: null, hasPassword: true });
  });

  it('a refused creation (a role the actor cannot confer) sends nothing to Cognito', async () => {
    const res = await create('hr', {
      email: 'new@acme.test',
      name: 'Nia',
      password: 'Chosen1Password!',
      role: 'agent',
    });
    expect(res.status).toBe(403);
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('allowed: a new address gets a new login, whose password is set by its sub, permanent, and only on it', async () => {
    const res = await create('owner', {
      email: 'new@acme.test',
      name: 'Nia',
      password: 'Chosen1Password!',
      role: 'agent',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: 'u-new', status: 'active' });
    expect(inputs(AdminCreateUserCommand)).toEqual([
      expect.objectContaining({ UserPoolId: POOL, Username: 'new@acme.test', MessageAction: 'SUPPRESS' }),
    ]);
    const passwords = inputs<{ Username: string; Password: string; Permanent: boolean }>(AdminSetUserPasswordCommand);
    // First a random one nobody knows (never FORCE_CHANGE_PASSWORD), then the chosen one: both on the new login only.
    expect(passwords.map((p) => [p.Username, p.Permanent])).toEqual([
      ['u-new', true],
      ['u-new', true],
    ]);
    expect(passwords[1]).toEqual({
      UserPoolId: POOL,
      Username: 'u-new',
      Password: 'Chosen1Password!',
      Permanent: true,
    });
    expect(passwords[0]?.Password).not.toBe('Chosen1Password!');
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([
      { UserPoolId: POOL, Username: 'u-new', UserAttributes: [{ Name: 'name', Value: 'Nia' }] },
    ]);
    const tx = transactions()[0] ?? [];
    expect(identityChange(tx, 'u-new')).toMatchObject({
      managedBy: 'acme',
      hasPassword: true,
      mustChangePassword: true,
    });
    expect(memberPut(tx, 'u-new')).toMatchObject({ status: 'active' });
  });
});

// ── inviteMember ────────────────────────────────────────────────────────

describe('inviteMember', () => {
  it('an address whose login exists: the invitation names that login and nothing is set on it', async () => {
    logins['cfo@globex.test'] = 'u-cfo';
    const res = await invite('owner', { email: 'cfo@globex.test', name: 'Cleo', role: 'admin' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: 'u-cfo', status: 'invited' });
    expect(cognitoSent()).toEqual(['AdminGetUser']);
    expectLoginUntouched('u-cfo', 'cfo@globex.test');
    expect(identityChange(transactions()[0] ?? [], 'u-cfo')).toMatchObject({ managedBy: null, hasPassword: true });
  });

  it('an address already a member here: 409 before any Cognito call', async () => {
    world(...bo(), { pk: 'TENANT#acme', sk: 'EMAIL#bo@acme.test', id: 'u-2' });
    logins['bo@acme.test'] = 'u-2';
    const res = await invite('hr', { email: 'bo@acme.test', role: 'custom', roleId: 'hr' });
    expect(res.status).toBe(409);
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('allowed: a new address gets a login with a random password nobody knows, set on that login only', async () => {
    const res = await invite('owner', { email: 'new@acme.test', name: 'Nia', role: 'agent' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const passwords = inputs<{ Username: string; Password: string; Permanent: boolean }>(AdminSetUserPasswordCommand);
    expect(passwords).toEqual([{ UserPoolId: POOL, Username: 'u-new', Password: expect.any(String), Permanent: true }]);
    expect(passwords[0]?.Password.length).toBeGreaterThanOrEqual(32);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([]);
    expect(identityChange(transactions()[0] ?? [], 'u-new')).toMatchObject({ managedBy: 'acme', hasPassword: false });
  });
});

// ── updateMember ────────────────────────────────────────────────────────

describe('updateMember: a login’s email is changed only where rules 1 and 2 allow', () => {
  const owner = (m: Record<string, unknown> = {}) => [
    memberItem({ ...ACTORS.owner, ...m }),
    identityItem({ id: 'u-owner', email: 'owner@acme.test' }),
  ];
  const refused: [string, ActorName, string, Item[], number, string][] = [
    ['a login shared with another tenant, by the owner', 'owner', 'u-2', bo({}, SHARED), 409, 'identity-shared'],
    ['a login made elsewhere, by the owner', 'owner', 'u-2', bo({}, MADE_ELSEWHERE), 409, 'identity-shared'],
    [
      'a login another tenant created (joined only here)',
      'owner',
      'u-2',
      bo({}, { managedBy: 'globex' }),
      409,
      'identity-shared',
    ],
    ['the owner’s, by another admin', 'admin', 'u-owner', owner(), 403, 'forbidden'],
    ['the owner’s, by a custom role holding every permission', 'all', 'u-owner', owner(), 403, 'forbidden'],
    ['an agent’s, by users:view+users:edit (does not dominate)', 'hr', 'u-2', bo(), 403, 'forbidden'],
    ['an admin’s, by a custom role holding every permission', 'all', 'u-2', bo({ role: 'admin' }), 403, 'forbidden'],
    [
      'a pending invitation whose login has a password (managed here)',
      'owner',
      'u-2',
      bo({ status: 'invited', invitation: PENDING }, { acceptedTenants: new Set(), hasPassword: true }),
      409,
      'identity-shared',
    ],
    [
      'a pending invitation of a login joined elsewhere',
      'owner',
      'u-2',
      bo(
        { status: 'invited', invitation: PENDING },
        { managedBy: null, acceptedTenants: new Set(['globex']), hasPassword: true },
      ),
      409,
      'identity-shared',
    ],
    [
      'a pending admin invitation, by a custom role',
      'hr',
      'u-2',
      bo({ status: 'invited', invitation: PENDING, role: 'admin' }, { acceptedTenants: new Set(), hasPassword: false }),
      403,
      'forbidden',
    ],
  ];

  it.each(titled(refused))(
    '%s: no attribute update, nothing written',
    async (_label, actor, target, people, status, code) => {
      world(...people);
      const res = await patch(actor, target, { email: 'attacker@evil.test' });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.code).toBe(code);
      expectNothingWritten();
      expect(inputs(AdminGetUserCommand)).toEqual([]);
    },
  );

  it('a name change of a member the actor does not dominate is refused before anything is sent', async () => {
    world(...bo());
    const res = await patch('hr', 'u-2', { name: 'Renamed' });
    expect(res.status).toBe(403);
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('a login another tenant also names, even only by a pending invitation: 409, nothing sent or written', async () => {
    // Moving the address would hand that tenant's invitation (and, once accepted, its membership) to the new one.
    world(...bo({}, { membershipCount: 2 }));
    const res = await patch('owner', 'u-2', { email: 'bo.new@acme.test' });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('identity-shared');
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('an address that already has a login: 409 email-taken, the login of neither address touched', async () => {
    world(...bo());
    logins['taken@globex.test'] = 'u-taken';
    const res = await patch('owner', 'u-2', { email: 'taken@globex.test' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email-taken');
    expect(cognitoSent()).toEqual(['AdminGetUser']);
    expectNothingWritten();
  });

  it.each([
    ['the owner changes a managed agent’s email', 'owner' as const, {}],
    ['a custom role changes the email of a member of the same role', 'hr' as const, { role: 'custom', roleId: 'hr' }],
  ])('allowed: %s — by sub, verified, sessions stamped first, then signed out', async (_l, actor, member) => {
    const { membershipCount, ...fields } = member as { membershipCount?: number };
    world(...bo(fields, membershipCount ? { membershipCount } : {}));
    const before = Date.now();
    const res = await patch(actor, 'u-2', { email: 'bo.new@acme.test' });
    const after = Date.now();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([
      {
        UserPoolId: POOL,
        Username: 'u-2',
        UserAttributes: [
          { Name: 'email', Value: 'bo.new@acme.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
      },
    ]);
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([]);
    expect(inputs(AdminUserGlobalSignOutCommand)).toEqual([{ UserPoolId: POOL, Username: 'u-2' }]);
    const [tx] = transactions();
    const change = identityChange(tx ?? [], 'u-2');
    expect(change.email).toBe('bo.new@acme.test');
    expect(change.tokensValidAfter).toBeGreaterThanOrEqual(before);
    expect(change.tokensValidAfter).toBeLessThanOrEqual(after);
    expect(order).toEqual(['TransactWriteItems', 'AdminUpdateUserAttributes']);
  });

  it('allowed: a pending invitation of a login nobody has a password for follows the new address', async () => {
    world(...bo({ status: 'invited', invitation: PENDING }, { acceptedTenants: new Set(), hasPassword: false }));
    const res = await patch('owner', 'u-2', { email: 'bo.new@acme.test' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(inputs<{ Username: string }>(AdminUpdateUserAttributesCommand).map((i) => i.Username)).toEqual(['u-2']);
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([]);
    const sent = mail.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses);
    expect(sent).toEqual([['bo.new@acme.test']]);
  });
});

// ── resetMemberPassword ─────────────────────────────────────────────────

describe('resetMemberPassword: a password is set only where rules 1 and 2 allow', () => {
  const refused: [string, ActorName, string, Item[], number, string][] = [
    ['a login shared with another tenant, by the owner', 'owner', 'u-2', bo({}, SHARED), 409, 'identity-shared'],
    ['a login made elsewhere, by the owner', 'owner', 'u-2', bo({}, MADE_ELSEWHERE), 409, 'identity-shared'],
    [
      'a login another tenant created (joined only here)',
      'owner',
      'u-2',
      bo({}, { managedBy: 'globex' }),
      409,
      'identity-shared',
    ],
    ['the owner’s, by another admin', 'admin', 'u-owner', [], 403, 'forbidden'],
    ['the owner’s, by a custom role holding every permission', 'all', 'u-owner', [], 403, 'forbidden'],
    ['an agent’s, by users:view+users:edit+users:create', 'hr', 'u-2', bo(), 403, 'forbidden'],
    ['a manager’s, by users:view+users:edit+users:create', 'hr', 'u-2', bo({ role: 'manager' }), 403, 'forbidden'],
    ['an admin’s, by a custom role holding every permission', 'all', 'u-2', bo({ role: 'admin' }), 403, 'forbidden'],
    [
      'an invited member (login without a password), by the owner',
      'owner',
      'u-2',
      bo({ status: 'invited', invitation: PENDING }, { acceptedTenants: new Set(), hasPassword: false }),
      403,
      'forbidden',
    ],
    [
      'an invited member whose login is used elsewhere, by the owner',
      'owner',
      'u-2',
      bo({ status: 'invited', invitation: PENDING }, { managedBy: null, acceptedTenants: new Set(['globex']) }),
      403,
      'forbidden',
    ],
  ];

  it.each(titled(refused))(
    '%s: no password set, nothing written',
    async (_label, actor, target, people, status, code) => {
      world(...people);
      const res = await reset(actor, target, { password: ATTACKER_PASSWORD, temporary: false });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.code).toBe(code);
      expect(idp.calls()).toHaveLength(0);
      expectNothingWritten();
    },
  );

  it.each([
    ['the owner resets a managed agent', 'owner' as const, {}, {}],
    ['another admin resets a managed agent', 'admin' as const, {}, {}],
    ['a custom role resets a member of the same role', 'hr' as const, { role: 'custom', roleId: 'hr' }, {}],
    ['the owner, a login only invited elsewhere', 'owner' as const, {}, { membershipCount: 2 }],
    ['the owner, a suspended managed member', 'owner' as const, { status: 'suspended' }, {}],
  ])('allowed: %s — stamped and audited first, then set by sub, permanent', async (_l, actor, member, identity) => {
    world(...bo(member, identity));
    const before = Date.now();
    const res = await reset(actor, 'u-2', { password: 'Reset1Password!!' });
    const after = Date.now();
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([
      { UserPoolId: POOL, Username: 'u-2', Password: 'Reset1Password!!', Permanent: true },
    ]);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([]);
    expect(inputs(AdminUserGlobalSignOutCommand)).toEqual([{ UserPoolId: POOL, Username: 'u-2' }]);
    const [tx, ...more] = transactions();
    expect(more).toEqual([]);
    const change = identityChange(tx ?? [], 'u-2');
    expect(change).toMatchObject({ hasPassword: true, mustChangePassword: true });
    expect(change.tokensValidAfter).toBeGreaterThanOrEqual(before);
    expect(change.tokensValidAfter).toBeLessThanOrEqual(after);
    // Decided on the identity as read: a login that joined another tenant meanwhile fails the transaction.
    expect(tx?.find((i) => i.Update?.Key.pk === 'IDENTITY#u-2')?.Update?.ConditionExpression).toContain('#version');
    expect(auditActions(tx ?? [])).toEqual(['member.password_reset']);
    expect(order).toEqual(['TransactWriteItems', 'AdminSetUserPassword']);
  });

  it('a login that joined another tenant meanwhile: the transaction fails and no password is set', async () => {
    world(...bo());
    db.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const res = await reset('owner', 'u-2', { password: 'Reset1Password!!' });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([]);
    expect(inputs(AdminUserGlobalSignOutCommand)).toEqual([]);
  });
});

// ── acceptInvitation ────────────────────────────────────────────────────

/** A signing key standing for the user pool's, its JWKS served to the verifier in place of Cognito's. */
const KID = 'test-key';
let privateKey: KeyObject;
let jwks: unknown;

function accessToken(sub: string, claims: Record<string, unknown> = {}, key = privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', kid: KID, typ: 'JWT' };
  const payload = {
    sub,
    iss: ISSUER,
    client_id: CLIENT,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: `j-${sub}-${now}`,
    username: sub,
    ...claims,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signed = `${encode(header)}.${encode(payload)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), key).toString('base64url')}`;
}

beforeAll(() => {
  process.env.USER_POOL_ISSUER = ISSUER;
  resetConfig();
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] };
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (url: string | URL, init?: RequestInit) =>
    String(url) === `${ISSUER}/.well-known/jwks.json`
      ? new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } })
      : realFetch(url, init),
  );
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('acceptInvitation: an existing login joins only with proof, and accept never sets its password', () => {
  const SECRET = 'S'.repeat(43);
  const TOKEN = `acme.u-5.${SECRET}`;
  /** Cleo (u-5), invited to acme; her login exists (a password is set) and she joined globex. */
  function cleo(identity: Record<string, unknown> = {}) {
    world(
      memberItem({
        id: 'u-5',
        email: 'cleo@globex.test',
        name: 'Cleo',
        role: 'admin',
        status: 'invited',
        invitedBy: 'u-owner',
        invitation: { ...PENDING, tokenHash: hashToken(SECRET) },
      }),
      identityItem({
        id: 'u-5',
        email: 'cleo@globex.test',
        managedBy: null,
        acceptedTenants: new Set(['globex']),
        ...identity,
      }),
    );
  }
  const wrongPassword = () => idp.on(InitiateAuthCommand).rejects(notFound('NotAuthorizedException'));

  const refused: [string, () => void, () => Promise<Awaited<ReturnType<typeof accept>>>, number, string][] = [
    ['the invitation token alone', () => cleo(), () => accept({ token: TOKEN }), 401, 'login-required'],
    [
      'the token with a name (a new-login form)',
      () => cleo(),
      () => accept({ token: TOKEN, name: 'Mallory' }),
      401,
      'login-required',
    ],
    [
      'the token with a wrong password',
      () => {
        cleo();
        wrongPassword();
      },
      () => accept({ token: TOKEN, name: 'Mallory', password: ATTACKER_PASSWORD }),
      401,
      'unauthenticated',
    ],
    [
      'the token with a password that only reaches a challenge',
      () => {
        cleo();
        idp.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });
      },
      () => accept({ token: TOKEN, password: ATTACKER_PASSWORD }),
      401,
      'unauthenticated',
    ],
    [
      'another identity’s valid access token',
      () => cleo(),
      () => accept({ token: TOKEN, password: ATTACKER_PASSWORD }, accessToken('u-attacker')),
      401,
      'login-required',
    ],
    [
      'a token of this identity signed by another key',
      () => cleo(),
      () =>
        accept(
          { token: TOKEN },
          accessToken('u-5', {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
        ),
      401,
      'login-required',
    ],
    [
      'an id token (not an access token) of this identity',
      () => cleo(),
      () => accept({ token: TOKEN }, accessToken('u-5', { token_use: 'id' })),
      401,
      'login-required',
    ],
    [
      'a token of this identity issued before its last credential change',
      () => cleo({ tokensValidAfter: Date.now() + 5_000 }),
      () => accept({ token: TOKEN }, accessToken('u-5')),
      401,
      'login-required',
    ],
    [
      'another identity’s token, for a login nobody has a password for',
      () => cleo({ managedBy: 'acme', acceptedTenants: new Set(), hasPassword: false }),
      () => accept({ token: TOKEN, name: 'Mallory', password: ATTACKER_PASSWORD }, accessToken('u-attacker')),
      401,
      'login-required',
    ],
  ];

  it.each(titled(refused))(
    '%s: no password or attribute set, nothing written',
    async (_l, setup, attempt, status, code) => {
      setup();
      const res = await attempt();
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.code).toBe(code);
      expectNothingWritten();
    },
  );

  it('a wrong password is checked against the login by its sub, not by the address', async () => {
    cleo();
    wrongPassword();
    await accept({ token: TOKEN, password: ATTACKER_PASSWORD });
    expect(inputs(InitiateAuthCommand)).toEqual([
      {
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'u-5', PASSWORD: ATTACKER_PASSWORD },
      },
    ]);
  });

  it('allowed: the login’s own password links it — its password and name untouched', async () => {
    cleo();
    idp.on(InitiateAuthCommand).resolves({ AuthenticationResult: { AccessToken: 'a', IdToken: 'i', ExpiresIn: 3600 } });
    const res = await accept({ token: TOKEN, name: 'Renamed', password: 'Her1OwnPassword!' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ memberId: 'u-5', status: 'active', linked: true });
    expect(cognitoSent()).toEqual(['InitiateAuth']);
    const [tx, ...more] = transactions();
    expect(more).toEqual([]);
    expect(auditActions(tx ?? [])).toContain('identity.linked');
    expect(JSON.stringify(db.calls().map((c) => c.args[0].input))).not.toContain('Her1OwnPassword!');
  });

  it('allowed: the login’s own access token links it — no Cognito write at all', async () => {
    cleo();
    const res = await accept({ token: TOKEN }, accessToken('u-5'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ memberId: 'u-5', linked: true });
    expect(idp.calls()).toHaveLength(0);
    expect(transactions()).toHaveLength(1);
  });

  it('allowed: a login nobody has a password for gets the person’s chosen one, by its sub, permanent', async () => {
    cleo({ managedBy: 'acme', acceptedTenants: new Set(), hasPassword: false });
    const res = await accept({ token: TOKEN, name: 'Cleo', password: 'Her1OwnPassword!' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ linked: false, status: 'active' });
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([
      { UserPoolId: POOL, Username: 'u-5', Password: 'Her1OwnPassword!', Permanent: true },
    ]);
    expect(inputs<{ Username: string }>(AdminUpdateUserAttributesCommand).map((i) => i.Username)).toEqual(['u-5']);
    expect(identityChange(transactions()[0] ?? [], 'u-5')).toMatchObject({ hasPassword: true });
  });
});

// ── deleteMember ────────────────────────────────────────────────────────

describe('deleteMember: a login with another membership is never deleted', () => {
  it.each([
    // DESIGN §2a rule 11: the person's sessions in their other tenant live on.
    ['accepted in another tenant', { membershipCount: 2, acceptedTenants: new Set(['acme', 'globex']) }, []],
    // No other tenant uses the login: its sessions end with the last accepted membership.
    [
      'only invited to another tenant',
      { membershipCount: 2, acceptedTenants: new Set(['acme']) },
      [{ UserPoolId: POOL, Username: 'u-2' }],
    ],
  ])('a login %s: the membership goes, the login stays', async (_l, identity, signedOut) => {
    world(...bo({}, identity));
    const res = await remove('owner', 'u-2');
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(transactions()).toHaveLength(1);
    expect(inputs(AdminDeleteUserCommand)).toEqual([]);
    expect(inputs(AdminSetUserPasswordCommand)).toEqual([]);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([]);
    expect(inputs(AdminUserGlobalSignOutCommand)).toEqual(signedOut);
  });

  it('a login Roster never recorded, with a membership elsewhere: looked up, and kept', async () => {
    world(
      memberItem({ id: 'u-2', email: 'bo@acme.test', name: 'Bo', role: 'agent' }),
      memberItem({
        id: 'u-2',
        pk: 'TENANT#globex',
        tenantId: 'globex',
        email: 'bo@acme.test',
        gsi1pk: 'IDENTITY#u-2',
        gsi1sk: 'TENANT#globex',
      }),
    );
    const res = await remove('owner', 'u-2');
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(db.commandCalls(QueryCommand).length).toBeGreaterThan(0);
    expect(inputs(AdminDeleteUserCommand)).toEqual([]);
  });

  it.each([
    ['an agent, by a custom role with users:delete only (does not dominate)', 'remover' as const, bo()],
    ['an admin, by a custom role holding every permission', 'all' as const, bo({ role: 'admin' })],
  ])('refused: %s — the login is not deleted, nothing written', async (_l, actor, people) => {
    world(...people);
    const res = await remove(actor, 'u-2');
    expect(res.status).toBe(403);
    expectNothingWritten();
  });

  it('refused: the owner, by another admin — the owner’s login is not deleted', async () => {
    const res = await remove('admin', 'u-owner');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectNothingWritten();
  });

  it('allowed: the login’s last membership — that login (by its sub) and no other is deleted', async () => {
    world(...bo());
    const res = await remove('owner', 'u-2');
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(inputs(AdminDeleteUserCommand)).toEqual([{ UserPoolId: POOL, Username: 'u-2' }]);
    expect(order[0]).toBe('TransactWriteItems');
  });
});

// ── platformOwnerInvitation ─────────────────────────────────────────────

describe('platformOwnerInvitation: a new owner address never has its login changed', () => {
  /** The owner never accepted; their login is also invited to (or a member of) globex unless `only`. */
  function pendingOwner(identity: Record<string, unknown> = {}, member: Record<string, unknown> = {}) {
    items = [
      tenant(),
      memberItem({ ...ACTORS.owner, status: 'invited', invitation: PENDING, ...member }),
      identityItem({
        id: 'u-owner',
        email: 'owner@acme.test',
        acceptedTenants: new Set(),
        hasPassword: false,
        membershipCount: 2,
        ...identity,
      }),
    ];
  }

  it('an existing login as the new owner: invited by its sub, no password or attribute set, the old login kept', async () => {
    pendingOwner();
    logins['ceo@globex.test'] = 'u-ceo';
    const res = await ownerInvitation({ email: 'ceo@globex.test', name: 'Cyd' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: 'u-ceo', status: 'invited' });
    expect(cognitoSent()).toEqual(['AdminGetUser']);
    expectLoginUntouched('u-ceo', 'ceo@globex.test');
    expectLoginUntouched('u-owner', 'owner@acme.test');
    expect(identityChange(transactions()[0] ?? [], 'u-ceo')).toMatchObject({ managedBy: null, hasPassword: true });
  });

  it('re-sending to the same owner sends nothing to Cognito', async () => {
    pendingOwner();
    const res = await ownerInvitation({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(idp.calls()).toHaveLength(0);
  });

  it.each([
    ['active', { status: 'active', invitation: undefined }],
    ['suspended', { status: 'suspended', invitation: undefined }],
  ])('an owner who joined (%s): 409, no Cognito call, nothing written', async (_l, member) => {
    pendingOwner({ acceptedTenants: new Set(['acme']), hasPassword: true }, member);
    logins['ceo@globex.test'] = 'u-ceo';
    const res = await ownerInvitation({ email: 'ceo@globex.test', name: 'Cyd' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(idp.calls()).toHaveLength(0);
    expectNothingWritten();
  });

  it('allowed: a new address — a password nobody knows on the new login only; the replaced orphan login removed', async () => {
    pendingOwner({ membershipCount: 1, managedBy: 'acme' });
    const res = await ownerInvitation({ email: 'ceo@acme.test', name: 'Cyd' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(inputs<{ Username: string }>(AdminSetUserPasswordCommand).map((i) => i.Username)).toEqual(['u-new']);
    expect(inputs(AdminUpdateUserAttributesCommand)).toEqual([]);
    expect(inputs(AdminDeleteUserCommand)).toEqual([{ UserPoolId: POOL, Username: 'u-owner' }]);
  });
});
