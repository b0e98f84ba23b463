/**
 * The local stack's DNS server (DESIGN §6 "Locally, infra/local runs a DNS
 * server on loopback"): `dns2` answering TXT questions over UDP and TCP on
 * 127.0.0.1 from records held in memory, so domain verification runs the same
 * code as in AWS (node:dns's Resolver, pointed here by `DNS_SERVERS`).
 * Anything else gets NXDOMAIN; nothing is forwarded to the internet.
 *
 * Records are set over a small HTTP control endpoint on loopback
 * (`LOCAL_DNS_URL`), which the local gateway's `POST`/`DELETE /local/dns`
 * forwards to — the gateway may run in another process than this server
 * (the test workers, `npm start`'s gateway).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';
import { freePort, HOST, LocalStackError } from './process.ts';

const { Packet } = dns2;

export interface LocalDns {
  /** The port of the DNS server (UDP and TCP). */
  port: number;
  /** `127.0.0.1:<port>`, as `DNS_SERVERS` takes it. */
  server: string;
  /** The control endpoint the gateway forwards `/local/dns` to. */
  controlUrl: string;
  set(name: string, value: string): void;
  /** Removes the value (or every TXT value of the name when none is given). */
  remove(name: string, value?: string): void;
  records(): { name: string; type: 'TXT'; value: string }[];
  stop(): Promise<void>;
}

const normalise = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** Starts the server on `port` (UDP and TCP; default a free port) and its control endpoint on a free port. */
export async function startLocalDns(options: { port?: number } = {}): Promise<LocalDns> {
  const txt = new Map<string, Set<string>>();
  const port = options.port ?? (await freePort());
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question ? normalise(question.name) : '';
      const values = txt.get(name);
      if (!question || !values?.size) {
        // NXDOMAIN for an unknown name; NOERROR with no answers for another type of a known one.
        response.header.rcode = values?.size ? 0 : 3;
      } else if (question.type === Packet.TYPE.TXT || question.type === Packet.TYPE.ANY) {
        for (const value of values) {
          const answer = { name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 0, data: value };
          // dns2's typings ask for a Resource instance; its encoder takes the plain record (its README does this).
          response.answers.push(answer as unknown as (typeof response.answers)[number]);
        }
      }
      send(response);
    },
  });
  // dns2 reports a failed bind as an 'error' event (thrown when nobody listens for it), not as a rejection.
  const failed = new Promise<never>((_, reject) => server.on('error', reject));
  failed.catch(() => undefined);
  await Promise.race([server.listen({ udp: { port, address: HOST }, tcp: { port, address: HOST } }), failed]).catch(
    async (error: NodeJS.ErrnoException) => {
      await Promise.resolve(server.close()).catch(() => undefined);
      throw error.code === 'EADDRINUSE'
        ? new LocalStackError(
            `Port ${port} for the DNS server is already in use: stop whatever uses it or set DNS_PORT to a free port.`,
          )
        : error;
    },
  );

  const api = {
    set(name: string, value: string) {
      const key = normalise(name);
      const values = txt.get(key) ?? new Set<string>();
      values.add(value);
      txt.set(key, values);
    },
    remove(name: string, value?: string) {
      const key = normalise(name);
      if (value === undefined) txt.delete(key);
      else txt.get(key)?.delete(value);
    },
    records: () =>
      [...txt.entries()].flatMap(([name, values]) =>
        [...values].map((value) => ({ name, type: 'TXT' as const, value })),
      ),
  };

  const control = createServer((request, response) => {
    handleControl(request, api)
      .then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: String(error) }));
      });
  });
  await new Promise<void>((resolve) => control.listen(0, HOST, resolve));
  const controlPort = (control.address() as AddressInfo).port;
  return {
    port,
    server: `${HOST}:${port}`,
    controlUrl: `http://${HOST}:${controlPort}`,
    ...api,
    stop: async () => {
      control.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => control.close(() => resolve())), server.close()]);
    },
  };
}

type Records = Pick<LocalDns, 'set' | 'remove' | 'records'>;

/** `GET` lists · `POST {name, type: "TXT", value}` sets · `DELETE {name, type?, value?}` removes. */
async function handleControl(request: IncomingMessage, dns: Records): Promise<{ status: number; body: unknown }> {
  if (request.method === 'GET') return { status: 200, body: { items: dns.records() } };
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let input: { name?: unknown; type?: unknown; value?: unknown };
  try {
    input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return { status: 400, body: { error: 'The body must be JSON: {name, type: "TXT", value}' } };
  }
  const name = typeof input.name === 'string' ? input.name : '';
  if (!/^[A-Za-z0-9_.-]{1,253}$/.test(name) || (input.type !== undefined && input.type !== 'TXT')) {
    return { status: 400, body: { error: 'Send {name, type: "TXT", value}: only TXT records are served' } };
  }
  if (request.method === 'POST') {
    if (typeof input.value !== 'string' || input.value.length === 0 || input.value.length > 255) {
      return { status: 400, body: { error: 'value must be a string of 1–255 characters' } };
    }
    dns.set(name, input.value);
    return { status: 201, body: { name: normalise(name), type: 'TXT', value: input.value } };
  }
  if (request.method === 'DELETE') {
    dns.remove(name, typeof input.value === 'string' ? input.value : undefined);
    return { status: 200, body: { items: dns.records() } };
  }
  return { status: 405, body: { error: 'GET, POST or DELETE' } };
}
