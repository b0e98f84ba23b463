/**
 * Red team (DESIGN §2a rules 3 and 5), at the SDK boundary: accepting an
 * invitation whose link was replaced between the accept's read and its write
 * (an admin fixed the invitee's address, resent, or revoked it at that moment).
 * The accept is refused (410) — and must leave the login as it was: the holder
 * of a dead link never sets the password of a login that now belongs to
 * another address.
 */
import {
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as acceptInvitation } from '../../functions/invitations/accept.ts';
import { hashToken } from '../../lib/domain/tokens.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, TABLE, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);
const idp = mockClient(CognitoIdentityProviderClient);
const mail = mockClient(SESClient);

type Key = { pk: string; sk: string };
const SECRET = 'S'.repeat(43);
const TOKEN = `acme.u-5.${SECRET}`;
/** Invited to acme at the address the admin typed; the login Roster made for it has no password yet. */
const items = [
  tenantItem(),
  memberItem({
    id: 'u-5',
    email: 'typo@acme.test',
    name: 'Cleo',
    status: 'invited',
    invitedBy: 'u-owner',
    invitation: { tokenHash: hashToken(SECRET), expiresAt: '2099-01-01T00:00:00.000Z', sendCount: 1 },
  }),
  identityItem({ id: 'u-5', email: 'typo@acme.test', acceptedTenants: new Set(), hasPassword: false }),
];

beforeEach(() => {
  db.reset();
  idp.reset();
  mail.reset();
  db.onAnyCommand().resolves({});
  db.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Key[] }> }) => {
    const asked = input.RequestItems[TABLE]?.Keys ?? [];
    return { Responses: { [TABLE]: items.filter((i) => asked.some((k) => k.pk === i.pk && k.sk === i.sk)) } };
  });
  db.on(GetCommand).resolves({});
  // Between the accept's read and its write the admin replaced the link: the member's version moved.
  db.on(TransactWriteCommand).rejects(
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
    }),
  );
  idp.onAnyCommand().resolves({});
  mail.onAnyCommand().resolves({ MessageId: 'm-1' });
});

describe('accept racing the replacement of its link', () => {
  it("is refused and leaves neither its password nor its name on the login (now the corrected address's)", async () => {
    const res = await invoke(acceptInvitation, {
      method: 'POST',
      path: '/v1/invitations/accept',
      body: { token: TOKEN, name: 'Typo Mailbox', password: 'Typo1Mailbox!Pw' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(410);
    expect(res.body.code).toBe('invitation-invalid');
    // Whatever was set on the way, the login is left with a password nobody chose: not the dead link's.
    const set = idp.commandCalls(AdminSetUserPasswordCommand).map((c) => c.args[0].input);
    expect(set.at(-1)?.Password, 'the dead link left its password on the login').not.toBe('Typo1Mailbox!Pw');
    expect(set.every((input) => input.Username === set[0]?.Username)).toBe(true);
    expect(idp.commandCalls(AdminUpdateUserAttributesCommand).map((c) => c.args[0].input)).toEqual([]);
  });
});
