/**
 * Webhooks (issue 21): what a change costs the request when 5 endpoints
 * subscribe (nothing: delivery is asynchronous), and how fast the local
 * delivery loop (the same code as the AWS fan-out, on the local event feed)
 * gets events to receivers: change-to-delivery latency and deliveries per
 * second. Receivers are HTTP servers on 127.0.0.1 that answer 200 at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalEnv } from '../../infra/local/emulators.ts';
import { startLocalEventFeed } from '../../infra/local/events.ts';
import { startWebhookDispatcher } from '../../infra/local/webhooks.ts';
import type { Api } from './api.ts';
import { round } from './stats.ts';

export interface WebhookBenchResult {
  endpoints: number;
  /** Median request latency of a change (create a team), without and with 5 subscribed endpoints. */
  requestMsWithout: number;
  requestMsWith: number;
  ratio: number;
  /** From the change's response to its delivery at a receiver. */
  changeToDeliveryMsP50: number;
  changeToDeliveryMsP95: number;
  /** A burst of changes × endpoints, first request to last delivery. */
  deliveriesPerSecond: number;
}

export interface WebhookBenchDetails {
  changes: number;
  burstChanges: number;
  burstDeliveries: number;
  burstSeconds: number;
  feedIntervalMs: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function receiver(onRequest: (body: string) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onRequest(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, server };
}

export async function webhooksBench(
  api: Api,
  env: LocalEnv,
  sizes: { changes: number; burst: number; endpoints: number },
): Promise<{ result: WebhookBenchResult; details: WebhookBenchDetails }> {
  const arrivals = new Map<string, number[]>();
  const servers: Server[] = [];
  const dispatcher = startWebhookDispatcher({ intervalMs: 1_000 });
  const feedIntervalMs = 250;
  const feed = await startLocalEventFeed(env, { onEvent: dispatcher.onEvent });
  try {
    const plain = await api.tenantWithOwner('hooks-none', 'enterprise', 100_000);
    const hooked = await api.tenantWithOwner('hooks-five', 'enterprise', 100_000);
    for (let i = 0; i < sizes.endpoints; i++) {
      const r = await receiver((body) => {
        const id = (JSON.parse(body) as { data: { target: { id: string } } }).data.target.id;
        arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()]);
      });
      servers.push(r.server);
      const created = await api.call('POST', `/v1/tenants/${hooked.tenantId}/webhooks`, {
        token: hooked.ownerToken,
        body: { url: r.url, events: ['team.created'] },
      });
      if (created.status !== 201) throw new Error(`webhook not created: ${JSON.stringify(created.body)}`);
    }
    const change = async (t: { tenantId: string; ownerToken: string }, n: number) => {
      const res = await api.call('POST', `/v1/tenants/${t.tenantId}/teams`, {
        token: t.ownerToken,
        body: { name: `Bench team ${n} ${Math.random().toString(36).slice(2, 8)}` },
      });
      if (res.status !== 201) throw new Error(`change failed: ${res.status}`);
      return { id: String(res.body.id), ms: res.ms, doneAt: res.startedAt + res.ms };
    };
    const deliveredAll = async (ids: string[], count: number) => {
      const until = performance.now() + 60_000;
      while (ids.some((id) => (arrivals.get(id)?.length ?? 0) < count)) {
        if (performance.now() > until) throw new Error('deliveries did not all arrive within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    // Interleaved, so both see the same machine load; each change's deliveries land before the next request,
    // so no request shares this one process (gateway and delivery loop alike, unlike AWS) with a fan-out in flight.
    const without: number[] = [];
    const withHooks: { id: string; ms: number; doneAt: number }[] = [];
    for (let n = 0; n < sizes.changes; n++) {
      // Alternating which goes first, so neither always follows the other's work.
      if (n % 2 === 0) without.push((await change(plain, n)).ms);
      const hookedChange = await change(hooked, n);
      withHooks.push(hookedChange);
      await deliveredAll([hookedChange.id], sizes.endpoints);
      if (n % 2 === 1) without.push((await change(plain, n)).ms);
    }
    const latencies = withHooks.flatMap((c) => (arrivals.get(c.id) ?? []).map((at) => at - c.doneAt));

    // The burst: changes 10 at a time, every one to every endpoint.
    const burstStart = performance.now();
    const burstIds: string[] = [];
    for (let n = 0; n < sizes.burst; n += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, sizes.burst - n) }, (_, i) => change(hooked, 10_000 + n + i)),
      );
      burstIds.push(...batch.map((c) => c.id));
    }
    await deliveredAll(burstIds, sizes.endpoints);
    const lastArrival = Math.max(...burstIds.flatMap((id) => arrivals.get(id) ?? []));
    const burstSeconds = (lastArrival - burstStart) / 1000;
    const burstDeliveries = burstIds.length * sizes.endpoints;
    const p50 = (values: number[]) => percentile(values, 50);
    return {
      result: {
        endpoints: sizes.endpoints,
        requestMsWithout: round(p50(without), 1),
        requestMsWith: round(p50(withHooks.map((c) => c.ms)), 1),
        ratio: round(p50(withHooks.map((c) => c.ms)) / p50(without), 2),
        changeToDeliveryMsP50: round(p50(latencies), 0),
        changeToDeliveryMsP95: round(percentile(latencies, 95), 0),
        deliveriesPerSecond: round(burstDeliveries / burstSeconds, 1),
      },
      details: {
        changes: sizes.changes,
        burstChanges: sizes.burst,
        burstDeliveries,
        burstSeconds: round(burstSeconds, 2),
        feedIntervalMs,
      },
    };
  } finally {
    await feed.stop();
    await dispatcher.stop();
    for (const s of servers) s.close();
  }
}
