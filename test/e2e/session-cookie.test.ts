/**
 * The console's session per browser (issue 18 item 13): login sets the refresh
 * token as an HttpOnly, SameSite=Strict cookie on /v1/auth; a new tab (no token
 * in any storage) refreshes with the cookie and the X-Roster-Session header;
 * sign-out clears it and ends that session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, PASSWORD } from './client.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let t: { tenantId: string; ownerId: string; ownerEmail: string; ownerToken: string };

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  t = await api.tenantWithOwner('starter', 'cookie');
});
afterAll(async () => {
  await gw?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** `name=value` of the session cookie a response set, and its attributes. */
function sessionCookie(res: Response) {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('roster_refresh='));
  if (!set) return undefined;
  const [pair, ...attributes] = set.split(/;\s*/);
  return { pair: pair as string, attributes: attributes.map((a) => a.toLowerCase()) };
}

describe('the session cookie', () => {
  let cookie = '';

  it('login sets the refresh token as an HttpOnly, SameSite=Strict cookie scoped to /v1/auth', async () => {
    const res = await post('/v1/auth/login', { email: t.ownerEmail, password: PASSWORD });
    expect(res.status).toBe(200);
    const set = sessionCookie(res);
    expect(set?.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/v1/auth']));
    // Plain http on localhost: no Secure (a browser would drop the cookie); anywhere else it is Secure.
    expect(set?.attributes).not.toContain('secure');
    cookie = set?.pair ?? '';
    expect(cookie.length).toBeGreaterThan('roster_refresh='.length + 20);
  });

  it('a new tab refreshes with the cookie and the custom header: no token in the body', async () => {
    const res = await post('/v1/auth/refresh', {}, { cookie, 'x-roster-session': 'cookie' });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { accessToken: string };
    const me = await api.call('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
  });

  it('refuses the cookie without the custom header (a cross-site form cannot set it)', async () => {
    const res = await post('/v1/auth/refresh', {}, { cookie });
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('sign-out ends the cookie session and clears the cookie', async () => {
    const login = await post('/v1/auth/login', { email: t.ownerEmail, password: PASSWORD });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const own = sessionCookie(login)?.pair ?? '';
    const res = await fetch(`${gw.baseUrl}/v1/auth/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, cookie: own },
      body: JSON.stringify({ cookie: true }),
    });
    expect(res.status).toBe(204);
    const cleared = sessionCookie(res);
    expect(cleared?.pair).toBe('roster_refresh=');
    expect(cleared?.attributes).toContain('max-age=0');
    const again = await post('/v1/auth/refresh', {}, { cookie: own, 'x-roster-session': 'cookie' });
    expect(again.status).toBe(401);
  });
});
