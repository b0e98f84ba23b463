/**
 * Webhook delivery against DynamoDB Local and real HTTP receivers on
 * 127.0.0.1 (issue 21): every delivery verified with the standardwebhooks
 * package; the retry schedule on an injected clock; a receiver down for an
 * hour loses nothing; 410 and five days of failures disable the endpoint and
 * mail the admins; one tenant's hanging endpoint never delays another's;
 * the SSRF check runs at every send, not only at save.
 */
import type { SQSRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { handler as fanOutHandler } from '../../functions/events/fan-out-webhooks.ts';
import { startWebhookDispatcher } from '../../infra/local/webhooks.ts';
import { attemptQueuedRetry, fanOut, type RetryMessage, runDueDeliveries } from '../../lib/app/webhook-delivery.ts';
import { resetConfig } from '../../lib/config.ts';
import { newSecret, rotated } from '../../lib/domain/webhooks.ts';
import { type EventEnvelope, SPEC_VERSION } from '../../lib/events/envelope.ts';
import { logger } from '../../lib/log.ts';
import { listAuditEvents } from '../../lib/store/audit.ts';
import {
  type DeliveryRecord,
  getDelivery,
  getWebhook,
  insertDelivery,
  insertWebhook,
  setFailingSince,
  type WebhookRecord,
} from '../../lib/store/webhooks.ts';
import { lambdaContext } from '../sdk/events.ts';
import { sesMessages } from '../support/http.ts';
import { type Received, type Receiver, startReceiver, verifyReceived } from '../support/receiver.ts';
import { newTenant, seedMember, unique } from './support/assignment-fixtures.ts';
import { setWebhookSecrets } from './support/webhooks.ts';

const receivers: Receiver[] = [];
const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
};
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close().catch(() => undefined)));
});
afterEach(() => {
  // The emulators' setting (receivers on this machine allowed), whatever a test changed.
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
  resetConfig();
});

/** A clock the test moves. */
function clock(start = Date.now()) {
  let t = start;
  return { now: () => new Date(t), set: (ms: number) => (t = ms), advance: (ms: number) => (t += ms), start };
}

async function endpoint(tenantId: string, url: string, events = ['*'], createdAt = '2000-01-01T00:00:00.000Z') {
  const w: WebhookRecord = {
    tenantId,
    id: ulid().toLowerCase(),
    url,
    description: '',
    events,
    status: 'enabled',
    secrets: [{ secret: newSecret(), createdAt }],
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
  await insertWebhook(w, { type: 'system', id: 'integration' });
  return w;
}

function event(tenantId: string, at: Date, type = 'member.invited'): EventEnvelope {
  return {
    specversion: SPEC_VERSION,
    id: ulid(at.getTime()),
    type,
    occurredAt: at.toISOString(),
    tenantId,
    actor: { type: 'user', id: 'u1', name: 'Olive Owner' },
    data: { target: { type: 'member', id: 'm1' }, version: 1, before: null, after: { status: 'invited' } },
  };
}

const secretOf = (w: WebhookRecord) => w.secrets[0]?.secret as string;
const tenant = () => `wh-${unique()}`;

describe('fan-out and signing', () => {
  it('delivers each event once per subscribed endpoint, signed and verifiable; a replayed event sends nothing', async () => {
    const t = tenant();
    const r = await receiver();
    const all = await endpoint(t, r.url);
    const roles = await endpoint(t, r.url, ['role.created']);
    const c = clock();
    const e = event(t, c.now());
    const done = await fanOut(e, c);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ webhookId: all.id, status: 'succeeded', attempt: 1, responseStatus: 200 });
    expect(r.received).toHaveLength(1);
    const [request] = r.received;
    if (!request) throw new Error('no request');
    expect(request.headers['webhook-id']).toBe(e.id);
    expect(request.headers['content-type']).toBe('application/json');
    expect(verifyReceived(secretOf(all), request)).toEqual(e);
    expect(() => verifyReceived(secretOf(roles), request)).toThrow(/signature/i);
    expect(() =>
      verifyReceived(secretOf(all), { ...request, body: request.body.replace('invited', 'deleted') }),
    ).toThrow(/signature/i);

    // The stream may hand the same record again (a retried batch): the delivery exists, nothing is sent twice.
    expect(await fanOut(e, c)).toEqual([]);
    expect(r.received).toHaveLength(1);
    // No response body is kept.
    expect(JSON.stringify(await getDelivery(t, all.id, e.id))).not.toContain('never keeps');
  });

  it('an endpoint gets no event older than itself', async () => {
    const t = tenant();
    const r = await receiver();
    const c = clock();
    await endpoint(t, r.url, ['*'], new Date(c.start + 1_000).toISOString());
    expect(await fanOut(event(t, c.now()), c)).toEqual([]);
    expect(r.received).toHaveLength(0);
  });

  it('after a rotation each delivery carries two signatures: the old and the new secret both verify', async () => {
    const t = tenant();
    const r = await receiver();
    const w = await endpoint(t, r.url);
    const c = clock();
    const fresh = newSecret();
    await setWebhookSecrets(w, rotated(w.secrets, fresh, c.now()));
    await fanOut(event(t, c.now()), c);
    const [request] = r.received;
    if (!request) throw new Error('no request');
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyReceived(fresh, request)).toBeTruthy();
    expect(verifyReceived(secretOf(w), request)).toBeTruthy();
  });
});

describe('retries', () => {
  it('follows the schedule on a fake clock: 5 s, then 5 min; the webhook-id stays the same', async () => {
    const t = tenant();
    const answers = [500, 302, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    const e = event(t, c.now());
    const [first] = await fanOut(e, c);
    expect(first).toMatchObject({ status: 'pending', attempt: 1, responseStatus: 500 });
    expect(first?.nextAttemptAt).toBe(new Date(c.start + 5_000).toISOString());

    c.set(c.start + 4_999);
    await runDueDeliveries(c);
    expect(r.received).toHaveLength(1);
    c.set(c.start + 5_000);
    await runDueDeliveries(c);
    expect(r.received).toHaveLength(2);
    const second = await getDelivery(t, w.id, e.id);
    // A redirect is a failure, never followed.
    expect(second).toMatchObject({ status: 'pending', attempt: 2, responseStatus: 302 });
    expect(second?.lastError).toMatch(/redirect/);
    expect(second?.nextAttemptAt).toBe(new Date(c.start + 5_000 + 300_000).toISOString());

    c.set(c.start + 5_000 + 299_999);
    await runDueDeliveries(c);
    expect(r.received).toHaveLength(2);
    c.set(c.start + 5_000 + 300_000);
    await runDueDeliveries(c);
    expect(await getDelivery(t, w.id, e.id)).toMatchObject({ status: 'succeeded', attempt: 3, responseStatus: 200 });
    expect(new Set(r.received.map((q) => q.headers['webhook-id']))).toEqual(new Set([e.id]));
    for (const q of r.received) expect(verifyReceived(secretOf(w), q)).toEqual(e);
  });

  it('a receiver down for an hour loses no event: each is delivered once when it is back, each verifiable', async () => {
    const t = tenant();
    const r = await receiver();
    const w = await endpoint(t, r.url);
    await r.down();
    const c = clock();
    const events: EventEnvelope[] = [];
    // An event every 10 minutes of the hour; sweeps every minute meanwhile.
    for (let minute = 0; minute < 60; minute++) {
      c.set(c.start + minute * 60_000);
      if (minute % 10 === 0) {
        const e = event(t, c.now());
        events.push(e);
        const [d] = await fanOut(e, c);
        expect(d).toMatchObject({ status: 'pending', responseStatus: null });
      }
      await runDueDeliveries(c);
    }
    expect(r.received).toHaveLength(0);
    await r.up();
    // Back after an hour: within the schedule's next steps (≤ 2 h) every event arrives.
    for (let minute = 60; minute <= 200; minute += 5) {
      c.set(c.start + minute * 60_000);
      await runDueDeliveries(c);
    }
    const ids = r.received.map((q) => q.headers['webhook-id']);
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    for (const q of r.received) {
      expect(verifyReceived(secretOf(w), q)).toEqual(events.find((e) => e.id === q.headers['webhook-id']));
    }
    for (const e of events) expect((await getDelivery(t, w.id, e.id))?.status).toBe('succeeded');
  });

  it('after the last attempt the delivery has failed', async () => {
    const t = tenant();
    const r = await receiver(() => 503);
    const w = await endpoint(t, r.url);
    const c = clock();
    const e = event(t, c.now());
    await fanOut(e, c);
    for (const wait of [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]) {
      c.advance(wait);
      await runDueDeliveries(c);
    }
    expect(await getDelivery(t, w.id, e.id)).toMatchObject({ status: 'failed', attempt: 8, nextAttemptAt: null });
    c.advance(86_400_000);
    await runDueDeliveries(c);
    expect(r.received).toHaveLength(8);
  });
});

describe('disabling endpoints', () => {
  it('410 Gone disables the endpoint at once, audited, and mails the admins; later events are not sent', async () => {
    const t = await newTenant('Gone Co');
    const adminId = await seedMember(t, 'admin', 'gone-admin');
    const r = await receiver(() => 410);
    const w = await endpoint(t, r.url);
    const c = clock();
    const [d] = await fanOut(event(t, c.now()), c);
    expect(d).toMatchObject({ status: 'failed', responseStatus: 410, nextAttemptAt: null });
    expect(await getWebhook(t, w.id)).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/410/),
    });
    const audit = await listAuditEvents(t, { limit: 10 }, { action: 'webhook.disabled' });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]?.actor).toMatchObject({ type: 'system', id: 'webhook-delivery' });
    await expect
      .poll(async () => (await sesMessages(undefined, `${adminId}@it.test`)).map((m) => m.subject))
      .toContain('A webhook endpoint was disabled');
    expect(await fanOut(event(t, c.now()), c)).toEqual([]);
    expect(r.received).toHaveLength(1);
  });

  it('an endpoint failing for 5 days is disabled at its next failure', async () => {
    const t = tenant();
    const r = await receiver(() => 500);
    const w = await endpoint(t, r.url);
    const c = clock();
    await setFailingSince(w, new Date(c.start - 5 * 86_400_000).toISOString());
    const [d] = await fanOut(event(t, c.now()), c);
    expect(d).toMatchObject({ status: 'pending', responseStatus: 500 });
    expect(await getWebhook(t, w.id)).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/failed since/),
    });
    // Its pending retry is not sent to a disabled endpoint.
    c.advance(5_000);
    await runDueDeliveries(c);
    expect(r.received).toHaveLength(1);
  });

  it('a success ends a failing streak', async () => {
    const t = tenant();
    const r = await receiver(() => 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    await setFailingSince(w, new Date(c.start - 86_400_000).toISOString());
    await fanOut(event(t, c.now()), c);
    expect((await getWebhook(t, w.id))?.failingSince).toBeUndefined();
  });
});

describe('fairness', () => {
  it('one tenant’s hanging endpoint does not delay another tenant’s delivery', async () => {
    const a = tenant();
    const b = tenant();
    const dead = await receiver(() => 'hang');
    const alive = await receiver(() => 200);
    const wa = await endpoint(a, dead.url);
    const wb = await endpoint(b, alive.url);
    const c = clock();
    // Tenant A: a backlog of due deliveries to an endpoint that never answers.
    for (let i = 0; i < 30; i++) {
      const e = event(a, c.now());
      await insertDelivery(pending(wa, e, c.now()));
    }
    const eb = event(b, c.now());
    await insertDelivery(pending(wb, eb, c.now()));
    c.advance(1);
    let finished = false;
    const sweep = runDueDeliveries({ ...c, timeoutMs: 30_000 }).finally(() => {
      finished = true;
    });
    await expect.poll(() => dead.hanging, { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(() => alive.received.length, { timeout: 5_000 }).toBe(1);
    await expect.poll(async () => (await getDelivery(b, wb.id, eb.id))?.status).toBe('succeeded');
    // B's delivery is done while A's requests are still held open and the sweep still runs.
    expect(dead.hanging).toBeGreaterThan(0);
    expect(finished).toBe(false);
    dead.respond = () => 200;
    dead.releaseHanging(200);
    await sweep;
  });
});

describe('the fan-out function (AWS: bus → SQS → Lambda)', () => {
  it('fans out each message’s event and reports only the message it could not process', async () => {
    const t = tenant();
    const r = await receiver();
    const w = await endpoint(t, r.url);
    const at = new Date();
    const detail = {
      id: ulid(at.getTime()),
      tenantId: t,
      at: at.toISOString(),
      action: 'team.created',
      actor: { type: 'user', id: 'u1', name: 'Olive' },
      target: { type: 'team', id: 'team-1' },
      before: null,
      after: { name: 'Support' },
      version: 1,
    };
    const message = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const out = await fanOutHandler(
      {
        Records: [
          message('m-1', JSON.stringify({ source: 'roster', 'detail-type': 'team.created', detail })),
          message('m-2', 'not json'),
        ],
      },
      lambdaContext as never,
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(errors).toHaveBeenCalledWith('webhook fan-out failed', expect.objectContaining({ messageId: 'm-2' }));
    errors.mockRestore();
    expect(r.received).toHaveLength(1);
    expect(verifyReceived(secretOf(w), r.received[0] as Received)).toMatchObject({
      id: detail.id,
      type: 'team.created',
      actor: { type: 'user', id: 'u1', name: 'Olive' },
      data: { target: { type: 'team', id: 'team-1' }, version: 1 },
    });
  });
});

/** The retry queue's port on a fake: what the delivery code would SendMessage, with its DelaySeconds. */
function fakeRetryQueue() {
  const sent: { message: RetryMessage; delaySeconds: number }[] = [];
  return {
    sent,
    scheduleRetry: async (message: RetryMessage, delaySeconds: number) => {
      sent.push({ message, delaySeconds });
    },
  };
}

describe('the retry queue (AWS: SQS, per-message DelaySeconds ≤ 900 s)', () => {
  it('a retry due within 15 minutes is queued with its delay (5 s → 5, 5 min → 300); later ones are the sweep’s', async () => {
    const t = tenant();
    const answers = [500, 500, 500, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    const queue = fakeRetryQueue();
    const options = { now: c.now, scheduleRetry: queue.scheduleRetry };
    const e = event(t, c.now());
    await fanOut(e, options);
    expect(queue.sent).toEqual([
      { message: { tenantId: t, webhookId: w.id, deliveryId: e.id, attempt: 2 }, delaySeconds: 5 },
    ]);

    // The message arrives 5 s later: attempt 2, at once (no wait for a sweep).
    c.set(c.start + 5_000);
    expect(await attemptQueuedRetry(queue.sent[0]?.message as RetryMessage, options)).toMatchObject({ attempt: 2 });
    expect(r.received).toHaveLength(2);
    expect(queue.sent[1]).toEqual({
      message: { tenantId: t, webhookId: w.id, deliveryId: e.id, attempt: 3 },
      delaySeconds: 300,
    });
    // SQS delivers at least once: the same message again sends nothing.
    expect(await attemptQueuedRetry(queue.sent[0]?.message as RetryMessage, options)).toBeUndefined();
    expect(r.received).toHaveLength(2);

    // A message that arrives early sends nothing (the sweep or a later receipt will).
    c.set(c.start + 5_000 + 299_000);
    expect(await attemptQueuedRetry(queue.sent[1]?.message as RetryMessage, options)).toBeUndefined();
    expect(r.received).toHaveLength(2);
    c.set(c.start + 5_000 + 300_000);
    expect(await attemptQueuedRetry(queue.sent[1]?.message as RetryMessage, options)).toMatchObject({ attempt: 3 });
    expect(r.received).toHaveLength(3);
    // The next retry is 30 min away: beyond SQS's 15-minute delay, so no message; the sweep sends it.
    expect(queue.sent).toHaveLength(2);
    c.advance(1_800_000);
    await runDueDeliveries(options);
    expect(await getDelivery(t, w.id, e.id)).toMatchObject({ status: 'succeeded', attempt: 4 });
    for (const q of r.received) expect(verifyReceived(secretOf(w), q)).toEqual(e);
  });

  it('a queued retry and the sweep never both send it: the attempt’s lease decides; a stale message sends nothing', async () => {
    const t = tenant();
    const answers = [500, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    const queue = fakeRetryQueue();
    const options = { now: c.now, scheduleRetry: queue.scheduleRetry };
    const e = event(t, c.now());
    await fanOut(e, options);
    const message = queue.sent[0]?.message as RetryMessage;
    c.set(c.start + 5_000);
    const [queued, sweep] = await Promise.all([attemptQueuedRetry(message, options), runDueDeliveries(options)]);
    expect(r.received).toHaveLength(2);
    expect((queued ? 1 : 0) + sweep.attempted).toBe(1);
    expect(await getDelivery(t, w.id, e.id)).toMatchObject({ status: 'succeeded', attempt: 2 });

    // A message for an attempt already made (here by the sweep) sends nothing, even once another is due.
    const t2 = tenant();
    const r2 = await receiver(() => 500);
    const w2 = await endpoint(t2, r2.url);
    const e2 = event(t2, c.now());
    const q2 = fakeRetryQueue();
    await fanOut(e2, { now: c.now, scheduleRetry: q2.scheduleRetry });
    c.advance(5_000);
    await runDueDeliveries(c);
    c.advance(300_000);
    expect(await attemptQueuedRetry(q2.sent[0]?.message as RetryMessage, options)).toBeUndefined();
    expect(r2.received).toHaveLength(2);
    expect(await getDelivery(t2, w2.id, e2.id)).toMatchObject({ status: 'pending', attempt: 2 });
  });

  it('a queue that refuses the message costs nothing but latency: the delivery stays due for the sweep', async () => {
    const t = tenant();
    const answers = [500, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const options = {
      now: c.now,
      scheduleRetry: async () => {
        throw new Error('SQS is down');
      },
    };
    const [d] = await fanOut(event(t, c.now()), options);
    expect(d).toMatchObject({ status: 'pending', attempt: 1 });
    expect(warn).toHaveBeenCalledWith(
      'webhook retry not queued',
      expect.objectContaining({ error: 'Error: SQS is down' }),
    );
    warn.mockRestore();
    c.advance(5_000);
    await runDueDeliveries(options);
    expect(await getDelivery(t, w.id, d?.id as string)).toMatchObject({ status: 'succeeded', attempt: 2 });
  });

  it('the fan-out function attempts each retry message and reports only the message it could not read', async () => {
    const t = tenant();
    const answers = [500, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const queue = fakeRetryQueue();
    const now = new Date();
    const e = event(t, now);
    await fanOut(e, { now: () => now, scheduleRetry: queue.scheduleRetry });
    // The real clock: the message's 5 s have passed when the handler runs.
    vi.useFakeTimers({ now: now.getTime() + 5_000, toFake: ['Date'] });
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const message = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
      const out = await fanOutHandler(
        {
          Records: [
            message('m-1', JSON.stringify(queue.sent[0]?.message)),
            message('m-2', JSON.stringify({ tenantId: t })),
          ],
        },
        lambdaContext as never,
      );
      expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    } finally {
      errors.mockRestore();
      vi.useRealTimers();
    }
    expect(await getDelivery(t, w.id, e.id)).toMatchObject({ status: 'succeeded', attempt: 2 });
  });
});

describe('the local dispatcher (the same delivery code; the retry queue is a timer)', () => {
  it('makes the 5 s retry when its timer fires, with no sweep in between', async () => {
    const t = tenant();
    const answers = [503, 200];
    const r = await receiver(() => answers.shift() ?? 200);
    const w = await endpoint(t, r.url);
    const c = clock();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    // A sweep an hour away: only the retry timer can make attempt 2.
    const dispatcher = startWebhookDispatcher({ intervalMs: 3_600_000, now: c.now });
    try {
      const at = c.now();
      const id = ulid(at.getTime());
      dispatcher.onEvent({
        id,
        source: 'roster',
        'detail-type': 'team.created',
        time: at.toISOString(),
        detail: {
          id,
          tenantId: t,
          at: at.toISOString(),
          action: 'team.created',
          actor: { type: 'user', id: 'u1', name: 'Olive' },
          target: { type: 'team', id: 'team-1' },
          before: null,
          after: { name: 'Support' },
          version: 1,
        },
      });
      await dispatcher.idle();
      expect(await getDelivery(t, w.id, id)).toMatchObject({ status: 'pending', attempt: 1, responseStatus: 503 });
      c.advance(4_999);
      vi.advanceTimersByTime(4_999);
      await dispatcher.idle();
      expect(r.received).toHaveLength(1);
      c.advance(1);
      vi.advanceTimersByTime(1);
      await dispatcher.idle();
      expect(r.received).toHaveLength(2);
      expect(await getDelivery(t, w.id, id)).toMatchObject({ status: 'succeeded', attempt: 2 });
    } finally {
      await dispatcher.stop();
      vi.useRealTimers();
    }
  });
});

describe('SSRF at every send', () => {
  it('an endpoint whose address is private is refused when sending, whatever was checked at save', async () => {
    const t = tenant();
    const r = await receiver();
    const w = await endpoint(t, r.url);
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'false';
    resetConfig();
    const c = clock();
    const [d] = await fanOut(event(t, c.now()), c);
    expect(d).toMatchObject({ status: 'pending', responseStatus: null });
    expect(d?.lastError).toMatch(/127\.0\.0\.1 is a private or reserved address/);
    expect(r.received).toHaveLength(0);
    expect(w.url).toMatch(/^http:\/\/127\.0\.0\.1/);
  });
});

function pending(w: WebhookRecord, e: EventEnvelope, now: Date): DeliveryRecord {
  return {
    tenantId: w.tenantId,
    webhookId: w.id,
    id: e.id,
    eventType: e.type,
    body: JSON.stringify(e),
    status: 'pending',
    attempt: 0,
    nextAttemptAt: now.toISOString(),
    responseStatus: null,
    durationMs: null,
    lastError: null,
    lastAttemptAt: null,
    createdAt: now.toISOString(),
  };
}
