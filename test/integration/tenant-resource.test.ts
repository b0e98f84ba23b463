/**
 * The Tenant construct's custom resource handler against the emulators:
 * create provisions and invites the owner, a retried create succeeds without
 * a second tenant, update re-plans, delete closes and keeps the data.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/platform/tenant-resource.ts';
import { getTenant } from '../../lib/store/tenants.ts';
import { sesMessages } from '../support/http.ts';

const unique = () => Math.random().toString(36).slice(2, 10);
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/tenants/1';

function event(
  RequestType: 'Create' | 'Update' | 'Delete',
  ResourceProperties: Record<string, string>,
  extra: Record<string, unknown> = {},
): CloudFormationCustomResourceEvent {
  return {
    RequestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/',
    StackId: STACK_ID,
    RequestId: unique(),
    LogicalResourceId: 'AcmeResource',
    ResourceType: 'Custom::RosterTenant',
    ResourceProperties: { ServiceToken: 'x', ...ResourceProperties },
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

describe('Custom::RosterTenant', () => {
  const tenantId = `cfn-${unique()}`;
  const email = `cfn-owner-${unique()}@it.test`;
  const props = { TenantId: tenantId, Name: 'Acme', Plan: 'starter', OwnerEmail: email, OwnerName: 'Olga Owner' };

  it('create provisions the tenant and invites its owner; a retried create finds it and succeeds', async () => {
    const created = await handler(event('Create', props));
    expect(created.PhysicalResourceId).toBe(tenantId);
    const tenant = await getTenant(tenantId);
    expect(tenant).toMatchObject({ name: 'Acme', plan: 'starter', seatLimit: 3, seatsUsed: 1, status: 'active' });
    expect(created.Data).toEqual({ TenantId: tenantId, OwnerId: tenant?.ownerId });
    expect(await sesMessages(undefined, email)).toHaveLength(1);

    const retried = await handler(event('Create', props));
    expect(retried).toEqual(created);
    expect((await getTenant(tenantId))?.seatsUsed).toBe(1);
  });

  it('update renames, re-plans and sets the seat limit (CloudFormation passes numbers as strings)', async () => {
    const next = { ...props, Name: 'Acme Care', Plan: 'growth', SeatLimit: '7' };
    await handler(event('Update', next, { PhysicalResourceId: tenantId, OldResourceProperties: props }));
    expect(await getTenant(tenantId)).toMatchObject({ name: 'Acme Care', plan: 'growth', seatLimit: 7 });
  });

  it('update refuses to change the owner or the id', async () => {
    const update = (next: Record<string, string>) =>
      handler(event('Update', next, { PhysicalResourceId: tenantId, OldResourceProperties: props }));
    await expect(update({ ...props, OwnerEmail: `other-${unique()}@it.test` })).rejects.toThrow(/transfer ownership/);
    await expect(update({ ...props, TenantId: `${tenantId}-2` })).rejects.toThrow(/cannot change/);
  });

  it('delete closes the tenant and keeps it; deleting an unknown one is a no-op', async () => {
    await handler(event('Delete', props, { PhysicalResourceId: tenantId }));
    expect(await getTenant(tenantId)).toMatchObject({ status: 'closed', name: 'Acme Care' });
    await expect(handler(event('Delete', props, { PhysicalResourceId: 'never-created' }))).resolves.toEqual({
      PhysicalResourceId: 'never-created',
    });
  });

  it('refuses invalid properties before touching anything', async () => {
    await expect(handler(event('Create', { ...props, TenantId: `bad-${unique()}`, Plan: 'gold' }))).rejects.toThrow();
  });
});
