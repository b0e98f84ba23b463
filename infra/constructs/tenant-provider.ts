/**
 * The CloudFormation custom resource provider behind `Tenant` constructs: the
 * onEvent function (functions/platform/tenant-resource.ts, the platform
 * route's provisioning code with the same grants) and the CDK Provider
 * framework around it. One per Roster stack, created with its first tenant.
 */
import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { routeById } from '../../lib/http/routes.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

export interface TenantProviderProps {
  readonly resources: FunctionResources;
}

export class TenantProvider extends Construct {
  readonly onEvent: RosterFunction;
  readonly serviceToken: string;

  constructor(scope: Construct, id: string, props: TenantProviderProps) {
    super(scope, id);
    this.onEvent = new RosterFunction(this, 'tenantResource', {
      entry: 'functions/platform/tenant-resource.ts',
      // Exactly what the platform route that provisions tenants may do.
      uses: routeById('platformCreateTenant').uses,
      resources: props.resources,
      description: 'CloudFormation custom resource Custom::RosterTenant (the Tenant construct)',
      timeout: Duration.minutes(1),
    });

    // The framework's own function, with its own role and log group (no managed policy).
    const frameworkRole = new Role(this, 'FrameworkRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    const frameworkLogs = new LogGroup(this, 'FrameworkLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.onEvent.fn,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
      providerFunctionName: `${Stack.of(this).stackName}-tenantProvider`,
    });
    this.serviceToken = provider.serviceToken;

    const onEventId = Stack.of(this).resolve((this.onEvent.fn.node.defaultChild as CfnResource).logicalId);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${onEventId}.Arn>:*]`,
        reason:
          'The CDK Provider framework may invoke every version of the one onEvent function it fronts (`<function ARN>:*`); it is scoped to that function.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'The CDK Provider framework pins the runtime of its own small framework function; Roster’s onEvent function runs on nodejs24.x like every other.',
      },
    );
  }
}
