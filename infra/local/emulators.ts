/**
 * The local stack's emulators, started as real child processes on 127.0.0.1 —
 * one module each under emulators/: DynamoDB Local (dynamodb.ts, Java 17+),
 * cognito-local (cognito.ts; what it does and does not do, read from its
 * source, is written there), SES local (ses.ts) and the local Lambda service
 * the Cognito triggers run in (lambda.ts); what they share is process.ts.
 * This orchestrator checks Java and the ports, launches all four, waits for
 * each, creates the table and the user pool, and returns `env`: every
 * variable a handler needs — handlers reach the emulators only through the
 * SDK's standard `AWS_ENDPOINT_URL_<SERVICE>`.
 */

import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserPool, launchCognito, writeCognitoConfig } from './emulators/cognito.ts';
import { type LocalDns, startLocalDns } from './emulators/dns.ts';
import { assertJava, createTable, javaCommand, launchDynamoDb } from './emulators/dynamodb.ts';
import { launchLambdaService } from './emulators/lambda.ts';
import {
  assertPortFree,
  type Child,
  CREDENTIALS,
  type EmulatorName,
  freePort,
  HOST,
  killChild,
  LABELS,
  PORT_VARIABLES,
  REGION,
  startWatchdog,
  waitReady,
} from './emulators/process.ts';
import { launchSes, sesReadyPath } from './emulators/ses.ts';
import { LOCAL_SENDER_KEY } from './kms.ts';

export { LocalStackError } from './emulators/process.ts';
export { assertPortFree, createTable, type EmulatorName, PORT_VARIABLES };

export interface EmulatorOptions {
  dynamodbPort: number;
  cognitoPort: number;
  sesPort: number;
  /** The loopback DNS server domain verification asks (UDP and TCP); default: a free port. */
  dnsPort?: number;
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
  urls: { dynamodb: string; cognito: string; ses: string; sesStore: string; lambda: string; dns: string };
  cognito: CognitoInfo;
  /** Where cognito-local keeps its files (`.cognito/db/<poolId>.json`). */
  cognitoDir: string;
  /** Milliseconds from the call to everything ready. */
  startupMs: number;
  stop(): Promise<void>;
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
  let dns: LocalDns | undefined;
  const stop = async () => {
    watchdog?.kill('SIGKILL');
    await Promise.all([...children.map(killChild), dns?.stop()]);
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
    // Local only (the CDK stack never sets it): webhooks may go to receivers on this machine.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    // Local only (the CDK stack never sets it): OIDC issuers may be the IdPs on this machine (plain http, loopback).
    SSO_ALLOW_PRIVATE_ISSUERS: 'true',
  };

  try {
    await writeCognitoConfig(cognitoDir, urls.lambda);
    const childEnv: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' };
    delete childEnv.NODE_OPTIONS;
    children.push(
      launchDynamoDb(java, ports.dynamodb, { cwd: dataDir, env: childEnv }, options.onLog),
      launchCognito(ports.cognito, cognitoDir, childEnv, options.onLog),
      launchSes(ports.ses, { cwd: dataDir, env: childEnv }, options.onLog),
      launchLambdaService(ports.lambda, { cwd: dataDir, env: { ...childEnv, ...triggerEnv } }, options.onLog),
    );
    watchdog = startWatchdog(children);
    // In this process (not a child): the gateway reaches its records through LOCAL_DNS_URL.
    dns = await startLocalDns({ port: options.dnsPort });

    const [, [userPoolId, clientId]] = await Promise.all([
      waitReady(children[2] as Child, `${urls.ses}${sesReadyPath}`, ports.ses),
      waitReady(children[1] as Child, `${urls.cognito}/health`, ports.cognito).then(() => createUserPool(urls.cognito)),
      waitReady(children[0] as Child, urls.dynamodb, ports.dynamodb).then(() => createTable(urls.dynamodb, tableName)),
      waitReady(children[3] as Child, urls.lambda, ports.lambda),
    ]);
    const issuer = `${urls.cognito}/${userPoolId}`;
    const env: LocalEnv = {
      ...triggerEnv,
      // Domain verification asks the loopback DNS server; `/local/dns` on the gateway sets its records.
      DNS_SERVERS: dns.server,
      LOCAL_DNS_URL: dns.controlUrl,
      USER_POOL_ID: userPoolId,
      USER_POOL_CLIENT_ID: clientId,
      USER_POOL_ISSUER: issuer,
    };
    return {
      env,
      urls: { ...urls, dns: dns.server },
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
