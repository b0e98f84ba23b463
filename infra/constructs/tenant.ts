/**
 * `Tenant`: a Roster tenant declared in infrastructure as code.
 *
 *   new Tenant(this, 'Acme', { roster, name: 'Acme', plan: 'growth', owner: { email, name } });
 *
 * A CloudFormation custom resource (`Custom::RosterTenant`) whose provider
 * runs the platform route's provisioning code: create provisions the tenant
 * and invites the owner; update renames and re-plans; delete keeps the tenant
 * unless `removalPolicy` is DESTROY, which closes it (members lose access, the
 * data and audit trail stay). The tenant id is derived from the stack and
 * construct path unless given, so a retried create finds its tenant.
 */
import { createHash } from 'node:crypto';
import { CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PLAN_NAMES, type Plan } from '../../lib/domain/seats.ts';

/** What provides tenants: the Roster stack (`RosterStack.tenantServiceToken`). */
export interface TenantHost {
  tenantServiceToken(): string;
}

export interface TenantProps {
  readonly roster: TenantHost;
  readonly name: string;
  readonly plan: Plan;
  /** The tenant's own seat limit; default: the plan's. */
  readonly seatLimit?: number;
  /** Invited as the tenant's owner (an admin) when the tenant is created. */
  readonly owner: { readonly email: string; readonly name: string };
  /** 1–64 lower-case letters, digits or -; default: from the stack name and construct path. Never changes. */
  readonly tenantId?: string;
  /** @default RemovalPolicy.RETAIN (the tenant outlives the stack); DESTROY closes it. */
  readonly removalPolicy?: RemovalPolicy;
}

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class Tenant extends Construct {
  /** The tenant id (the resource's physical id). */
  readonly tenantId: string;
  /** The owner's user id. */
  readonly ownerId: string;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    const tenantId = props.tenantId ?? derivedTenantId(this);
    if (!TENANT_ID.test(tenantId))
      throw new Error(`Tenant ${this.node.path}: tenantId ${tenantId} must match ${TENANT_ID}`);
    if (!PLAN_NAMES.includes(props.plan)) throw new Error(`Tenant ${this.node.path}: unknown plan ${props.plan}`);
    const { seatLimit } = props;
    if (seatLimit !== undefined && (!Number.isInteger(seatLimit) || seatLimit < 1 || seatLimit > 100_000)) {
      throw new Error(`Tenant ${this.node.path}: seatLimit must be an integer from 1 to 100000`);
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.owner.email)) {
      throw new Error(`Tenant ${this.node.path}: owner.email ${props.owner.email} is not an email address`);
    }

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.roster.tenantServiceToken(),
      resourceType: 'Custom::RosterTenant',
      properties: {
        TenantId: tenantId,
        Name: props.name,
        Plan: props.plan,
        ...(seatLimit === undefined ? {} : { SeatLimit: seatLimit }),
        OwnerEmail: props.owner.email.trim().toLowerCase(),
        OwnerName: props.owner.name,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.tenantId = this.resource.ref;
    this.ownerId = this.resource.getAttString('OwnerId');
  }
}

/** `<stack>-<construct id>` as a tenant id, with a short hash of the full path so two never collide. */
function derivedTenantId(tenant: Construct): string {
  const { stackName } = Stack.of(tenant);
  if (Token.isUnresolved(stackName))
    throw new Error(`Tenant ${tenant.node.path}: give a tenantId (the stack name is unresolved)`);
  const slug = `${stackName}-${tenant.node.id}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 55);
  const hash = createHash('sha256').update(tenant.node.path).digest('hex').slice(0, 8);
  return `${slug}-${hash}`;
}
