import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as health } from '../../functions/meta/health.ts';
import { handler as createTenant } from '../../functions/platform/create-tenant.ts';
import { handler as getTenant } from '../../functions/tenants/get.ts';
import { handler as myMembership } from '../../functions/tenants/my-membership.ts';
import { handler as updateTenant } from '../../functions/tenants/update.ts';
import { invoke } from './events.ts';
import { identityItem, memberItem, tenantItem } from './fixtures.ts';

const db = mockClient(DynamoDBDocumentClient);

const tenant = tenantItem({ rolePermissions: { sales: ['contacts:view', 'contacts:create'] } });

const member = memberItem;

const asAnn = { claims: { sub: 'u-1', token_use: 'access' } };
const tenantPath = { path: '/v1/tenants/acme', pathParameters: { tenantId: 'acme' } };

beforeEach(() => db.reset());

describe('handler factory', () => {
  it('answers with security and correlation headers', async () => {
    const res = await invoke(health, { path: '/v1/health', headers: { 'X-Correlation-Id': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.headers['x-correlation-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('turns malformed JSON into a 400 problem and writes nothing', async () => {
    const res = await invoke(createTenant, {
      method: 'POST',
      path: '/v1/platform/tenants',
      iam: 'arn:aws:iam::1:user/ops',
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: 400,
      code: 'validation-failed',
      type: 'urn:roster:problem:validation-failed',
    });
    expect(db.calls()).toHaveLength(0);
  });

  it('names every invalid field', async () => {
    const res = await invoke(createTenant, {
      method: 'POST',
      path: '/v1/platform/tenants',
      iam: 'arn:aws:iam::1:user/ops',
      body: { name: '', plan: 'gold', owner: { email: 'nope' }, extra: 1 },
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.plan', 'body.owner.email', 'body.owner.name']));
    expect(paths.some((p: string) => p.startsWith('body'))).toBe(true);
  });

  it('refuses a platform route without IAM identity', async () => {
    const res = await invoke(createTenant, { method: 'POST', path: '/v1/platform/tenants', body: {} });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('refuses a user route without JWT claims', async () => {
    const res = await invoke(getTenant, tenantPath);
    expect(res.status).toBe(401);
    expect(db.calls()).toHaveLength(0);
  });

  it('authorises with exactly one consistent BatchGetItem of tenant, member and the caller’s identity', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, member(), identityItem()] } });
    const res = await invoke(getTenant, { ...tenantPath, ...asAnn });
    expect(res.status).toBe(200);
    expect(res.body.seats).toEqual({ used: 2, limit: 5, available: 3 });
    expect(res.headers.etag).toBe('"v3"');
    expect(db.calls()).toHaveLength(1);
    const input = db.commandCalls(BatchGetCommand)[0]?.args[0].input;
    expect(input?.RequestItems?.['roster-test']).toEqual({
      Keys: [
        { pk: 'TENANT#acme', sk: '#TENANT' },
        { pk: 'TENANT#acme', sk: 'MEMBER#u-1' },
        { pk: 'IDENTITY#u-1', sk: '#IDENTITY' },
      ],
      ConsistentRead: true,
    });
    expect(res.body).not.toHaveProperty('pk');
  });

  it('refuses a token from before the identity’s last credential change, from that same single read', async () => {
    const changedAt = Date.UTC(2026, 0, 2);
    db.on(BatchGetCommand).resolves({
      Responses: { 'roster-test': [tenant, member(), identityItem({ tokensValidAfter: changedAt })] },
    });
    const before = String(changedAt / 1000 - 1);
    const stale = await invoke(getTenant, { ...tenantPath, claims: { ...asAnn.claims, auth_time: before } });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('session-revoked');
    expect(db.calls()).toHaveLength(1);
    const fresh = await invoke(getTenant, {
      ...tenantPath,
      claims: { ...asAnn.claims, auth_time: String(changedAt / 1000) },
    });
    expect(fresh.status).toBe(200);
  });

  it("refuses a session this tenant ended (the member's stamp, or a refused token id), from that same single read", async () => {
    const endedAt = Date.UTC(2026, 0, 2);
    db.on(BatchGetCommand).resolves({
      Responses: {
        'roster-test': [
          tenant,
          member({ sessionsValidAfter: endedAt, refusedTokens: new Set(['9999999999:jti-refreshed']) }),
          identityItem(),
        ],
      },
    });
    const before = String(endedAt / 1000 - 1);
    const stale = await invoke(getTenant, { ...tenantPath, claims: { ...asAnn.claims, auth_time: before } });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('session-revoked');
    expect(db.calls()).toHaveLength(1);
    const after = String(endedAt / 1000 + 5);
    const refreshed = await invoke(getTenant, {
      ...tenantPath,
      claims: { ...asAnn.claims, auth_time: after, jti: 'jti-refreshed' },
    });
    expect(refreshed.status).toBe(401);
    const fresh = await invoke(getTenant, {
      ...tenantPath,
      claims: { ...asAnn.claims, auth_time: after, jti: 'jti-new' },
    });
    expect(fresh.status).toBe(200);
  });

  it('hides a tenant from non-members with 404', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant] } });
    const res = await invoke(getTenant, { ...tenantPath, ...asAnn });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
  });

  it('refuses a suspended member on the very next request', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, member({ status: 'suspended' })] } });
    const res = await invoke(getTenant, { ...tenantPath, ...asAnn });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('suspended');
  });

  it('refuses a member lacking the route permission before any business rule', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, member()] } });
    const res = await invoke(updateTenant, { ...tenantPath, method: 'PATCH', body: { name: 'X' }, ...asAnn });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('settings:manage');
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('reports effective permissions, custom roles included, from the same single read', async () => {
    db.on(BatchGetCommand).resolves({
      Responses: { 'roster-test': [tenant, member({ role: 'custom', roleId: 'sales', grants: ['audit:view'] })] },
    });
    const res = await invoke(myMembership, { ...tenantPath, path: '/v1/tenants/acme/me', ...asAnn });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['contacts:view', 'contacts:create', 'audit:view']);
    expect(db.calls()).toHaveLength(1);
  });

  it('maps throttling to a 503 problem with Retry-After', async () => {
    db.on(BatchGetCommand).rejects(
      Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }),
    );
    const res = await invoke(getTenant, { ...tenantPath, ...asAnn });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('hides internal errors behind a generic 500 with a correlation id', async () => {
    db.on(BatchGetCommand).rejects(new Error('secret table detail'));
    const res = await invoke(getTenant, { ...tenantPath, ...asAnn, headers: { 'x-correlation-id': 'corr-9' } });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(res.body.correlationId).toBe('corr-9');
  });

  it('rejects a stale If-Match with 412 and writes nothing', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, member({ role: 'admin' })] } });
    const res = await invoke(updateTenant, {
      ...tenantPath,
      method: 'PATCH',
      body: { name: 'Acme 2' },
      headers: { 'if-match': '"v2"' },
      ...asAnn,
    });
    expect(res.status).toBe(412);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('writes a rename and its audit item in one transaction', async () => {
    db.on(BatchGetCommand).resolves({ Responses: { 'roster-test': [tenant, member({ role: 'admin' })] } });
    db.on(TransactWriteCommand).resolves({});
    const res = await invoke(updateTenant, {
      ...tenantPath,
      method: 'PATCH',
      body: { name: 'Acme 2' },
      headers: { 'if-match': '"v3"' },
      ...asAnn,
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Acme 2');
    expect(res.headers.etag).toBe('"v4"');
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Update?.ConditionExpression).toBe('#version = :expected');
    expect(items[1]?.Put?.Item).toMatchObject({
      action: 'tenant.updated',
      actor: { type: 'user', id: 'u-1' },
      before: { name: 'Acme' },
      after: { name: 'Acme 2' },
    });
  });
});
