/**
 * The local Lambda service: the Lambda Invoke API
 * (`POST /2015-03-31/functions/{name}/invocations`) for the TRIGGERS table,
 * so cognito-local runs the deployed trigger handlers on every sign-in. A
 * child process of the local stack (emulators.ts starts it with the
 * environment a trigger gets in AWS); each handler is imported once and runs
 * here like a warm Lambda container, with Cognito's 5-second trigger limit.
 * It also answers the KMS calls of the custom email sender (kms.ts).
 *
 *   node --import tsx infra/local/lambda.ts <port>
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TRIGGERS, type TriggerDef } from '../../lib/http/routes.ts';
import { invokeInContext, lambdaContext } from './gateway-event.ts';
import { isKmsRequest, kmsReply } from './kms.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Cognito waits this long for a trigger, then fails the sign-in. */
const TRIGGER_TIMEOUT_MS = 5_000;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const modules = new Map<string, Promise<Handler>>();

function load(trigger: TriggerDef): Promise<Handler> {
  let loading = modules.get(trigger.id);
  if (!loading) {
    loading = import(pathToFileURL(join(REPO_ROOT, trigger.entry)).href).then((m: { handler: Handler }) => m.handler);
    // A failed init is retried on the next invocation, like a Lambda init failure.
    loading.catch(() => modules.delete(trigger.id));
    modules.set(trigger.id, loading);
  }
  return loading;
}

/** `postAuthentication`, or the same at the end of a function ARN. */
function functionNamed(raw: string): TriggerDef | undefined {
  const name = decodeURIComponent(raw).split(':function:').at(-1)?.split(':')[0];
  return TRIGGERS.find((t) => t.id === name);
}

async function invoke(trigger: TriggerDef, payload: string): Promise<{ body: unknown; functionError?: true }> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  let timer: NodeJS.Timeout | undefined;
  try {
    const handler = await load(trigger);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Task timed out after ${TRIGGER_TIMEOUT_MS / 1000} seconds`)),
        TRIGGER_TIMEOUT_MS,
      );
    });
    const event = JSON.parse(payload || '{}');
    const context = lambdaContext(trigger.id, Date.now() + TRIGGER_TIMEOUT_MS, region);
    return { body: (await Promise.race([invokeInContext(context, () => handler(event, context)), timeout])) ?? null };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    console.error(`[lambda ${trigger.id}] ${failure.stack ?? failure.message}`);
    // What Lambda answers for an unhandled error (X-Amz-Function-Error: Unhandled).
    return { body: { errorType: failure.name, errorMessage: failure.message }, functionError: true };
  } finally {
    clearTimeout(timer);
  }
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

const server = createServer((request, response) => {
  const target = request.headers['x-amz-target'] as string | undefined;
  if (request.method === 'POST' && isKmsRequest(target)) {
    read(request)
      .then((payload) => {
        const { status, body } = kmsReply(target as string, JSON.parse(payload || '{}'));
        reply(response, status, body, { 'content-type': 'application/x-amz-json-1.1' });
      })
      .catch((error: unknown) => reply(response, 500, { __type: 'KMSInternalException', message: String(error) }));
    return;
  }
  const name = INVOKE_PATH.exec(request.url?.split('?')[0] ?? '')?.[1];
  const trigger = name === undefined ? undefined : functionNamed(name);
  if (request.method !== 'POST' || !trigger) {
    reply(
      response,
      404,
      { Type: 'User', message: `Function not found: ${name ?? request.url}` },
      {
        'x-amzn-errortype': 'ResourceNotFoundException',
      },
    );
    return;
  }
  read(request)
    .then((payload) => invoke(trigger, payload))
    .then(({ body, functionError }) =>
      reply(response, 200, body, {
        'x-amz-executed-version': '$LATEST',
        ...(functionError ? { 'x-amz-function-error': 'Unhandled' } : {}),
      }),
    )
    .catch((error: unknown) => reply(response, 500, { message: String(error) }));
});

const port = Number(process.argv[2]);
server.listen(port, '127.0.0.1', () => {
  console.log(`local Lambda service on port ${port}: ${TRIGGERS.map((t) => t.id).join(', ')}`);
  // Initialise every function now, while the emulators start, not on the first sign-in.
  for (const trigger of TRIGGERS) load(trigger).catch(() => {});
});
