/**
 * Issue 17 §3 (orphan login from a refused platform call), at the SDK
 * boundary: a refusal writes nothing — in Cognito either. A taken id is
 * refused before any login is made; a transaction refused after the login was
 * made (the id taken meanwhile) deletes the login it just made.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as createTenant } from '../../functions/platform/create-tenant.ts';
import { invoke } from './events.ts';
import { tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

const request = {
  method: 'POST',
  path: '/v1/platform/tenants',
  iam: 'arn:aws:iam::1:user/ops',
  body: { id: 'acme', name: 'Acme', plan: 'growth', owner: { email: 'new@acme.test', name: 'New' } },
};

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
  db.onAnyCommand().resolves({});
  idp.onAnyCommand().resolves({});
  idp.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'no', $metadata: {} }));
  idp.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'u-new' }] } });
  mail.onAnyCommand().resolves({ MessageId: 'm-1' });
});

describe('POST /v1/platform/tenants refused: no login left behind', () => {
  it('a taken id is 409 before any Cognito call', async () => {
    db.on(GetCommand).resolves({ Item: tenantItem() });
    const res = await invoke(createTenant, request);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(idp.calls()).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('an id taken between the check and the write: the login made for it is deleted', async () => {
    db.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      }),
    );
    const res = await invoke(createTenant, request);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(idp.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username)).toEqual(['u-new']);
    expect(mail.calls()).toHaveLength(0);
  });
});
