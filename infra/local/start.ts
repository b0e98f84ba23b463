/**
 * `npm start`: the whole product on one machine. Starts the emulators (with
 * the local Lambda service cognito-local calls the triggers through) and the
 * local gateway, runs every scheduled job each minute, seeds a demo tenant
 * through the API itself (the owner's invitation read from SES local and
 * accepted), starts the demo OIDC IdP on a free loopback port and connects
 * the demo tenant to it (a verified demo domain), does the same with the demo
 * SAML IdP (a second demo domain), prints a banner, and stops
 * everything on Ctrl-C.
 * State is in memory: every start is fresh.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOBS, TRIGGERS } from '../../lib/http/routes.ts';
import { type ClientLimits, DEFAULT_CLIENT_LIMITS, validClientLimits } from '../client-limits.ts';
import { freePort } from './emulators/process.ts';
import { assertPortFree, type LocalEmulators, LocalStackError, startEmulators } from './emulators.ts';
import { type EventFeed, startLocalEventFeed } from './events.ts';
import { type Gateway, LOCAL_DNS_PATH, LOCAL_EVENTS_PATH, REPO_ROOT, startGateway } from './gateway.ts';
import { ACCOUNT_ID, invokeInContext, lambdaContext } from './gateway-event.ts';
import { type OidcIdp, startOidcIdp } from './idp/oidc.ts';
import { type SamlIdp, startSamlIdp } from './idp/saml.ts';
import { DEMO, type DemoSso, seedDemo, seedDemoSaml, seedDemoSso } from './seed.ts';
import { removeStackFile, writeStackFile } from './stack-file.ts';
import { ensureWebBuilt } from './web-build.ts';
import { startWebhookDispatcher, type WebhookDispatcher } from './webhooks.ts';

const JOB_INTERVAL_MS = 60_000;
/** A job's time limit, as the stack gives it (infra/constructs/jobs.ts). */
const JOB_TIMEOUT_MS = 300_000;

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new LocalStackError(`${name} must be a port number between 1 and 65535, not "${raw}".`);
  }
  return value;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new LocalStackError(`${name} must be a positive integer, not "${raw}".`);
  return value;
}

/** The per-client limits the web ACL applies in AWS, overridable here (README: settings). */
function clientLimits(): ClientLimits {
  const limits = {
    windowSeconds: positive('RATE_LIMIT_WINDOW_SECONDS', DEFAULT_CLIENT_LIMITS.windowSeconds),
    requests: positive('RATE_LIMIT_REQUESTS', DEFAULT_CLIENT_LIMITS.requests),
    credentialRequests: positive('RATE_LIMIT_CREDENTIAL_REQUESTS', DEFAULT_CLIENT_LIMITS.credentialRequests),
  };
  try {
    return validClientLimits(limits, 'RATE_LIMIT_*');
  } catch (error) {
    throw new LocalStackError((error as Error).message);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const apiPort = port('PORT', 3000);
  const platformKey = process.env.ROSTER_PLATFORM_KEY || randomBytes(24).toString('base64url');
  const generatedKey = !process.env.ROSTER_PLATFORM_KEY;
  const ttl = process.env.INVITATION_TTL_SECONDS;
  // Links in emails open the console the gateway serves (same origin as the API).
  const appUrl = (process.env.APP_URL || `http://localhost:${apiPort}`).replace(/\/$/, '');

  let emulators: LocalEmulators | undefined;
  let gateway: Gateway | undefined;
  let events: EventFeed | undefined;
  let webhooks: WebhookDispatcher | undefined;
  let idp: OidcIdp | undefined;
  let samlIdp: SamlIdp | undefined;
  let jobTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack…');
    clearInterval(jobTimer);
    removeStackFile();
    await gateway?.close();
    await events?.stop();
    await webhooks?.stop();
    await idp?.stop();
    await samlIdp?.stop();
    await emulators?.stop();
    process.exit(code);
  };
  // SIGINT from a terminal's Ctrl-C, or either signal from a process manager or test harness sent to
  // `npm start` (its script execs node, so the signal reaches this process); a second one exits at once.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => (stopping ? process.exit(1) : void shutdown(0)));
  }
  watchParent(() => void shutdown(0));

  try {
    const limits = clientLimits();
    await assertPortFree(apiPort, 'the API', 'PORT', '127.0.0.1');
    await ensureWebBuilt((line) => console.log(line));
    console.log('Starting DynamoDB Local, cognito-local and SES local…');
    emulators = await startEmulators({
      dynamodbPort: port('DYNAMODB_PORT', 8000),
      cognitoPort: port('COGNITO_PORT', 9229),
      sesPort: port('SES_PORT', 8005),
      dnsPort: port('DNS_PORT', 8053),
      appUrl,
      invitationTtlSeconds: ttl ? Number(ttl) : undefined,
      lambdaPort: process.env.LAMBDA_PORT ? port('LAMBDA_PORT', 0) : undefined,
      onLog: emulatorConsole(),
    });
    console.log(`Emulators ready in ${(emulators.startupMs / 1000).toFixed(1)} s.`);
    // The handlers' environment, for the webhook delivery code running in this process.
    Object.assign(process.env, emulators.env);
    const dispatcher = startWebhookDispatcher({ onError: (message) => console.error(`[webhook] ${message}`) });
    webhooks = dispatcher;
    events = await startLocalEventFeed(emulators.env, {
      onEvent: (e) => {
        console.log(
          `[event] ${e['detail-type']} tenant ${e.detail.tenantId} ${e.detail.target.type} ${e.detail.target.id} by ${e.detail.actor.type} ${e.detail.actor.id}`,
        );
        dispatcher.onEvent(e);
      },
      onError: (message) => console.error(`[event] ${message}`),
    });
    gateway = await startGateway({
      port: apiPort,
      env: emulators.env,
      platformKey,
      cognito: emulators.cognito,
      events,
      accessLog: (line) => console.log(`[api] ${line}`),
      clientLimits: limits,
    });
  } catch (error) {
    await emulators?.stop();
    if (error instanceof LocalStackError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  jobTimer = startJobs(emulators.env.AWS_REGION);
  const demo = await seedDemo(gateway.url, emulators.urls.sesStore, platformKey).catch((error: unknown) => {
    console.error(
      `Demo seeding failed: ${error instanceof Error ? error.message : String(error)} (the stack keeps running).`,
    );
    return undefined;
  });
  // The demo IdP (any login, any password) and the demo tenant's connection to it.
  let demoSso: DemoSso | undefined;
  let demoSaml: DemoSso | undefined;
  if (demo) {
    try {
      idp = await startOidcIdp({
        port: process.env.IDP_PORT ? port('IDP_PORT', 0) : await freePort(),
        redirectUri: `${appUrl}/v1/auth/sso/callback`,
      });
      demoSso = await seedDemoSso(gateway.url, demo.tenantId, idp);
    } catch (error) {
      console.error(
        `Demo SSO not set up: ${error instanceof Error ? error.message : String(error)} (the stack keeps running).`,
      );
    }
    try {
      samlIdp = await startSamlIdp({
        port: process.env.SAML_IDP_PORT ? port('SAML_IDP_PORT', 0) : await freePort(),
        acsUrl: `${appUrl}/v1/auth/sso/callback`,
        spEntityId: `${appUrl}/sso`,
      });
      demoSaml = await seedDemoSaml(gateway.url, demo.tenantId, samlIdp.metadataXml);
    } catch (error) {
      console.error(
        `Demo SAML not set up: ${error instanceof Error ? error.message : String(error)} (the stack keeps running).`,
      );
    }
  }

  const { urls } = emulators;
  await writeStackFile({
    pid: process.pid,
    startedAt: new Date().toISOString(),
    url: gateway.url,
    platformKey,
    urls: { ...urls, docs: `${gateway.url}/docs`, events: `${gateway.url}${LOCAL_EVENTS_PATH}` },
    ...(demo
      ? {
          demo: {
            email: DEMO.email,
            password: DEMO.password,
            tenantId: demo.tenantId,
            ...(idp && demoSso ? { sso: { issuer: idp.issuer, ...demoSso } } : {}),
            ...(samlIdp && demoSaml ? { saml: { metadataUrl: samlIdp.metadataUrl, ...demoSaml } } : {}),
          },
        }
      : {}),
  });
  const lines = [
    `Roster local stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    '',
    `Console          ${appUrl}/   (sign in as the demo owner below)`,
    `API              ${gateway.url}`,
    `Health           ${gateway.url}/v1/health`,
    `API docs         ${gateway.url}/docs   (OpenAPI: ${gateway.url}/v1/openapi.json)`,
    `Events           ${gateway.url}${LOCAL_EVENTS_PATH}   (what EventBridge would get; also logged as [event])`,
    `DynamoDB Local   ${urls.dynamodb}   (table ${emulators.env.TABLE_NAME})`,
    `cognito-local    ${urls.cognito}   (pool ${emulators.cognito.userPoolId}, client ${emulators.cognito.clientId})`,
    `Sent mail        ${urls.ses}   (JSON: ${urls.sesStore})`,
    `DNS (TXT)        ${urls.dns} udp/tcp   (set records: POST ${gateway.url}${LOCAL_DNS_PATH} {name, type: "TXT", value})`,
    `Triggers         ${TRIGGERS.map((t) => t.id).join(', ')} via ${urls.lambda} (called by cognito-local)`,
    `Jobs             ${JOBS.map((j) => j.id).join(', ') || 'none'} every minute (AWS: ${JOBS.map((j) => j.schedule).join(', ') || '-'})`,
    '',
    `Platform key     x-platform-key: ${platformKey}${generatedKey ? '   (generated; set ROSTER_PLATFORM_KEY to fix it)' : ''}`,
    demo
      ? `Demo login       ${DEMO.email} / ${DEMO.password}   (tenant ${demo.tenantId})`
      : 'Demo login       not seeded (see the message above)',
    idp && demoSso
      ? `Demo IdP         ${idp.issuer} — sign in as anyone@${demoSso.domain} with Continue with SSO (any password)`
      : 'Demo IdP         not set up (see the message above)',
    samlIdp && demoSaml
      ? `Demo SAML IdP    ${samlIdp.metadataUrl} — sign in as anyone@${demoSaml.domain} with Continue with SSO (any password)`
      : 'Demo SAML IdP    not set up (see the message above)',
    `CLI              npm run tenant -- list   (finds this stack through .local/stack.json)`,
    '',
    'Ctrl-C (or SIGINT/SIGTERM to npm start) stops everything.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '─'.repeat(width + 2);
  console.log(`\n┌${rule}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join('\n')}\n└${rule}┘\n`);
}

/**
 * Stops the stack when the process that started it (npm) is gone, e.g. killed
 * outright by a process manager: nothing is left running without an owner.
 */
function watchParent(onOrphaned: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, 1_000);
  timer.unref();
}

/**
 * cognito-local's console shows the codes it would email (forgot password) and
 * its unsupported-feature errors: pass those on. Its warnings are the expected
 * refusals (unknown user, wrong password), so they stay muted. An entry starts
 * with `[<epoch ms>]` and may continue on further lines. The trigger handlers'
 * own log lines (local Lambda service) are shown as they are.
 */
function emulatorConsole(): (source: string, line: string) => void {
  let muted = true;
  return (source, line) => {
    if (source === 'lambda') console.log(`[trigger] ${line}`);
    if (source !== 'cognito') return;
    if (/^\[\d+\]/.test(line)) muted = /WARN|DEBUG|Cognito Local running/.test(line);
    if (!muted) console.log(`[cognito-local] ${line}`);
  };
}

/** Every job of JOBS, every minute, one run at a time each, with an EventBridge-like event. */
function startJobs(region: string): NodeJS.Timeout | undefined {
  if (JOBS.length === 0) return undefined;
  const running = new Set<string>();
  const runAll = () => {
    for (const job of JOBS) {
      if (running.has(job.id)) continue;
      running.add(job.id);
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: ACCOUNT_ID,
        time: new Date().toISOString(),
        region,
        resources: [`arn:aws:events:${region}:${ACCOUNT_ID}:rule/${job.id}`],
        detail: {},
      };
      const started = performance.now();
      import(pathToFileURL(join(REPO_ROOT, job.entry)).href)
        .then((module: { handler: (e: unknown, c: unknown) => Promise<unknown> }) => {
          const context = lambdaContext(job.id, Date.now() + JOB_TIMEOUT_MS, region);
          return invokeInContext(context, () => module.handler(event, context));
        })
        .then((result: unknown) =>
          console.log(
            `[job ${job.id}] ran in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(result ?? null)}`,
          ),
        )
        .catch((error: unknown) =>
          console.error(`[job ${job.id}] failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => running.delete(job.id));
    }
  };
  return setInterval(runAll, JOB_INTERVAL_MS);
}

main().catch((error: unknown) => {
  console.error(error instanceof LocalStackError ? error.message : error);
  process.exit(1);
});
