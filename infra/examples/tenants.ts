/**
 * Example: tenants declared in infrastructure as code, in a stack of their
 * own beside the Roster stack.
 *
 *   npx cdk synth --app 'npx tsx infra/examples/tenants.ts'
 */
import { App, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Tenant, type TenantHost } from '../constructs/tenant.ts';
import { RosterStack } from '../stack.ts';

export class ExampleTenantsStack extends Stack {
  readonly tenants: Tenant[];

  constructor(scope: Construct, id: string, props: StackProps & { roster: TenantHost }) {
    super(scope, id, props);
    const { roster } = props;
    this.tenants = [
      new Tenant(this, 'Acme', {
        roster,
        tenantId: 'acme',
        name: 'Acme Support',
        plan: 'growth',
        owner: { email: 'olga@acme.example', name: 'Olga Owner' },
      }),
      // A trial that is closed again when this stack (or the declaration) is removed.
      new Tenant(this, 'Globex', {
        roster,
        name: 'Globex Trial',
        plan: 'trial',
        seatLimit: 2,
        owner: { email: 'hank@globex.example', name: 'Hank Scorpio' },
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    ];
  }
}

/** The Roster stack and the tenants stack in one app. */
export function exampleApp(app = new App()) {
  const roster = new RosterStack(app, 'Roster', {
    stackName: 'roster-example',
    mailFrom: 'no-reply@example.com',
    appUrl: 'https://app.example.com',
  });
  const tenants = new ExampleTenantsStack(app, 'RosterTenants', { stackName: 'roster-example-tenants', roster });
  return { app, roster, tenants };
}

if (process.argv[1]?.endsWith('infra/examples/tenants.ts')) exampleApp().app.synth();
