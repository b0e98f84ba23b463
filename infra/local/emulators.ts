/**
 * The local stack's emulators, started as real child processes on 127.0.0.1:
 * DynamoDB Local (the AWS jar shipped in `amplify-dynamodb-simulator`, Java 17+),
 * cognito-local and aws-ses-v2-local. Then the table and the user pool are
 * created, and `env` holds every variable a handler needs — handlers reach the
 * emulators only through the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>`.
 *
 * What cognito-local 5.3 does (read from its source; other code depends on it):
 * - Issuer: `http://127.0.0.1:<port>/<userPoolId>` (from its HOST/PORT env);
 *   pool ids look like `local_AbC12345`. JWKS: `GET <issuer>/.well-known/jwks.json`,
 *   one fixed RS256 key (kid `CognitoLocal`). Its openid-configuration
 *   document hard-codes localhost:9229 — don't use it.
 * - Access token: sub, client_id, username (= the user's internal name, the
 *   `sub` when the pool signs in by email), token_use "access",
 *   scope "aws.cognito.signin.user.admin", auth_time, iat, exp, jti, event_id,
 *   cognito:groups; no `aud`. Id token: sub, aud (client id), email,
 *   email_verified (boolean), cognito:username, token_use "id", custom:*
 *   attributes only — NOT `name` or other standard attributes.
 *   The refresh token is a JWT too (same key and issuer, no aud/client_id).
 * - AuthenticationResult has AccessToken, IdToken, RefreshToken only: no
 *   ExpiresIn and no TokenType (read `exp` from the token instead).
 * - Works: AdminCreateUser (MessageAction SUPPRESS without TemporaryPassword
 *   → random temporary password, status FORCE_CHANGE_PASSWORD, Username
 *   becomes the sub), AdminGetUser / AdminSetUserPassword (Permanent true →
 *   CONFIRMED) / AdminUpdateUserAttributes / AdminDeleteUser by email or sub,
 *   InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (also REFRESH_TOKEN),
 *   RespondToAuthChallenge NEW_PASSWORD_REQUIRED (needs ChallengeResponses
 *   USERNAME and NEW_PASSWORD and any non-empty Session — it is not checked),
 *   ForgotPassword / ConfirmForgotPassword (the code is printed on its console
 *   and stored as `ConfirmationCode` in `<cognitoDir>/.cognito/db/<poolId>.json`;
 *   the env var CODE fixes every code and temporary password), RevokeToken,
 *   AdminInitiateAuth (partial), GetUser, ChangePassword.
 * - Differs from Cognito: a FORCE_CHANGE_PASSWORD user gets the
 *   NEW_PASSWORD_REQUIRED challenge whatever password is sent; a wrong password
 *   is `InvalidPasswordException` (Cognito: NotAuthorizedException); an unknown
 *   user is NotAuthorizedException from InitiateAuth but UserNotFoundException
 *   from ForgotPassword (PreventUserExistenceErrors is ignored); email lookup is
 *   case-sensitive (normalise emails before calling it); password policy and
 *   ExplicitAuthFlows are stored but never enforced; a disabled user can still
 *   sign in; the refresh token returned by RespondToAuthChallenge is not
 *   stored, so REFRESH_TOKEN_AUTH with it fails (only InitiateAuth's works).
 * - Not supported (500 `CognitoLocal#Unsupported`): AdminUserGlobalSignOut,
 *   GlobalSignOut, AdminResetUserPassword, AdminRespondToAuthChallenge,
 *   AdminCreateUser MessageAction RESEND, ResendConfirmationCode, SRP and
 *   custom auth flows, user pool domains / hosted UI.
 * - State lives in files under its working directory (`.cognito/`); each start
 *   here gets a fresh temporary directory.
 *
 * Cognito triggers: cognito-local invokes the functions named in
 * `.cognito/config.json` `TriggerFunctions` through the Lambda API at its
 * `LambdaClient.endpoint`, and awaits them before answering (a failing trigger
 * is logged and ignored, where Cognito would refuse the sign-in). Here that
 * endpoint is the local Lambda service (`lambda.ts`), a child process running
 * the TRIGGERS handlers with the environment the stack gives a trigger.
 *
 * DynamoDB Local has no bind-address option and listens on all interfaces;
 * clients use 127.0.0.1. It runs in memory with `-sharedDb`, so every
 * credential/region sees the same tables.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient, ProjectionType, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { TRIGGERS } from '../../lib/http/routes.ts';
import { INDEXES, KEY_ATTRIBUTES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../lib/store/table.ts';
import { LOCAL_SENDER_KEY } from './kms.ts';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const REGION = 'us-east-1';
/** DynamoDB Local 2.x accepts only letters and digits in credentials. */
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export type EmulatorName = 'dynamodb' | 'cognito' | 'ses' | 'lambda';

/** The variable that overrides each emulator's port (named in port errors). */
export const PORT_VARIABLES: Record<EmulatorName, string> = {
  dynamodb: 'DYNAMODB_PORT',
  cognito: 'COGNITO_PORT',
  ses: 'SES_PORT',
  lambda: 'LAMBDA_PORT',
};

const LABELS: Record<EmulatorName, string> = {
  dynamodb: 'DynamoDB Local',
  cognito: 'cognito-local',
  ses: 'aws-ses-v2-local',
  lambda: 'the local Lambda service',
};

export interface EmulatorOptions {
  dynamodbPort: number;
  cognitoPort: number;
  sesPort: number;
  /** The local Lambda service cognito-local calls the triggers through; default: a free port. */
  lambdaPort?: number;
  /** Working directory for emulator state; a fresh temporary one (removed by stop) when absent. */
  dataDir?: string;
  /** Base of links in emails. */
  appUrl?: string;
  invitationTtlSeconds?: number;
  mailFrom?: string;
  tableName?: string;
  /** Receives every output line of the emulators (default: kept only for error messages). */
  onLog?: (source: EmulatorName, line: string) => void;
}

/** Every variable a handler needs (see lib/config.ts) plus the SDK's endpoint and credential variables. */
export interface LocalEnv {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_ENDPOINT_URL_DYNAMODB: string;
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: string;
  AWS_ENDPOINT_URL_SES: string;
  TABLE_NAME: string;
  USER_POOL_ID: string;
  USER_POOL_CLIENT_ID: string;
  USER_POOL_ISSUER: string;
  MAIL_FROM: string;
  APP_URL: string;
  INVITATION_TTL_SECONDS: string;
  [name: string]: string;
}

export interface CognitoInfo {
  issuer: string;
  jwksUri: string;
  userPoolId: string;
  clientId: string;
}

export interface LocalEmulators {
  env: LocalEnv;
  urls: { dynamodb: string; cognito: string; ses: string; sesStore: string; lambda: string };
  cognito: CognitoInfo;
  /** Where cognito-local keeps its files (`.cognito/db/<poolId>.json`). */
  cognitoDir: string;
  /** Milliseconds from the call to everything ready. */
  startupMs: number;
  stop(): Promise<void>;
}

/** A failure with one sentence meant for a person (missing Java, a taken port); print it without a stack. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}

interface Child {
  name: EmulatorName;
  proc: ChildProcess;
  tail: string[];
  exited: Promise<void>;
  done: boolean;
}

export async function startEmulators(options: EmulatorOptions): Promise<LocalEmulators> {
  const started = performance.now();
  const ports: Record<EmulatorName, number> = {
    dynamodb: options.dynamodbPort,
    cognito: options.cognitoPort,
    ses: options.sesPort,
    lambda: options.lambdaPort ?? (await freePort()),
  };
  const java = javaCommand();
  await Promise.all([
    assertJava(java),
    // DynamoDB Local binds every interface, so probe those for it.
    ...Object.entries(ports).map(([name, port]) =>
      assertPortFree(
        port,
        LABELS[name as EmulatorName],
        PORT_VARIABLES[name as EmulatorName],
        name === 'dynamodb' ? undefined : HOST,
      ),
    ),
  ]);

  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'roster-local-')));
  const cognitoDir = join(dataDir, 'cognito');
  await mkdir(cognitoDir, { recursive: true });

  const children: Child[] = [];
  let watchdog: ChildProcess | undefined;
  const stop = async () => {
    watchdog?.kill('SIGKILL');
    await Promise.all(children.map(killChild));
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };

  const urls = {
    dynamodb: `http://${HOST}:${ports.dynamodb}`,
    cognito: `http://${HOST}:${ports.cognito}`,
    ses: `http://${HOST}:${ports.ses}`,
    sesStore: `http://${HOST}:${ports.ses}/store`,
    lambda: `http://${HOST}:${ports.lambda}`,
  };
  const tableName = options.tableName ?? 'roster-local';
  // What a trigger function gets in AWS: everything but the user pool's variables.
  const triggerEnv = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: urls.cognito,
    AWS_ENDPOINT_URL_SES: urls.ses,
    // The custom email sender's Decrypt goes to the local key service (in the Lambda service).
    AWS_ENDPOINT_URL_KMS: urls.lambda,
    SENDER_KEY_ARN: LOCAL_SENDER_KEY.arn,
    TABLE_NAME: tableName,
    MAIL_FROM: options.mailFrom ?? 'no-reply@roster.local',
    APP_URL: options.appUrl ?? 'http://localhost:3000',
    INVITATION_TTL_SECONDS: String(options.invitationTtlSeconds ?? 604_800),
  };

  try {
    await writeCognitoConfig(cognitoDir, urls.lambda);
    const dynamoJar = join(packageDir('amplify-dynamodb-simulator'), 'emulator');
    const childEnv: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' };
    delete childEnv.NODE_OPTIONS;
    children.push(
      launch(
        'dynamodb',
        java,
        [
          // C1 only + serial GC: half the startup time, and faster for short runs (measured).
          '-XX:TieredStopAtLevel=1',
          '-XX:+UseSerialGC',
          `-Djava.library.path=${join(dynamoJar, 'DynamoDBLocal_lib')}`,
          '-jar',
          join(dynamoJar, 'DynamoDBLocal.jar'),
          '-inMemory',
          '-sharedDb',
          '-disableTelemetry',
          '-port',
          String(ports.dynamodb),
        ],
        { cwd: dataDir, env: childEnv },
        options.onLog,
      ),
      launch(
        'cognito',
        process.execPath,
        [join(packageDir('cognito-local'), 'lib/bin/start.js')],
        {
          cwd: cognitoDir,
          env: { ...childEnv, HOST, PORT: String(ports.cognito) },
        },
        options.onLog,
      ),
      launch(
        'ses',
        process.execPath,
        [join(packageDir('aws-ses-v2-local'), 'dist/cli.js'), '--host', HOST, '--port', String(ports.ses)],
        { cwd: dataDir, env: childEnv },
        options.onLog,
      ),
      launch(
        'lambda',
        process.execPath,
        ['--import', pathToFileURL(require_.resolve('tsx')).href, join(LOCAL_DIR, 'lambda.ts'), String(ports.lambda)],
        { cwd: dataDir, env: { ...childEnv, ...triggerEnv } },
        options.onLog,
      ),
    );
    watchdog = startWatchdog(children);

    const [, [userPoolId, clientId]] = await Promise.all([
      waitReady(children[2] as Child, `${urls.ses}/health-check`, ports.ses),
      waitReady(children[1] as Child, `${urls.cognito}/health`, ports.cognito).then(() => createUserPool(urls.cognito)),
      waitReady(children[0] as Child, urls.dynamodb, ports.dynamodb).then(() => createTable(urls.dynamodb, tableName)),
      waitReady(children[3] as Child, urls.lambda, ports.lambda),
    ]);
    const issuer = `${urls.cognito}/${userPoolId}`;
    const env: LocalEnv = {
      ...triggerEnv,
      USER_POOL_ID: userPoolId,
      USER_POOL_CLIENT_ID: clientId,
      USER_POOL_ISSUER: issuer,
    };
    return {
      env,
      urls,
      cognito: { issuer, jwksUri: `${issuer}/.well-known/jwks.json`, userPoolId, clientId },
      cognitoDir,
      startupMs: Math.round(performance.now() - started),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const require_ = createRequire(import.meta.url);
const LOCAL_DIR = dirname(fileURLToPath(import.meta.url));

function packageDir(name: string): string {
  return dirname(require_.resolve(`${name}/package.json`));
}

/**
 * cognito-local's config: every TRIGGERS row as its `TriggerFunctions` entry
 * (`PostAuthentication: "postAuthentication"`), invoked through `endpoint`.
 */
async function writeCognitoConfig(cognitoDir: string, endpoint: string): Promise<void> {
  const triggerFunctions = Object.fromEntries(
    TRIGGERS.map((t) => [`${t.trigger.charAt(0).toUpperCase()}${t.trigger.slice(1)}`, t.id]),
  );
  const configDir = join(cognitoDir, '.cognito');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({
      LambdaClient: { endpoint, region: REGION, credentials: CREDENTIALS },
      TriggerFunctions: triggerFunctions,
      // The custom email sender's codes are wrapped with this key, by the same local service.
      KMSConfig: {
        KMSKeyId: LOCAL_SENDER_KEY.arn,
        KMSKeyAlias: LOCAL_SENDER_KEY.alias,
        endpoint,
        region: REGION,
        credentials: CREDENTIALS,
      },
    }),
  );
}

/** A port nothing listens on right now (a race with other processes is possible; callers retry on "in use"). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

const JAVA_MISSING =
  'Java 17+ is required for DynamoDB Local: install it with `apt-get install -y openjdk-17-jre-headless`.';

function assertJava(java: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(java, ['-version'], { timeout: 20_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new LocalStackError(JAVA_MISSING));
      // `openjdk version "17.0.15"`, `java version "1.8.0_382"`
      const version = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
      const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : 0;
      if (major < 17) {
        return reject(new LocalStackError(`${JAVA_MISSING.replace(':', ` (found Java ${major || 'unknown'}):`)}`));
      }
      resolve();
    });
  });
}

function portTaken(name: EmulatorName, port: number): LocalStackError {
  return portInUse(port, LABELS[name], PORT_VARIABLES[name]);
}

function portInUse(port: number, label: string, variable: string): LocalStackError {
  return new LocalStackError(
    `Port ${port} for ${label} is already in use: stop whatever uses it or set ${variable} to a free port.`,
  );
}

/**
 * Fails with one sentence naming the port and its variable when `port` is taken.
 * `host` undefined probes every interface.
 */
export function assertPortFree(port: number, label: string, variable: string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? portInUse(port, label, variable)
          : new LocalStackError(`Cannot use port ${port} for ${label} (${error.code ?? error.message}).`),
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function launch(
  name: EmulatorName,
  command: string,
  args: string[],
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  // detached: its own process group, so stop() reaches grandchildren and a
  // terminal's Ctrl-C reaches only us (we stop the children in order).
  const proc = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, proc, tail: [], exited: Promise.resolve(), done: false };
  child.exited = new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.once('error', (error) => {
      child.tail.push(String(error));
      resolve();
    });
  }).then(() => {
    child.done = true;
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      child.tail.push(line);
      if (child.tail.length > 40) child.tail.shift();
      onLog?.(name, line);
    }
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  return child;
}

/**
 * A tiny shell loop that kills the emulators' process groups if this process
 * dies without calling stop() (SIGKILL, a crashed test runner).
 */
function startWatchdog(children: Child[]): ChildProcess {
  const groups = children.map((c) => c.proc.pid).filter((pid): pid is number => pid !== undefined);
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${groups.map((g) => `-${g}`).join(' ')} 2>/dev/null; sleep 5; kill -KILL ${groups.map((g) => `-${g}`).join(' ')} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

async function waitReady(child: Child, url: string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.done) {
      const output = child.tail.join('\n');
      if (/EADDRINUSE|Address already in use|BindException/i.test(output)) throw portTaken(child.name, port);
      throw new LocalStackError(
        `${LABELS[child.name]} exited during startup (code ${child.proc.exitCode ?? child.proc.signalCode}); its last output:\n${output}`,
      );
    }
    try {
      // Any HTTP answer means it is listening (DynamoDB Local answers 400 to a bare GET).
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await delay(50);
    }
  }
  throw new LocalStackError(`${LABELS[child.name]} did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s.`);
}

async function killChild(child: Child): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || child.done) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await child.exited;
  clearTimeout(timer);
  // Anything else left in its group (it had none of its own, but be sure).
  signalGroup('SIGKILL');
}

/** The single table as the stack defines it (lib/store/table.ts), with its TTL. */
export async function createTable(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: ProjectionType.ALL },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return tableName;
  } finally {
    client.destroy();
  }
}

/** Mirrors infra/constructs/auth.ts as far as cognito-local stores it. */
async function createUserPool(endpoint: string): Promise<[userPoolId: string, clientId: string]> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'roster-local',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: false,
            TemporaryPasswordValidityDays: 7,
          },
        },
      }),
    );
    const userPoolId = UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local returned no user pool id');
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'roster-local',
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    const clientId = UserPoolClient?.ClientId;
    if (!clientId) throw new Error('cognito-local returned no app client id');
    return [userPoolId, clientId];
  } finally {
    client.destroy();
  }
}
