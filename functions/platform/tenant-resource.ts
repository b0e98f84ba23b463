import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as z from 'zod';
import { changeTenant, provisionTenant } from '../../lib/app/tenants.ts';
import { isDomainError } from '../../lib/domain/errors.ts';
import { Email, PersonName, Plan, TenantId, TenantName } from '../../lib/http/schemas.ts';
import { logger } from '../../lib/log.ts';
import { getTenant, requireTenant } from '../../lib/store/tenants.ts';

/** The `Tenant` construct's properties (CloudFormation passes numbers as strings). */
const Props = z.object({
  TenantId,
  Name: TenantName,
  Plan,
  SeatLimit: z.coerce.number().int().min(1).max(100_000).optional(),
  OwnerEmail: Email,
  OwnerName: PersonName,
});

interface Response {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

/**
 * onEvent of the `Tenant` custom resource (CDK Provider framework): the same
 * provisioning code as POST /v1/platform/tenants. The tenant id is the
 * physical id and is chosen by the construct, so a retried or repeated Create
 * finds its tenant and succeeds; Update renames and re-plans; Delete (only
 * sent when the construct's removal policy is DESTROY) closes the tenant and
 * keeps its data.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<Response> {
  const actor = { type: 'platform', id: `cloudformation:${event.StackId}` } as const;
  const now = new Date();
  logger.info('tenant resource', { requestType: event.RequestType, logicalId: event.LogicalResourceId });
  if (event.RequestType === 'Delete') {
    const tenant = await getTenant(event.PhysicalResourceId);
    if (tenant && tenant.status !== 'closed') await changeTenant(tenant, { status: 'closed' }, actor, now);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = Props.parse(event.ResourceProperties);
  const wanted = { name: props.Name, plan: props.Plan, seatLimit: props.SeatLimit ?? null };
  if (event.RequestType === 'Update') {
    const before = Props.parse(event.OldResourceProperties);
    if (props.TenantId !== before.TenantId)
      throw new Error('A tenant’s id cannot change; declare a new Tenant instead.');
    if (props.OwnerEmail !== before.OwnerEmail) {
      throw new Error('The owner is set when the tenant is created; transfer ownership inside the tenant instead.');
    }
    const tenant = await changeTenant(await requireTenant(props.TenantId), { ...wanted, status: 'active' }, actor, now);
    return done(tenant.id, tenant.ownerId);
  }
  try {
    const owner = { email: props.OwnerEmail, name: props.OwnerName };
    const tenant = await provisionTenant({ id: props.TenantId, ...wanted, owner }, actor, now);
    return done(tenant.id, tenant.ownerId);
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'conflict') throw error;
    // Already there: a retried Create, or a tenant kept when an earlier stack let go of it.
    const tenant = await changeTenant(await requireTenant(props.TenantId), { ...wanted, status: 'active' }, actor, now);
    return done(tenant.id, tenant.ownerId);
  }
}

const done = (tenantId: string, ownerId: string): Response => ({
  PhysicalResourceId: tenantId,
  Data: { TenantId: tenantId, OwnerId: ownerId },
});
