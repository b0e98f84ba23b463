/**
 * A webhook receiver for tests: a tiny HTTP server on 127.0.0.1 that records
 * every request (headers, raw body) and answers as `respond` says — a status,
 * or `hang` (never answer until released), or it can be closed and reopened
 * on the same port (a receiver that is down).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Respond = (request: Received) => number | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  respond: Respond;
  /** Requests held open by `hang`. */
  hanging: number;
  releaseHanging(status?: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(respond: Respond = () => 200, path = '/hooks'): Promise<Receiver> {
  const held: ServerResponse[] = [];
  let server: Server;
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    respond,
    get hanging() {
      return held.filter((r) => !r.writableEnded && !r.destroyed).length;
    },
    releaseHanging(status = 200) {
      for (const r of held.splice(0)) if (!r.writableEnded && !r.destroyed) r.writeHead(status).end();
    },
    down: () => new Promise<void>((resolve) => server.close(() => resolve())),
    up: () => listen(receiver.port),
    close: async () => {
      receiver.releaseHanging(503);
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: Received = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      receiver.received.push(request);
      const answer = receiver.respond(request);
      if (answer === 'hang') held.push(res);
      else res.writeHead(answer, { 'content-type': 'text/plain' }).end('a body Roster never keeps');
    });
  };
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer(handle);
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => {
        receiver.port = (server.address() as AddressInfo).port;
        receiver.url = `http://127.0.0.1:${receiver.port}${path}`;
        resolve();
      });
    });
  await listen(0);
  return receiver;
}

/**
 * Verifies a received request with the standardwebhooks package (an
 * implementation Roster did not write) as its receiver would have when it
 * arrived: the package checks the timestamp against its clock, so a request
 * signed on a test's fake clock is verified at that instant.
 */
export function verifyReceived(secret: string, request: Received): unknown {
  const signedAt = Number(request.headers['webhook-timestamp']) * 1000;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(signedAt + 1_000);
  try {
    return new Webhook(secret).verify(request.body, request.headers);
  } finally {
    vi.useRealTimers();
  }
}
