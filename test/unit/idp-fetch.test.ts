/**
 * lib/aws/idp-fetch.ts: Roster's requests to an OpenID provider under the
 * webhook sender's SSRF rules — refused before any connection when the URL
 * or an address is private (unless allowed), never following a redirect,
 * and cutting off an oversized answer.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idpFetch } from '../../lib/aws/idp-fetch.ts';

let server: Server;
let base = '';
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return res.end();
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('x'.repeat(1_100_000));
    }
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('idpFetch', () => {
  it('refuses plain http and private addresses under AWS’s rules, sending nothing', async () => {
    const before = hits;
    await expect(idpFetch(`${base}/x`, {}, { allowPrivate: false })).rejects.toThrow(/https/);
    await expect(idpFetch('https://127.0.0.1:1/x', {}, { allowPrivate: false })).rejects.toThrow(/private or reserved/);
    await expect(idpFetch('https://localhost:1/x', {}, { allowPrivate: false })).rejects.toThrow(/private or reserved/);
    await expect(idpFetch('https://[::ffff:10.0.0.1]/x', {}, { allowPrivate: false })).rejects.toThrow(
      /private or reserved/,
    );
    expect(hits).toBe(before);
  });

  it('with the local allowance, sends the request as openid-client makes it and answers a fetch Response', async () => {
    const res = await idpFetch(
      `${base}/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
      },
      { allowPrivate: true },
    );
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      method: 'POST',
      body: 'grant_type=authorization_code&code=c',
      type: 'application/x-www-form-urlencoded',
    });
  });

  it('never follows a redirect (a 3xx is answered as is), and cuts off an answer over 1 MB', async () => {
    const redirected = await idpFetch(`${base}/redirect`, {}, { allowPrivate: true });
    expect(redirected.status).toBe(302);
    await expect(idpFetch(`${base}/huge`, {}, { allowPrivate: true })).rejects.toThrow(/over 1 MB/);
  });
});
