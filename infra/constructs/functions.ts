/**
 * One Lambda function for one operation (a route or a job): the shared
 * NodejsFunction defaults, its own log group, a role with exactly the grants
 * its `uses` declares in the route table, and the audit trail closed to
 * updates and deletes. Functions whose `uses` are the same share one role
 * within their stack (it may write to each of their log groups): a role and a
 * policy per function would double what each template holds. A function in an
 * area's nested stack (api.ts) gets that stack's roles, so nothing of an
 * area's grants crosses a stack boundary but the resources' ARNs.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  type ICommandHooks,
  LogLevel,
  NodejsFunction,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { Uses } from '../../lib/http/routes.ts';
import { denyAuditChanges, grantTable } from './table-access.ts';

/** The repository root: handler entries in the route table are relative to it. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const RUNTIME = Runtime.NODEJS_24_X;

const BUNDLING: BundlingOptions = {
  // esbuild from devDependencies, never Docker.
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Stack traces only need the mappings; leaving the sources out keeps the map small.
  sourcesContent: false,
  // Prefer the ESM build of every package so esbuild can tree-shake it.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call `require` for Node built-ins.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // Bundle AWS SDK v3 too instead of using the runtime's copy: only the
  // commands a handler imports end up in its bundle (smaller, faster cold
  // start than loading the runtime's full clients), and the SDK version is the
  // one the tests ran against rather than whatever the runtime ships.
  externalModules: [],
  logLevel: LogLevel.WARNING,
};

/** What a function's `uses` can be granted on. */
export interface FunctionResources {
  readonly table: Table;
  readonly userPool: IUserPool;
  readonly mail: IEmailIdentity;
  /** The user pool's custom sender key (for `uses.senderKey`). */
  readonly senderKey?: IKey;
  /** Every variable of `CONFIG_VARIABLES`. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface RosterFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly uses: Uses;
  readonly resources: FunctionResources;
  readonly description?: string;
  /** @default 10 seconds (API Gateway gives up after 30) */
  readonly timeout?: Duration;
  /** Files of npm packages the handler reads at run time, shipped in the bundle's own node_modules. */
  readonly packageFiles?: readonly string[];
  /**
   * A role of its own instead of the one shared by functions with the same
   * `uses`: for a function that gets further grants (e.g. an SQS event
   * source's), which must not reach the others.
   */
  readonly ownRole?: true;
}

export class RosterFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;

  /** `id` is the operation id: the construct id and the function name suffix. */
  constructor(scope: Construct, id: string, props: RosterFunctionProps) {
    super(scope, id);
    // Named after the deployment (the top-level stack), wherever the function lives: a nested stack's own
    // name is generated.
    const functionName = `${rootStack(this).stackName}-${id}`;
    if (functionName.length > 64) throw new Error(`Function name ${functionName} is longer than 64 characters`);

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of Roster's instead of AWSLambdaBasicExecutionRole: it writes to these functions' log groups only.
    const { role, created } = roleFor(this, props.uses, props.ownRole ? id : undefined);
    this.role = role;
    logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      functionName,
      description: props.description,
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { ...props.resources.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: props.packageFiles?.length
        ? { ...BUNDLING, commandHooks: shipPackageFiles(props.packageFiles) }
        : BUNDLING,
    });

    if (created) {
      grantUses(this, props.uses, props.resources);
      // On every role, whatever it is granted: no function rewrites the audit trail.
      denyAuditChanges(this.role, props.resources.table);
    }
  }
}

/** The deployment's stack: the top-level stack above any nested ones. */
export function rootStack(scope: Construct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/** The roles of a stack, by the `uses` they grant. */
const ROLES = new WeakMap<Stack, Map<string, Role>>();

/** The same `uses` in one canonical form (key order and Cognito action order do not matter). */
function profileOf(uses: Uses): string {
  return JSON.stringify({
    table: uses.table ?? null,
    identity: [...(uses.identity ?? [])].sort(),
    authFlows: uses.authFlows ?? false,
    mail: uses.mail ?? false,
  });
}

/** The stack's role for functions with these `uses`; `created` when this call made it (grant it then). */
function roleFor(scope: Construct, uses: Uses, own?: string): { role: Role; created: boolean } {
  const stack = Stack.of(scope);
  let roles = ROLES.get(stack);
  if (!roles) {
    roles = new Map();
    ROLES.set(stack, roles);
  }
  const profile = own ? `${profileOf(uses)}#${own}` : profileOf(uses);
  const existing = roles.get(profile);
  if (existing) return { role: existing, created: false };
  // The id follows the grants, not the order functions were added in: adding a route never replaces a role.
  const id = createHash('sha256').update(profile).digest('hex').slice(0, 10);
  const grants = [
    uses.table ? `table ${uses.table}` : 'no table',
    ...(uses.identity?.length ? [`Cognito ${[...uses.identity].sort().join(' ')}`] : []),
    ...(uses.mail ? ['SES send'] : []),
  ];
  const role = new Role(stack, `FunctionRole${id}`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Roster functions with ${grants.join(', ')}`.slice(0, 1000),
  });
  roles.set(profile, role);
  return { role, created: true };
}

/**
 * How the table's ARN reads in the role's template, as cdk-nag names it: the
 * table's own `Arn` attribute in its stack, or — in a nested stack — the
 * parameter CDK creates for that reference (`reference-to-<table's unique id>.Arn`).
 */
function arnReference(role: Role, table: Table): string {
  const resource = table.node.defaultChild as CfnResource;
  if (Stack.of(role) === Stack.of(table)) return `${Stack.of(table).resolve(resource.logicalId)}.Arn`;
  return `referenceto${Names.nodeUniqueId(resource.node)}Arn`;
}

/** Copies `<package>/<file>` from the project's node_modules into the bundle's, where the handler resolves it. */
function shipPackageFiles(files: readonly string[]): ICommandHooks {
  for (const file of files) {
    if (!/^(@[\w.-]+\/)?[\w.-]+\/[\w./-]+$/.test(file) || file.includes('..')) {
      throw new Error(`packageFiles entry ${file} must be <package>/<path inside it>`);
    }
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.flatMap((file) => [
        `mkdir -p "${outputDir}/node_modules/${dirname(file)}"`,
        `cp "${inputDir}/node_modules/${file}" "${outputDir}/node_modules/${file}"`,
      ]),
  };
}

function grantUses(fn: RosterFunction, uses: Uses, resources: FunctionResources): void {
  if (uses.table) {
    grantTable(fn.role, resources.table, uses.table);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${arnReference(fn.role, resources.table)}>/index/*]`,
      reason:
        'Handlers query the GSIs of the Roster table; `<table ARN>/index/*` is the form DynamoDB grants take for indexes and covers the indexes of this one table only.',
    });
  }
  if (uses.identity?.length) {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: uses.identity.map((action) => `cognito-idp:${action}`),
        resources: [resources.userPool.userPoolArn],
      }),
    );
  }
  if (uses.mail) resources.mail.grantSendEmail(fn.role);
  if (uses.senderKey) {
    if (!resources.senderKey) throw new Error('uses.senderKey needs resources.senderKey');
    resources.senderKey.grantDecrypt(fn.role);
  }
  // `authFlows` needs no IAM: InitiateAuth, ForgotPassword & co. are the public
  // Cognito API, called with the app client id from the environment.
}
