/**
 * Optimistic concurrency: a use case reads, decides, and writes one
 * conditional transaction; when a concurrent change beats it, it reads again
 * and retries (jittered backoff), handing the failure to the next attempt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict } from '../domain/errors.ts';
import { Contended } from '../store/assignments.ts';

export const MAX_ATTEMPTS = 60;

export function isContention(error: unknown): boolean {
  if (error instanceof Contended) return true;
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name === 'TransactionConflictException') return true;
  return (
    e.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed')
  );
}

export const backoff = (attempt: number) => sleep(Math.random() * Math.min(100, 5 * attempt));

/** Runs `attempt` until no concurrent change beats it; `last` is the previous failure. */
export async function retrying<T>(attempt: (last: unknown) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 1; ; i++) {
    try {
      return await attempt(last);
    } catch (error) {
      if (!isContention(error)) throw error;
      if (i >= MAX_ATTEMPTS) throw conflict('The conversation is being changed by others right now; retry shortly.');
      last = error;
      await backoff(i);
    }
  }
}
