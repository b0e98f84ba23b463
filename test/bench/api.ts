/**
 * A tiny HTTP client for the bench: JSON in and out through the local gateway
 * (node:http, kept-alive connections), wall time per request, and the flows that need more than one request
 * (a tenant with its owner signed in, invitation links from SES local, reset
 * codes from cognito-local's files).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { join } from 'node:path';
import type { BenchStack } from './stack.ts';

export interface Res {
  status: number;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: responses are inspected loosely
  body: any;
  /** Request to last body byte, as the client sees it. */
  ms: number;
  /** `performance.now()` when the request started. */
  startedAt: number;
}

export interface CallInit {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export const PASSWORD = 'Bench1Password!x';
export const unique = () => randomBytes(5).toString('hex');

const MAIL_WAIT_MS = 10_000;

export type Api = ReturnType<typeof benchApi>;

export function benchApi(stack: BenchStack) {
  const gateway = new URL(stack.gateway.url);
  const agent = new Agent({ keepAlive: true });
  const platform = { 'x-platform-key': stack.platformKey };

  async function call(method: string, path: string, init: CallInit = {}): Promise<Res> {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers = {
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    };
    const started = performance.now();
    const res = await send(method, path, headers, body);
    const ms = performance.now() - started;
    const json = /json/.test(res.headers['content-type'] ?? '');
    return {
      status: res.status,
      headers: res.headers,
      // Pages and assets (the docs routes) stay text.
      body: res.text && json ? JSON.parse(res.text) : res.text || undefined,
      ms,
      startedAt: started,
    };
  }

  /**
   * One request over a kept-alive connection with node:http — the HTTP stack the SDK's direct requests use
   * (its NodeHttpHandler), so a route and its direct DynamoDB calls are timed through the same kind of client.
   * (`fetch` adds ~0.25–0.3 ms of its own per request on this machine, which is the client's, not the route's.)
   */
  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: gateway.hostname, port: gateway.port, path, method, headers, agent },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  /** Like `call`, but a non-2xx answer is an error naming the request and the problem. */
  async function ok(method: string, path: string, init: CallInit = {}): Promise<Res> {
    const res = await call(method, path, init);
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
    }
    return res;
  }

  /** The token of the newest invitation email to `email` (waits for it briefly). */
  async function invitationToken(email: string, notBefore?: string): Promise<string> {
    const deadline = Date.now() + MAIL_WAIT_MS;
    while (Date.now() < deadline) {
      const store = (await (await fetch(stack.emulators.urls.sesStore)).json()) as {
        emails: { destination: { to: string[] }; body: { text?: string; html?: string } }[];
      };
      const mail = store.emails.filter((e) => e.destination.to.some((to) => to.includes(email))).at(-1);
      const match = /accept-invitation\?token=([^\s"'<>&]+)/.exec(`${mail?.body.text ?? ''} ${mail?.body.html ?? ''}`);
      const token = match?.[1] ? decodeURIComponent(match[1]) : undefined;
      if (token && token !== notBefore) return token;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no invitation email reached ${email} within ${MAIL_WAIT_MS / 1000} s`);
  }

  async function login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await ok('POST', '/v1/auth/login', { body: { email, password } });
    if (!res.body.accessToken) throw new Error(`login of ${email} answered ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A tenant made through the platform route, its owner's invitation accepted and the owner signed in. */
  async function tenantWithOwner(label: string, plan: string, seatLimit?: number) {
    const ownerEmail = `${label}-owner-${unique()}@bench.test`;
    const created = await ok('POST', '/v1/platform/tenants', {
      headers: platform,
      body: {
        name: `${label} Co`,
        plan,
        ...(seatLimit ? { seatLimit } : {}),
        owner: { email: ownerEmail, name: 'Owner' },
      },
    });
    const token = await invitationToken(ownerEmail);
    await ok('POST', '/v1/invitations/accept', { body: { token, name: `${label} Owner`, password: PASSWORD } });
    const { accessToken } = await login(ownerEmail, PASSWORD);
    return {
      tenantId: created.body.id as string,
      ownerId: created.body.ownerId as string,
      ownerEmail,
      ownerToken: accessToken,
    };
  }

  /** The code cognito-local last issued to `email` (it prints codes instead of emailing them). */
  async function cognitoCode(email: string): Promise<string> {
    const file = join(stack.emulators.cognitoDir, '.cognito', 'db', `${stack.emulators.cognito.userPoolId}.json`);
    const db = JSON.parse(await readFile(file, 'utf8')) as {
      Users?: Record<string, { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }>;
    };
    const user = Object.values(db.Users ?? {}).find((u) =>
      u.Attributes.some((a) => a.Name === 'email' && a.Value === email),
    );
    if (!user?.ConfirmationCode) throw new Error(`cognito-local holds no confirmation code for ${email}`);
    return user.ConfirmationCode;
  }

  return { call, ok, platform, invitationToken, login, tenantWithOwner, cognitoCode };
}
