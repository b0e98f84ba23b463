/**
 * Time-outs are transient, never a 500: an SDK call that gives up
 * (`TimeoutError`) and a handler cut off before the Lambda's own limit
 * (middy's early time-out, its AbortSignal aborted) both answer the 503
 * problem with `Retry-After`, so clients retry.
 */
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as getTenant } from '../../functions/tenants/get.ts';
import { publicRoute } from '../../lib/http/public-route.ts';
import { ok } from '../../lib/http/reply.ts';
import { TIMEOUT_EARLY_MS } from '../../lib/http/route.ts';
import { apiEvent, invoke } from './events.ts';

const db = mockClient(DynamoDBDocumentClient);
beforeEach(() => db.reset());

const readTenant = { path: '/v1/tenants/acme', pathParameters: { tenantId: 'acme' }, claims: { sub: 'u-1' } };

describe('an SDK time-out', () => {
  it('is a 503 problem with Retry-After, not a 500', async () => {
    const timeout = Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
    db.on(BatchGetCommand).rejects(timeout);
    const res = await invoke(getTenant, readTenant);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ code: 'service-unavailable', status: 503 });
  });
});

describe('a handler near the Lambda’s time limit', () => {
  const nearLimit = (remainingMs: number) =>
    ({ awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

  it('answers 503 with Retry-After before the limit while its DynamoDB call still hangs', async () => {
    let called = false;
    db.on(BatchGetCommand).callsFake(() => {
      called = true;
      return new Promise(() => {});
    });
    const result = await getTenant(apiEvent(readTenant), nearLimit(TIMEOUT_EARLY_MS + 50));
    expect(called).toBe(true);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ code: 'service-unavailable' });
  });

  it('aborts the signal the use case was given, so its own calls can stop too', async () => {
    let seen: AbortSignal | undefined;
    const slow = publicRoute('health', {
      run: ({ signal }) => {
        seen = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(ok({ late: true }))));
      },
    });
    const result = await slow(apiEvent({ path: '/v1/health' }), nearLimit(TIMEOUT_EARLY_MS + 20));
    expect(seen?.aborted).toBe(true);
    expect(result.statusCode).toBe(503);
  });
});
