/**
 * Log context never outlives its invocation: a warm container (one invocation
 * after another) and the local stack (many at once, in one process) both give
 * every log line the function, request and correlation id of its own
 * invocation only — Powertools' `injectLambdaContext({ resetKeys: true })`,
 * plus the InvokeStore the local stack runs each invocation in.
 */
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as releaseJob } from '../../functions/jobs/release-assignments.ts';
import { handler as getTenant } from '../../functions/tenants/get.ts';
import { invokeInContext } from '../../infra/local/gateway-event.ts';
import { apiEvent } from './events.ts';

// Before the handlers (and their logger) are imported: this file reads INFO lines.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const db = mockClient(DynamoDBDocumentClient);
let lines: Record<string, unknown>[] = [];

const context = (functionName: string, awsRequestId: string) =>
  ({
    functionName,
    awsRequestId,
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:1:function:${functionName}`,
    memoryLimitInMB: '1024',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => 30_000,
  }) as unknown as Context;

/** A refused tenant read (not a member: 404), logged as `request refused` with its keys. */
const readTenant = (correlationId: string, requestId: string) =>
  getTenant(
    apiEvent({
      path: '/v1/tenants/acme',
      pathParameters: { tenantId: 'acme' },
      headers: { 'x-correlation-id': correlationId },
      claims: { sub: 'u-1' },
    }),
    context('getTenant', requestId),
  );
const runJob = (requestId: string) =>
  releaseJob({ time: '2026-03-01T09:00:00Z' } as never, context('releaseAssignments', requestId));
const lineWith = (message: string, key: string, value: string) =>
  lines.find((l) => l.message === message && l[key] === value);

beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    return true;
  });
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  lines = [];
  db.reset();
  db.on(QueryCommand).resolves({ Items: [] });
  // A little latency, so concurrent invocations interleave around it.
  db.on(BatchGetCommand).callsFake(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return { Responses: { 'roster-test': [] } };
  });
});

describe('one invocation after another (a warm container)', () => {
  it('gives each line its own function and keys, never an earlier invocation’s', async () => {
    await runJob('job-1');
    await readTenant('corr-a', 'req-a');
    await runJob('job-2');
    await readTenant('corr-b', 'req-b');

    const job2 = lineWith('release-assignments run', 'function_request_id', 'job-2');
    expect(job2).toMatchObject({ function_name: 'releaseAssignments', scheduledAt: '2026-03-01T09:00:00Z' });
    expect(job2).not.toHaveProperty('correlationId');
    expect(job2).not.toHaveProperty('routeId');

    const a = lineWith('request refused', 'correlationId', 'corr-a');
    expect(a).toMatchObject({ function_name: 'getTenant', function_request_id: 'req-a', routeId: 'getTenant' });
    expect(a).not.toHaveProperty('scheduledAt');
    expect(lineWith('request refused', 'correlationId', 'corr-b')).toMatchObject({ function_request_id: 'req-b' });
    expect(lines.filter((l) => l.message === 'request refused')).toHaveLength(2);
  });
});

describe('invocations at once in one process (the local stack)', () => {
  it('keeps each invocation’s keys apart', async () => {
    const ids = ['c1', 'c2', 'c3', 'c4'];
    await Promise.all([
      ...ids.map((id) => {
        const ctx = context('getTenant', `req-${id}`);
        return invokeInContext(ctx, () => readTenant(id, `req-${id}`));
      }),
      invokeInContext(context('releaseAssignments', 'job-x'), () => runJob('job-x')),
    ]);
    for (const id of ids) {
      expect(lineWith('request refused', 'correlationId', id), id).toMatchObject({
        function_name: 'getTenant',
        function_request_id: `req-${id}`,
      });
    }
    const job = lineWith('release-assignments run', 'function_request_id', 'job-x');
    expect(job).toMatchObject({ function_name: 'releaseAssignments' });
    expect(job).not.toHaveProperty('correlationId');
  });
});
