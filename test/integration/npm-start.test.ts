/**
 * `npm start` stops everything it started when the npm process itself gets
 * SIGTERM or SIGINT — as a process manager or a test harness sends it, not a
 * terminal's Ctrl-C to the whole process group: Java (DynamoDB Local), the
 * Node emulators and the local Lambda service are all gone afterwards, and
 * the stack file the CLI reads is removed. Before that, the demo IdP it
 * offers: home-realm discovery for anyone at the demo domain names the demo
 * tenant's connection, and its start URL sends the browser to the demo IdP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/gateway.ts';
import { readStackFile } from '../../infra/local/stack-file.ts';
import { postToAcs, signInAtSamlIdp } from '../support/saml.ts';

const started: ChildProcess[] = [];
const spawnedBelow: number[] = [];
afterEach(() => {
  // Whatever a failed run left behind, by pid.
  for (const pid of spawnedBelow.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error())));
    });
  });
}

/** Every process below `pid` (Linux /proc), whatever its process group. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function until(condition: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** The banner names the demo IdP; discovery finds its connection for the demo domain; start redirects to it. */
async function demoIdpOffered(apiUrl: string, stackFile: string, output: () => string): Promise<void> {
  const sso = readStackFile(stackFile)?.demo?.sso;
  expect(sso, output()).toBeDefined();
  if (!sso) return;
  // Loopback only: the demo IdP (any login, any password) is not reachable from elsewhere.
  expect(new URL(sso.issuer).hostname).toBe('127.0.0.1');
  await until(() => output().includes('Demo IdP'), 'the banner', 10_000);
  expect(output()).toContain(`Demo IdP         ${sso.issuer} — sign in as anyone@${sso.domain} with Continue with SSO`);
  const discovered = await fetch(`${apiUrl}/v1/auth/sso/discover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `anyone@${sso.domain}` }),
  });
  expect(discovered.status).toBe(200);
  const body = (await discovered.json()) as { sso: { connectionId: string; name: string; startUrl: string }[] };
  expect(body.sso).toEqual([expect.objectContaining({ connectionId: sso.connectionId, name: 'Demo IdP' })]);
  // The start URL is on APP_URL (localhost); the same path on the gateway's own address.
  const start = await fetch(`${apiUrl}${new URL(body.sso[0]?.startUrl ?? '').pathname}`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const location = new URL(start.headers.get('location') ?? '');
  expect(location.origin).toBe(sso.issuer);
  expect(location.searchParams.get('redirect_uri')).toMatch(/\/v1\/auth\/sso\/callback$/);
}

/**
 * The banner names the demo SAML IdP; discovery finds its connection for its domain; a person signs in
 * through its login page and the posted assertion ends signed in (a session cookie), provisioned just in time.
 */
async function demoSamlSignsIn(apiUrl: string, stackFile: string, output: () => string): Promise<void> {
  const saml = readStackFile(stackFile)?.demo?.saml;
  expect(saml, output()).toBeDefined();
  if (!saml) return;
  expect(new URL(saml.metadataUrl).hostname).toBe('127.0.0.1');
  await until(() => output().includes('Demo SAML IdP'), 'the banner', 10_000);
  expect(output()).toContain(`Demo SAML IdP    ${saml.metadataUrl} — sign in as anyone@${saml.domain}`);
  const discovered = await fetch(`${apiUrl}/v1/auth/sso/discover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `newcomer@${saml.domain}` }),
  });
  const body = (await discovered.json()) as { sso: { connectionId: string; name: string; startUrl: string }[] };
  expect(body.sso).toEqual([expect.objectContaining({ connectionId: saml.connectionId, name: 'Demo SAML IdP' })]);
  const form = await signInAtSamlIdp(
    `${apiUrl}${new URL(body.sso[0]?.startUrl ?? '').pathname}`,
    `newcomer@${saml.domain}`,
  );
  const done = await postToAcs(apiUrl, form);
  expect(done.status, await done.clone().text()).toBe(303);
  expect(new URL(done.headers.get('location') ?? '').searchParams.get('sso')).toBe('done');
  expect(done.headers.getSetCookie().some((c) => c.startsWith('roster_refresh='))).toBe(true);
}

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops Java and every emulator when the npm process gets %s',
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), 'roster-start-'));
      const stackFile = join(dir, 'stack.json');
      const [api, dynamodb, cognito, ses, dns] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      const npm = spawn('npm', ['start'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PORT: String(api),
          DYNAMODB_PORT: String(dynamodb),
          COGNITO_PORT: String(cognito),
          SES_PORT: String(ses),
          DNS_PORT: String(dns),
          ROSTER_STACK_FILE: stackFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.push(npm);
      let output = '';
      npm.stdout?.on('data', (c) => {
        output += c;
      });
      npm.stderr?.on('data', (c) => {
        output += c;
      });
      try {
        await until(() => readStackFile(stackFile) !== undefined || npm.exitCode !== null, 'the stack', 90_000);
        expect(readStackFile(stackFile), output).toMatchObject({ url: `http://127.0.0.1:${api}` });
        await demoIdpOffered(`http://127.0.0.1:${api}`, stackFile, () => output);
        await demoSamlSignsIn(`http://127.0.0.1:${api}`, stackFile, () => output);
        const below = descendants(npm.pid as number);
        spawnedBelow.push(...below);
        const commands = below.map(commandOf).join('\n');
        expect(commands).toMatch(/java .*DynamoDBLocal\.jar/);
        // cognito-local, run in-process by the emulator module that adds Cognito's CUSTOM_AUTH flow to it.
        expect(commands).toMatch(/infra\/local\/emulators\/cognito-server\.ts/);
        expect(commands).toMatch(/aws-ses-v2-local/);
        expect(commands).toMatch(/infra\/local\/lambda\.ts/);

        process.kill(npm.pid as number, signal);

        await until(() => below.every((pid) => !alive(pid)), 'every process npm start started to exit', 30_000);
        expect(existsSync(stackFile)).toBe(false);
        await expect(fetch(`http://127.0.0.1:${dynamodb}`)).rejects.toThrow();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
