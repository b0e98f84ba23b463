/**
 * `npm run tenant`: the platform's tenant operations through the local
 * gateway with the platform key, and SigV4 signing for AWS (checked against
 * a local server that re-signs what it received).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/cli/openapi.ts';
import { regionOf, runTenantCli, sigV4 } from '../../infra/cli/tenant.ts';
import { type StackRecord, writeStackFile } from '../../infra/local/stack-file.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { unique } from './client.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.close();
});

async function run(argv: string[], env: Record<string, string>, localStack?: () => StackRecord | undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTenantCli(argv, {
    env,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    localStack: localStack ?? (() => undefined),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `--json`: what scripts use. */
const cli = (...argv: string[]) =>
  run([...argv, '--json'], { ROSTER_URL: gw.baseUrl, ROSTER_PLATFORM_KEY: gw.platformKey });

const stackRecord = (): StackRecord => ({
  pid: process.pid,
  startedAt: new Date().toISOString(),
  url: gw.baseUrl,
  platformKey: gw.platformKey,
  urls: {},
});

describe('npm run tenant (local, platform key)', () => {
  const id = `cli-${unique()}`;

  it('creates, shows, lists and updates a tenant', async () => {
    const email = `cli-owner-${unique()}@e2e.test`;
    const created = await cli(
      'create',
      '--id',
      id,
      '--name',
      'CLI Co',
      '--plan',
      'starter',
      '--owner-email',
      email,
      '--owner-name',
      'Cli Owner',
    );
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({
      id,
      name: 'CLI Co',
      plan: 'starter',
      owner: { email, status: 'invited' },
    });

    const shown = await cli('show', id);
    expect(JSON.parse(shown.out)).toMatchObject({ id, seats: { used: 1, limit: 3, available: 2 } });

    const listed = await cli('list', '--limit', '100');
    expect(JSON.parse(listed.out).items.map((t: { id: string }) => t.id)).toContain(id);

    const updated = await cli('update', id, '--plan', 'growth', '--seat-limit', '8');
    expect(JSON.parse(updated.out)).toMatchObject({ plan: 'growth', seats: { limit: 8 } });
    const back = await cli('update', id, '--seat-limit', 'plan');
    expect(JSON.parse(back.out)).toMatchObject({ seats: { limit: 5 }, seatLimitOverride: null });

    expect(JSON.parse((await cli('close', id)).out)).toMatchObject({ id, status: 'closed' });
    expect(JSON.parse((await cli('reopen', id)).out)).toMatchObject({ id, status: 'active' });
  });

  it('prints the problem and exits 1 when the API refuses, 2 on bad usage', async () => {
    const missing = await cli('show', 'no-such-tenant');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/answered 404/);
    expect(missing.err).toMatch(/"code": "not-found"/);
    const plain = await run(['show', 'no-such-tenant'], {}, stackRecord);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/answered 404:\nNot found \(not-found\): The tenant/);
    const invalid = await cli(
      'create',
      '--name',
      'X',
      '--plan',
      'gold',
      '--owner-email',
      'a@b.test',
      '--owner-name',
      'A',
    );
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/"code": "validation-failed"/);
    expect((await cli('create', '--name', 'X')).code).toBe(2);
    expect((await cli('frobnicate')).err).toMatch(/Unknown command frobnicate/);
  });

  it('finds the running local stack and its key without --url or --platform-key, and prints a summary', async () => {
    const shown = await run(['show', id], {}, stackRecord);
    expect(shown.err).toBe('');
    expect(shown.out).toMatch(
      new RegExp(`^Tenant ${id} "CLI Co" \\(active\\)\n  plan    growth\n  seats   1 of 5 used$`),
    );
    const listed = await run(['list', '--limit', '100'], {}, stackRecord);
    expect(listed.out.split('\n')[0]).toMatch(/^ID +NAME +PLAN +SEATS +STATUS$/);
    expect(listed.out).toMatch(new RegExp(`^${id} +CLI Co +growth +1 of 5 used +active$`, 'm'));
  });

  it('never sends the local stack’s key to another URL', async () => {
    const elsewhere = await run(['show', id, '--url', 'https://api.acme.example'], {}, stackRecord);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.err).toMatch(/Give --platform-key/);
  });

  it('runs as the npm script, finding the stack through its stack file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
    const file = join(dir, 'stack.json');
    await writeStackFile(stackRecord(), file);
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'infra/cli/tenant.ts', 'show', id, '--json'],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, ROSTER_PLATFORM_KEY: '', ROSTER_URL: '', ROSTER_STACK_FILE: file },
          timeout: 30_000,
        },
      );
      expect(JSON.parse(stdout)).toMatchObject({ id });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('npm run tenant (AWS, SigV4)', () => {
  it('signs every request for execute-api with the default credential chain', async () => {
    const received: { request: IncomingMessage; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (c) => {
        body += c;
      });
      request.on('end', () => {
        received.push({ request, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"nextCursor":null}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: '',
    });
    try {
      const code = await runTenantCli(['list', '--limit', '5', '--url', url, '--region', 'eu-west-1'], {
        env: {},
        localStack: () => undefined,
        out: () => {},
        err: (t) => expect.fail(t),
      });
      expect(code).toBe(0);
      const [{ request }] = received as [{ request: IncomingMessage; body: string }];
      const authorization = String(request.headers.authorization);
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(request.headers['x-platform-key']).toBeUndefined();
      // Re-signing what arrived gives the same signature: the signature covers this method, host, path and query.
      const amzDate = String(request.headers['x-amz-date']);
      const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      const resigned = await sigV4(
        new URL(`${url}${request.url}`),
        'GET',
        { accept: 'application/json' },
        undefined,
        'eu-west-1',
        date,
      );
      expect(resigned.authorization).toBe(authorization);
    } finally {
      process.env = saved;
      server.close();
    }
  });

  it('takes the region from an execute-api URL, else --region or AWS_REGION', () => {
    const api = new URL('https://abc123.execute-api.ap-south-1.amazonaws.com');
    expect(regionOf(api, undefined, {})).toBe('ap-south-1');
    expect(regionOf(api, 'eu-west-1', {})).toBe('eu-west-1');
    expect(regionOf(new URL('https://api.acme.example'), undefined, { AWS_REGION: 'us-east-2' })).toBe('us-east-2');
    expect(() => regionOf(new URL('https://api.acme.example'), undefined, {})).toThrow(/--platform-key/);
  });
});
