/**
 * Per-client limits (issue 17 "shared throttle"): the stage's throttle is
 * shared by every client of a route, so one client could exhaust the
 * credential routes' 10 req/s for every tenant. The local gateway applies the
 * web ACL's per-client limits (infra/client-limits.ts): the client over its
 * limit gets 429 with Retry-After, every other client is still served. And
 * the local event feed, which shows every tenant's events, answers this
 * machine only.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/http/routes.ts';
import { startTestGateway, type TestGateway } from '../support/http.ts';

/** This machine's first non-loopback IPv4 address: a peer the gateway must not take for itself. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('This test needs a non-loopback IPv4 interface to reach the gateway from.');
  return address;
}

const LIMITS = { windowSeconds: 60, requests: 12, credentialRequests: 3 };
let gw: TestGateway;
let port: number;

beforeAll(async () => {
  // On every address, so the test can also come from outside loopback.
  gw = await startTestGateway({ clientLimits: LIMITS, events: true, host: '0.0.0.0' });
  port = Number(new URL(gw.baseUrl).port);
});
afterAll(async () => {
  await gw?.close();
});

const signIn = (base: string, client?: string) =>
  fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(client ? { 'x-forwarded-for': client } : {}) },
    // Invalid on purpose: refused without reaching Cognito, and counted all the same.
    body: JSON.stringify({}),
  });

describe('per-client limits', () => {
  it('answers one client 429 with Retry-After on the credential routes, and keeps serving another', async () => {
    const loopback = `http://127.0.0.1:${port}`;
    const attacker = '198.51.100.7';
    for (let i = 0; i < LIMITS.credentialRequests; i++) expect((await signIn(loopback, attacker)).status).toBe(400);

    const limited = await signIn(loopback, attacker);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowSeconds);
    expect(await limited.json()).toMatchObject({ status: 429, code: 'too-many-requests' });

    // Another client (another address) is served on the very same route.
    expect((await signIn(loopback, '203.0.113.9')).status).toBe(400);
    // The limited client is limited on credential paths only, until its overall limit.
    const health = await fetch(`${loopback}/v1/health`, { headers: { 'x-forwarded-for': attacker } });
    expect(health.status).toBe(200);
    // And the limit is the client's, not the route's: one client cannot spend every tenant's sign-ins.
    expect((await signIn(loopback, attacker)).status).toBe(429);
  });

  it('counts every path towards the overall limit', async () => {
    // A gateway of its own over the liveness route alone: the published document (which every response of
    // the full table is checked against) lists 429 only where a handler itself may answer it.
    const health = ROUTES.filter((r) => r.id === 'health');
    const own = await startTestGateway({ routes: health, clientLimits: LIMITS });
    try {
      const client = '198.51.100.8';
      const statuses: number[] = [];
      for (let i = 0; i < LIMITS.requests + 1; i++) {
        statuses.push((await fetch(`${own.baseUrl}/v1/health`, { headers: { 'x-forwarded-for': client } })).status);
      }
      expect(statuses).toEqual([...Array(LIMITS.requests).fill(200), 429]);
      const other = await fetch(`${own.baseUrl}/v1/health`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
      expect(other.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('takes X-Forwarded-For from a loopback peer only: a remote client cannot dodge its limit by rotating it', async () => {
    const outside = `http://${outsideAddress()}:${port}`;
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.credentialRequests; i++) {
      statuses.push((await signIn(outside, `192.0.2.${100 + i}`)).status);
    }
    expect(statuses).toEqual([...Array(LIMITS.credentialRequests).fill(400), 429]);
  });
});

describe('GET /local/events', () => {
  it('answers a loopback peer and is not found from any other address', async () => {
    const fromLoopback = await fetch(`http://127.0.0.1:${port}/local/events`);
    expect(fromLoopback.status).toBe(200);
    expect(await fromLoopback.json()).toHaveProperty('items');

    const fromOutside = await fetch(`http://${outsideAddress()}:${port}/local/events`);
    expect(fromOutside.status).toBe(404);
    expect(await fromOutside.json()).not.toHaveProperty('items');
  });
});

describe('/local/dns', () => {
  it('sets records for a loopback peer only: from any other address it is not found and sets nothing', async () => {
    const name = `_roster-challenge.remote-${Math.random().toString(36).slice(2, 8)}.com`;
    const post = (base: string) =>
      fetch(`${base}/local/dns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, type: 'TXT', value: 'roster-verification=remote' }),
      });
    const fromOutside = await post(`http://${outsideAddress()}:${port}`);
    expect(fromOutside.status).toBe(404);
    const listed = (await (await fetch(`http://127.0.0.1:${port}/local/dns`)).json()) as { items: { name: string }[] };
    expect(listed.items.map((r) => r.name)).not.toContain(name);
    expect((await post(`http://127.0.0.1:${port}`)).status).toBe(201);
    await fetch(`http://127.0.0.1:${port}/local/dns`, { method: 'DELETE', body: JSON.stringify({ name }) });
  });
});
