/**
 * Faults injected at the SDK level: SES down during an invite, Cognito down
 * during an accept. Nothing is half-written and nothing leaks.
 */
import {
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as accept } from '../../functions/invitations/accept.ts';
import { handler as invite } from '../../functions/invitations/invite.ts';
import { hashToken } from '../../lib/domain/tokens.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

const tenant = tenantItem({ seatsUsed: 1, version: 1 });
const admin = memberItem({ id: 'u-owner', email: 'owner@acme.test', name: 'Olive', role: 'admin' });

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
});

describe('SES failing during an invite', () => {
  it('keeps the invitation and its seat, and marks the delivery as failed', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, admin] } });
    // The address is not yet claimed in the tenant (checked before Cognito).
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});
    db.on(UpdateCommand).resolves({});
    idp
      .on(AdminGetUserCommand)
      .resolves({ UserAttributes: [{ Name: 'sub', Value: 'u-new' }], UserStatus: 'CONFIRMED' });
    mail.on(SendEmailCommand).rejects(Object.assign(new Error('SES unavailable'), { name: 'ServiceUnavailable' }));

    const res = await invoke(invite, {
      method: 'POST',
      path: '/v1/tenants/acme/invitations',
      pathParameters: { tenantId: 'acme' },
      claims: { sub: 'u-owner' },
      body: { email: 'new@acme.test', role: 'agent' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'u-new', status: 'invited', invitationDelivery: 'failed' });
    const tx = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // Counters, member, email claim, audit, identity — then the word index of the new member (new, acme, test:
    // lib/store/words.ts) and the send records (issue 17: the address, the budget), in some order.
    expect(tx).toHaveLength(10);
    expect(tx.slice(0, 5).map((i) => Object.keys(i)[0])).toEqual(['Update', 'Put', 'Put', 'Put', 'Update']);
    const rest = tx.slice(5).map((i) => i.Put?.Item?.sk ?? i.Update?.Key?.sk);
    expect(rest.filter((sk) => String(sk).startsWith('WORD#'))).toEqual([
      'WORD#new#u-new',
      'WORD#acme#u-new',
      'WORD#test#u-new',
    ]);
    const sends = tx.find((i) => i.Put?.Item?.sk === 'SENDS#new@acme.test');
    const budget = tx.find((i) => String(i.Update?.Key?.sk).startsWith('SEND_BUDGET#'));
    expect(tx[0]?.Update?.UpdateExpression).toBe('ADD seatsUsed :seats, activeAdmins :admins');
    expect(tx[3]?.Put?.Item).toMatchObject({ action: 'member.invited', target: { type: 'member', id: 'u-new' } });
    // The login's identity item counts the membership in the same transaction.
    expect(tx[4]?.Update?.Key).toEqual({ pk: 'IDENTITY#u-new', sk: '#IDENTITY' });
    expect(sends?.Put?.Item).toMatchObject({ pk: 'TENANT#acme', sk: 'SENDS#new@acme.test', sendCount: 1 });
    expect(budget?.Update?.Key).toMatchObject({ pk: 'TENANT#acme', sk: expect.stringMatching(/^SEND_BUDGET#/) });
    const mark = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(mark?.UpdateExpression).toBe('SET invitation.deliveryFailedAt = :at');
    expect(mark?.ExpressionAttributeValues?.[':hash']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Cognito failing mid-accept', () => {
  it('writes nothing to DynamoDB, so the same link works again later', async () => {
    const secret = 'A'.repeat(43);
    const invited = {
      ...admin,
      id: 'u-new',
      email: 'new@acme.test',
      status: 'invited',
      role: 'agent',
      invitation: {
        tokenHash: hashToken(secret),
        expiresAt: '2099-01-01T00:00:00.000Z',
        sendCount: 1,
        lastSentAt: '2026-01-01T00:00:00.000Z',
      },
    };
    // The invitation made the login: nobody has its password yet, so accepting sets one.
    const login = identityItem({ id: 'u-new', email: 'new@acme.test', acceptedTenants: new Set(), hasPassword: false });
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, invited, login] } });
    idp.on(AdminSetUserPasswordCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalErrorException' }));

    const res = await invoke(accept, {
      method: 'POST',
      path: '/v1/invitations/accept',
      body: { token: `acme.u-new.${secret}`, name: 'Nia', password: 'Good1Password!!' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.code).toBe('service-unavailable');
    expect(idp.commandCalls(AdminSetUserPasswordCommand)[0]?.args[0].input).toMatchObject({
      Username: 'u-new',
      Permanent: true,
    });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a token whose secret does not match, before any Cognito call', async () => {
    const invited = {
      ...admin,
      id: 'u-new',
      status: 'invited',
      invitation: { tokenHash: hashToken('B'.repeat(43)), expiresAt: '2099-01-01T00:00:00.000Z', sendCount: 1 },
    };
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, invited] } });
    const res = await invoke(accept, {
      method: 'POST',
      path: '/v1/invitations/accept',
      body: { token: `acme.u-new.${'A'.repeat(43)}`, name: 'Nia', password: 'Good1Password!!' },
    });
    expect(res.status).toBe(410);
    expect(idp.calls()).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
