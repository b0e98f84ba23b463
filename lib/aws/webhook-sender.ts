/**
 * Sends one webhook request, refusing what an attacker would aim it at
 * (SSRF): the host is resolved and EVERY address checked
 * (lib/domain/webhooks.ts `refusedAddress`); the connection goes to the
 * address that was checked — the socket's own lookup is this one, so a DNS
 * answer that changes between check and connect (rebinding) cannot swap it;
 * redirects are never followed (a 3xx is a failed attempt); the whole
 * exchange has 15 s. The response body is drained and never kept.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AttemptResult, DELIVERY_TIMEOUT_MS, refusedAddress, type TargetPolicy } from '../domain/webhooks.ts';

export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address `host` resolves to, each checked; throws TargetRefused naming the first refused one. */
export async function resolveChecked(host: string, policy: TargetPolicy): Promise<LookupAddress[]> {
  const literal = isIP(host);
  const addresses: LookupAddress[] = literal
    ? [{ address: host, family: literal }]
    : await new Promise((resolve, reject) =>
        dnsLookup(host, { all: true, verbatim: true }, (error, found) =>
          error
            ? reject(new TargetRefused(`${host} does not resolve (${error.code ?? error.message})`))
            : resolve(found),
        ),
      );
  if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`);
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const reason = refusedAddress(address);
      if (reason) throw new TargetRefused(reason);
    }
  }
  return addresses;
}

/** Why `url`'s host may not receive webhooks (resolved now), or undefined. */
export async function refusedTarget(url: string, policy: TargetPolicy): Promise<string | undefined> {
  try {
    await resolveChecked(hostOf(new URL(url)), policy);
    return undefined;
  } catch (error) {
    if (error instanceof TargetRefused) return error.message;
    throw error;
  }
}

/** A lookup that answers only with the addresses already checked (the socket connects to one of those). */
export function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const [first] = addresses as [LookupAddress];
    if (options?.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  }) as unknown as LookupFunction;
}

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export async function sendWebhook(
  out: OutgoingWebhook,
  policy: TargetPolicy,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(out.url);
  let addresses: LookupAddress[];
  try {
    addresses = await resolveChecked(hostOf(url), policy);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), durationMs: elapsed() };
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(out.body)),
          'user-agent': 'Roster-Webhooks/1',
          ...out.headers,
        },
        lookup: pinnedLookup(addresses),
        // A fresh connection per attempt: nothing reuses a socket resolved for another check.
        agent: false,
        ...(isIP(hostOf(url)) ? {} : { servername: hostOf(url) }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // Drain without keeping a byte: response bodies are never stored or shown.
        response.resume();
        response.on('end', () => settle({ status, durationMs: elapsed() }));
        response.on('error', () => settle({ status, durationMs: elapsed() }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      settle({ error: `no answer within ${Math.round(timeoutMs / 1000)} s`, durationMs: elapsed() });
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ error: `connection failed (${error.code ?? error.message})`, durationMs: elapsed() }),
    );
    req.end(out.body);
  });
}
