/**
 * `npm run tenant -- <command>`: the platform's tenant operations against a
 * Roster API — locally with the platform key, in AWS signed with SigV4 from
 * the default credential chain (environment, profile, SSO, instance role).
 */
import { parseArgs } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { readStackFile, type StackRecord } from '../local/stack-file.ts';

export const USAGE = `Usage: npm run tenant -- <command> [options]

Commands
  create --name <name> --plan <plan> --owner-email <email> --owner-name <name> [--seat-limit <n>] [--id <tenant-id>]
  list [--limit <1-100>] [--cursor <cursor>]
  show <tenant-id>
  update <tenant-id> [--name <name>] [--plan <plan>] [--seat-limit <n|plan>] [--if-match <etag>]
  close <tenant-id>        members lose access, every record is kept
  reopen <tenant-id>

Options
  --url <base URL>         the API (default $ROSTER_URL, else the running \`npm start\`, else http://127.0.0.1:3000)
  --platform-key <key>     the local stack's key (default $ROSTER_PLATFORM_KEY, else the running \`npm start\`'s
                           when --url is its API); without one, requests are signed with AWS SigV4
                           (service execute-api) from the default credential chain
  --region <region>        for SigV4 (default: from an execute-api URL, else $AWS_REGION)
  --json                   print the API's JSON as it is (for scripts) instead of a summary

A running \`npm start\` records its API URL and platform key in .local/stack.json.

Plans: trial, starter, growth, scale, enterprise. --seat-limit plan returns to the plan's limit.`;

const OPTIONS = {
  url: { type: 'string' },
  'platform-key': { type: 'string' },
  region: { type: 'string' },
  name: { type: 'string' },
  plan: { type: 'string' },
  'owner-email': { type: 'string' },
  'owner-name': { type: 'string' },
  'seat-limit': { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  'if-match': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The running local stack (default: `.local/stack.json`, see infra/local/stack-file.ts). */
  localStack?: () => StackRecord | undefined;
}

class UsageError extends Error {}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Runs one command; the exit code. */
export async function runTenantCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    const call = callFor(command, rest, values);
    const local = (io.localStack ?? readStackFile)();
    const base = new URL(values.url || io.env.ROSTER_URL || local?.url || 'http://127.0.0.1:3000');
    // The local stack's key goes only to that stack, never to another URL.
    const localKey = local && new URL(local.url).origin === base.origin ? local.platformKey : undefined;
    const platformKey = values['platform-key'] || io.env.ROSTER_PLATFORM_KEY || localKey;
    const response = await send(
      base,
      call,
      platformKey ? { platformKey } : { region: regionOf(base, values.region, io.env) },
    );
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    const json = parsed === undefined ? `${response.status} ${response.statusText}` : JSON.stringify(parsed, null, 2);
    if (response.ok) {
      io.out(values.json ? json : summary(command, parsed));
      return 0;
    }
    const problem = parsed as {
      title?: string;
      detail?: string;
      code?: string;
      errors?: { path: string; message: string }[];
    };
    const said =
      values.json || !problem?.code
        ? json
        : [
            `${problem.title ?? 'Refused'} (${problem.code}): ${problem.detail ?? ''}`,
            ...(problem.errors ?? []).map((e) => `  ${e.path}: ${e.message}`),
          ].join('\n');
    io.err(`${call.method} ${call.path} answered ${response.status}:\n${said}`);
    return 1;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

interface TenantJson {
  id: string;
  name: string;
  plan: string;
  status: string;
  seats: { used: number; limit: number | null; available: number | null };
  seatLimitOverride?: number | null;
  createdAt?: string;
  owner?: { email: string; name: string; status: string };
}

/** A short human summary of what the API answered (`--json` prints the answer itself). */
export function summary(command: string, body: unknown): string {
  if (command === 'list') {
    const page = body as { items: TenantJson[]; nextCursor: string | null };
    if (page.items.length === 0) return 'No tenants.';
    const rows = page.items.map((t) => [t.id, t.name, t.plan, seatText(t.seats), t.status]);
    const table = columns([['ID', 'NAME', 'PLAN', 'SEATS', 'STATUS'], ...rows]);
    const more = page.nextCursor ? `\nMore: npm run tenant -- list --cursor ${page.nextCursor}` : '';
    return `${table}${more}`;
  }
  const t = body as TenantJson;
  const verb: Record<string, string> = { create: 'Created', update: 'Updated', close: 'Closed', reopen: 'Reopened' };
  const lines = [
    `${verb[command] ?? 'Tenant'} ${t.id} "${t.name}" (${t.status})`,
    `  plan    ${t.plan}${t.seatLimitOverride ? ` with its own limit of ${t.seatLimitOverride}` : ''}`,
    `  seats   ${seatText(t.seats)}`,
  ];
  if (t.owner)
    lines.push(`  owner   ${t.owner.name} <${t.owner.email}> (${t.owner.status}; the invitation is on its way)`);
  return lines.join('\n');
}

function seatText(seats: TenantJson['seats']): string {
  return seats.limit === null ? `${seats.used} used, unlimited` : `${seats.used} of ${seats.limit} used`;
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function callFor(command: string, rest: string[], v: Values): Call {
  const id = () => {
    if (rest.length !== 1) throw new UsageError(`${command} takes one tenant id`);
    return encodeURIComponent(rest[0] as string);
  };
  const required = (name: keyof Values) => {
    const value = v[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`${command} needs --${name}`);
    return value;
  };
  const seatLimit = (raw: string | undefined) => (raw === undefined ? undefined : raw === 'plan' ? null : Number(raw));
  switch (command) {
    case 'create':
      return {
        method: 'POST',
        path: '/v1/platform/tenants',
        body: {
          ...(v.id ? { id: v.id } : {}),
          name: required('name'),
          plan: required('plan'),
          ...(v['seat-limit'] ? { seatLimit: seatLimit(v['seat-limit']) } : {}),
          owner: { email: required('owner-email'), name: required('owner-name') },
        },
      };
    case 'list':
      return {
        method: 'GET',
        path: '/v1/platform/tenants',
        query: { ...(v.limit ? { limit: v.limit } : {}), ...(v.cursor ? { cursor: v.cursor } : {}) },
      };
    case 'show':
      return { method: 'GET', path: `/v1/platform/tenants/${id()}` };
    case 'update': {
      const body = {
        ...(v.name ? { name: v.name } : {}),
        ...(v.plan ? { plan: v.plan } : {}),
        ...(v['seat-limit'] ? { seatLimit: seatLimit(v['seat-limit']) } : {}),
      };
      if (Object.keys(body).length === 0) throw new UsageError('update needs --name, --plan or --seat-limit');
      return {
        method: 'PATCH',
        path: `/v1/platform/tenants/${id()}`,
        body,
        headers: v['if-match'] ? { 'if-match': v['if-match'] } : {},
      };
    }
    case 'close':
      return { method: 'DELETE', path: `/v1/platform/tenants/${id()}` };
    case 'reopen':
      return { method: 'PATCH', path: `/v1/platform/tenants/${id()}`, body: { status: 'active' } };
    default:
      throw new UsageError(`Unknown command ${command}`);
  }
}

export function regionOf(base: URL, given: string | undefined, env: CliIo['env']): string {
  const region = given ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(base.hostname)?.[1] ?? env.AWS_REGION;
  if (!region) throw new UsageError('Give --platform-key (local stack) or --region/AWS_REGION for SigV4');
  return region;
}

/** The request, with the platform key or signed with SigV4 (service execute-api). */
export async function send(
  base: URL,
  call: Call,
  auth: { platformKey: string } | { region: string },
): Promise<Response> {
  const url = new URL(call.path.replace(/^\//, ''), base.href.endsWith('/') ? base : `${base.href}/`);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  let headers: Record<string, string> = {
    accept: 'application/json',
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...call.headers,
  };
  if ('platformKey' in auth) headers['x-platform-key'] = auth.platformKey;
  else headers = await sigV4(url, call.method, headers, body, auth.region);
  // fetch sets Host itself (the same value that was signed).
  const { host: _host, ...sent } = headers;
  return fetch(url, { method: call.method, headers: sent, body, signal: AbortSignal.timeout(30_000) });
}

export async function sigV4(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  region: string,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: fromNodeProviderChain(),
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...headers, host: url.host },
    body,
  });
  const signed = await signer.sign(request, signingDate ? { signingDate } : {});
  return signed.headers;
}

if (process.argv[1]?.endsWith('infra/cli/tenant.ts')) {
  runTenantCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  }).then((code) => process.exit(code));
}
