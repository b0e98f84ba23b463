/**
 * Roster's requests to an OpenID provider (discovery at save; token and JWKS
 * at sign-in) under the webhook sender's SSRF rules (lib/aws/webhook-sender.ts):
 * the URL's form checked (https unless the policy allows private targets),
 * the host resolved and EVERY address checked, and the socket connected to an
 * address that was checked — its lookup answers only those, so a DNS answer
 * that changes between check and connect (rebinding) cannot swap it. Redirects
 * are never followed (openid-client treats a 3xx as a failure); a response
 * body over 1 MB is cut off. The shape is openid-client's `customFetch`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { refusedUrl, type TargetPolicy } from '../domain/webhooks.ts';
import { pinnedLookup, resolveChecked, TargetRefused } from './webhook-sender.ts';

/** Discovery documents and key sets are small; anything larger is not an IdP's answer. */
const MAX_BODY_BYTES = 1_000_000;

export interface IdpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
}

export async function idpFetch(url: string, init: IdpRequest, policy: TargetPolicy): Promise<Response> {
  const refused = refusedUrl(url, policy);
  if (refused) throw new TargetRefused(`${url}: ${refused}`);
  const target = new URL(url);
  const addresses = await resolveChecked(target.hostname.replace(/^\[(.*)\]$/, '$1'), policy);
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const req = send(
      target,
      {
        method: init.method ?? 'GET',
        headers,
        lookup: pinnedLookup(addresses),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) req.destroy(new Error(`the answer from ${target.host} is over 1 MB`));
          else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 502;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const empty = status === 204 || status === 205 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
