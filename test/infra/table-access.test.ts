/**
 * The table grants on their own (a small stack, nothing bundled): the action
 * lists are exactly the DynamoDB calls the code makes, and audit partitions
 * are closed to updates and deletes. stack.test.ts checks every real role.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RosterTable } from '../../infra/constructs/table.ts';
import {
  AUDIT_DENIED_ACTIONS,
  AUDIT_PARTITIONS,
  denyAuditChanges,
  grantTable,
  INDEX_ACTIONS,
  TABLE_ACTIONS,
} from '../../infra/constructs/table-access.ts';
import { TenantId } from '../../lib/http/schemas.ts';
import { keys } from '../../lib/store/keys.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The IAM actions each DynamoDB command needs (TransactWriteItems: one per kind of item). */
const COMMAND_ACTIONS: Record<string, readonly string[]> = {
  GetCommand: ['GetItem'],
  GetItemCommand: ['GetItem'],
  BatchGetCommand: ['BatchGetItem'],
  BatchGetItemCommand: ['BatchGetItem'],
  QueryCommand: ['Query'],
  ScanCommand: ['Scan'],
  PutCommand: ['PutItem'],
  PutItemCommand: ['PutItem'],
  UpdateCommand: ['UpdateItem'],
  UpdateItemCommand: ['UpdateItem'],
  DeleteCommand: ['DeleteItem'],
  DeleteItemCommand: ['DeleteItem'],
  BatchWriteCommand: ['BatchWriteItem'],
  BatchWriteItemCommand: ['BatchWriteItem'],
  TransactGetCommand: ['GetItem'],
  TransactGetItemsCommand: ['GetItem'],
  TransactWriteCommand: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  TransactWriteItemsCommand: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
};

/** Names the code imports from the DynamoDB packages, in lib/ and functions/. */
function dynamoImports(): string[] {
  const files = ['lib', 'functions'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(ROOT, dir, f)),
  );
  const pattern = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(?:lib|client)-dynamodb'/g;
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(pattern)].flatMap((m) =>
      (m[1] ?? '')
        .split(',')
        .map((name) =>
          name
            .replace(/^\s*type\s+/, '')
            .replace(/\s+as\s+\w+/, '')
            .trim(),
        )
        .filter(Boolean),
    ),
  );
}

/** IAM `StringLike`: `*` is any run of characters, `?` any one. */
const stringLike = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

describe('the table actions', () => {
  const imported = dynamoImports();
  const commands = imported.filter((name) => name.endsWith('Command'));

  it('are exactly what the DynamoDB commands of lib/ and functions/ need', () => {
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(COMMAND_ACTIONS, `${command} has no IAM mapping`).toHaveProperty(command);
    const needed = new Set(commands.flatMap((c) => COMMAND_ACTIONS[c] ?? []).map((a) => `dynamodb:${a}`));
    expect([...TABLE_ACTIONS.readWrite].sort()).toEqual([...needed].sort());
  });

  it('are sent only through the one client (no aggregated client whose methods this scan cannot see)', () => {
    expect(imported).not.toContain('DynamoDB');
    expect(imported).not.toContain('DynamoDBDocument');
  });

  it('never include Scan or BatchWriteItem, and read is a subset of readWrite without writes', () => {
    expect(commands).not.toContain('ScanCommand');
    for (const actions of Object.values(TABLE_ACTIONS)) {
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions).not.toContain('dynamodb:BatchWriteItem');
    }
    expect(TABLE_ACTIONS.readWrite).toEqual(expect.arrayContaining([...TABLE_ACTIONS.read]));
    expect(TABLE_ACTIONS.read.filter((a) => /Put|Update|Delete|Write|ConditionCheck/.test(a))).toEqual([]);
  });
});

describe('grantTable and denyAuditChanges', () => {
  function roleTemplate(access?: 'read' | 'readWrite') {
    const stack = new Stack(new App(), 'Test');
    const { table } = new RosterTable(stack, 'Data');
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    if (access) grantTable(role, table, access);
    denyAuditChanges(role, table);
    const template = Template.fromStack(stack);
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    return { tableArn: { 'Fn::GetAtt': [tableId, 'Arn'] }, statements: policy?.Properties.PolicyDocument.Statement };
  }

  it.each(['read', 'readWrite'] as const)(
    '%s: the listed actions on the table, Query on its indexes, and the audit Deny',
    (access) => {
      const { tableArn, statements } = roleTemplate(access);
      expect(statements).toEqual([
        { Effect: 'Allow', Action: [...TABLE_ACTIONS[access]], Resource: tableArn },
        {
          Effect: 'Allow',
          Action: INDEX_ACTIONS[0],
          Resource: { 'Fn::Join': ['', [tableArn, '/index/*']] },
        },
        {
          Effect: 'Deny',
          Action: [...AUDIT_DENIED_ACTIONS],
          Resource: tableArn,
          Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#AUDIT'] } },
        },
      ]);
    },
  );

  it('denies updates, deletes and batch writes of audit items, and nothing else', () => {
    const { statements } = roleTemplate();
    expect(statements).toHaveLength(1);
    expect([...AUDIT_DENIED_ACTIONS].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
    ]);
    // A put is how an audit item is written; TTL expiry is the service's own delete.
    expect(AUDIT_DENIED_ACTIONS).not.toContain('dynamodb:PutItem');
  });

  it('matches every tenant’s audit partition and no other partition of the key scheme', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/), fc.uuid(), (tenantId, id) => {
        fc.pre(TenantId.safeParse(tenantId).success);
        expect(stringLike(AUDIT_PARTITIONS, keys.audit(tenantId, '2025-01-01T00:00:00.000Z', id).pk)).toBe(true);
        expect(stringLike(AUDIT_PARTITIONS, keys.auditPartition(tenantId))).toBe(true);
        const others = [
          keys.tenant(tenantId).pk,
          keys.member(tenantId, id).pk,
          keys.identity(id).pk,
          keys.identityPartition(id),
          keys.emailClaim(tenantId, `${id}@example.com`).pk,
          keys.role(tenantId, id).pk,
          keys.team(tenantId, id).pk,
          keys.idempotency(tenantId, 'op', id, id).pk,
          keys.releaseTicket(tenantId, id).pk,
          keys.inviteShardPartition(0),
          keys.teamListPartition(tenantId),
          keys.assigneeQueuePartition(tenantId, id),
        ];
        for (const pk of others) expect(stringLike(AUDIT_PARTITIONS, pk), pk).toBe(false);
      }),
    );
  });
});
