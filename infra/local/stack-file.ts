/**
 * Where a running `npm start` is: its API URL, the platform key and the other
 * URLs, written to `.local/stack.json` (owner-only: it holds the key) once the
 * stack is up and removed when it stops. `npm run tenant` reads it, so the
 * CLI finds the local stack without `--url` or `--platform-key`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `.local/stack.json` in the repository; `ROSTER_STACK_FILE` moves it (tests run stacks of their own). */
export const STACK_FILE =
  process.env.ROSTER_STACK_FILE || join(fileURLToPath(new URL('../../', import.meta.url)), '.local', 'stack.json');

export interface StackRecord {
  /** The `npm start` process: a record whose process is gone is stale and ignored. */
  pid: number;
  startedAt: string;
  url: string;
  platformKey: string;
  urls: Record<string, string>;
  demo?: {
    email: string;
    password: string;
    tenantId: string;
    /** The demo IdP `npm start` runs and the demo tenant's connection to it. */
    sso?: { issuer: string; domain: string; connectionId: string; startUrl: string };
    /** The demo SAML IdP `npm start` runs and the demo tenant's connection to it. */
    saml?: { metadataUrl: string; domain: string; connectionId: string; startUrl: string };
  };
}

export async function writeStackFile(record: StackRecord, path = STACK_FILE): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/** Synchronous, so it also works from an exit handler. */
export function removeStackFile(path = STACK_FILE): void {
  rmSync(path, { force: true });
}

/** The running stack's record, or undefined (no file, unreadable, or its process is gone). */
export function readStackFile(path = STACK_FILE): StackRecord | undefined {
  let record: Partial<StackRecord>;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as Partial<StackRecord>;
  } catch {
    return undefined;
  }
  if (typeof record.url !== 'string' || typeof record.platformKey !== 'string' || typeof record.pid !== 'number') {
    return undefined;
  }
  return alive(record.pid) ? (record as StackRecord) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
