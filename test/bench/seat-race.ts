/**
 * Correctness under load (docs/architecture.md, bars): many concurrent invitations through the
 * gateway into a tenant with a few free seats. Exactly as many must succeed as
 * there were free seats, and afterwards `seatsUsed` must equal the number of
 * seat-holding members, counted from the members themselves.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lib/aws/clients.ts';
import { keys } from '../../lib/store/keys.ts';
import { type Api, unique } from './api.ts';
import type { BenchConfig } from './config.ts';
import { membersByStatus, seatHolders } from './seed.ts';
import { round } from './stats.ts';

export interface SeatRaceResult {
  attempts: number;
  free: number;
  succeeded: number;
  invariantHolds: boolean;
}

export interface SeatRaceDetails {
  /** HTTP status (and problem code) → how many answers. */
  answers: Record<string, number>;
  seatsUsed: number;
  seatLimit: number;
  seatHoldingMembers: number;
  seconds: number;
  pass: boolean;
}

export async function seatRace(
  api: Api,
  sizes: BenchConfig['seatRace'],
): Promise<{ result: SeatRaceResult; details: SeatRaceDetails }> {
  // The owner holds the first seat; the limit leaves exactly `free` more.
  const limit = sizes.free + 1;
  const t = await api.tenantWithOwner('race', 'scale', limit);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: sizes.attempts }, (_, n) =>
      api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
        token: t.ownerToken,
        body: { email: `race-${n}-${unique()}@bench.test`, name: `Racer ${n}`, role: 'agent' },
      }),
    ),
  );
  const seconds = round((performance.now() - started) / 1000, 2);
  const tally: Record<string, number> = {};
  for (const res of answers) {
    const key = `${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  const succeeded = answers.filter((r) => r.status === 201).length;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.tenant(t.tenantId), ConsistentRead: true }),
  );
  const seatsUsed = Number(Item?.seatsUsed);
  const holders = seatHolders(await membersByStatus(t.tenantId));
  const invariantHolds = seatsUsed === holders && holders === 1 + succeeded && seatsUsed <= limit;
  return {
    result: { attempts: sizes.attempts, free: sizes.free, succeeded, invariantHolds },
    details: {
      answers: tally,
      seatsUsed,
      seatLimit: limit,
      seatHoldingMembers: holders,
      seconds,
      pass: invariantHolds && succeeded === sizes.free,
    },
  };
}
