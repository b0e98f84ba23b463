/**
 * HTTP helpers for e2e tests: the local gateway on a free port with the
 * emulators' env (every response it sends checked against the published
 * OpenAPI document, test/support/conformance.ts), and the mail SES local has received.
 */

import type { ClientLimits } from '../../infra/client-limits.ts';
import type { LocalEnv } from '../../infra/local/emulators.ts';
import { type EventFeed, startLocalEventFeed } from '../../infra/local/events.ts';
import { startGateway } from '../../infra/local/gateway.ts';
import type { HttpResult } from '../../infra/local/gateway-event.ts';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../infra/local/webhooks.ts';
import type { RosterEvent } from '../../lib/events/audit-events.ts';
import type { RouteDef } from '../../lib/http/routes.ts';
import { observe } from './conformance.ts';
import { localStack } from './local-stack.ts';

export interface TestGateway {
  baseUrl: string;
  platformKey: string;
  /** With `webhooks`: the local dispatcher (events fanned out to endpoints, due retries swept every 200 ms). */
  webhooks?: WebhookDispatcher;
  close(): Promise<void>;
}

/**
 * The gateway over the real route table (or `routes`), on 127.0.0.1 and a free
 * port; handler failures go to `log` (default: stderr).
 */
export async function startTestGateway(
  options: {
    routes?: readonly RouteDef[];
    log?: (line: string) => void;
    events?: true;
    /** Deliver webhooks as `npm start` does (implies `events`). */
    webhooks?: true;
    /** Variables over the emulators' env (e.g. WEBHOOK_ALLOW_PRIVATE_TARGETS=false: AWS's rules). */
    env?: Record<string, string>;
    webRoot?: string | false;
    /** Another address to listen on (e.g. 0.0.0.0, to be reached from a non-loopback peer). */
    host?: string;
    /** Per-client limits (none by default: the suite sends everything from one client). */
    clientLimits?: ClientLimits;
  } = {},
): Promise<TestGateway> {
  const { platformKey, cognito } = localStack();
  const env = { ...localStack().env, ...options.env };
  const { events: withEvents, webhooks: withWebhooks, env: _env, ...rest } = options;
  const webhooks = withWebhooks ? startWebhookDispatcher({ intervalMs: 200 }) : undefined;
  // With `events`, GET /local/events shows what the EventBridge pipe would publish (from DynamoDB Local's stream).
  const events = withEvents || webhooks ? await startRecentEventFeed(env, webhooks?.onEvent) : undefined;
  // The product's own routes answer as the published OpenAPI document says (a fixture route table is not held to it).
  const onResponse = rest.routes
    ? undefined
    : (request: { method: string; url: string }, result: HttpResult) =>
        observe({ ...request, status: result.statusCode, headers: result.headers, body: result.body });
  const gateway = await startGateway({ port: 0, env, platformKey, cognito, events, onResponse, ...rest });
  return {
    baseUrl: gateway.url,
    platformKey,
    webhooks,
    close: async () => {
      await gateway.close();
      await events?.stop();
      await webhooks?.stop();
    },
  };
}

/** Events kept by a test gateway's feed: far more than one test file writes while it runs. */
const RECENT_EVENTS = 50_000;

/**
 * The local event feed (what `npm start` serves at GET /local/events), keeping
 * the events written since this gateway started rather than the feed's last
 * 1,000 of the whole table: other test files write to the same table at the
 * same time (a 5,000-assignment release among them), and would push this
 * file's events out of a window that small.
 */
async function startRecentEventFeed(
  env: LocalEnv,
  onEvent?: (event: RosterEvent) => void | Promise<void>,
): Promise<EventFeed> {
  const since = new Date(Date.now() - 60_000).toISOString();
  const recent: RosterEvent[] = [];
  const feed = await startLocalEventFeed(env, {
    onEvent: (event) => {
      if (event.time >= since && recent.length < RECENT_EVENTS) recent.push(event);
      return onEvent?.(event);
    },
  });
  return { events: () => recent, stop: () => feed.stop() };
}

/** An email as SES local stores it (`GET /store`). */
export interface SentEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Every email SES local has received, oldest first; only those to `to` when given. */
export async function sesMessages(sesUrl = localStack().urls.ses, to?: string): Promise<SentEmail[]> {
  const read = async () => {
    const response = await fetch(`${sesUrl.replace(/\/store$/, '')}/store`);
    return (await response.json()) as { emails: SentEmail[] };
  };
  // A read, so once more when the connection closed under it ("other side closed": a kept-alive socket
  // SES local dropped as the request went out, seen with two files at a time).
  const { emails } = await read().catch(read);
  return to ? emails.filter((e) => e.destination.to.some((address) => address.includes(to))) : emails;
}
