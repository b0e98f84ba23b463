/**
 * Helpers of the identity attack suite (issue 10, DESIGN §2a): people in
 * given roles, sign-ins, what a victim checks afterwards (the member and the
 * audit trail untouched, a session revoked) — all over HTTP.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { cognitoCode } from '../support/local-stack.ts';
import { client, PASSWORD, type Res, unique } from './client.ts';

type Api = ReturnType<typeof client>;
type Kit = ReturnType<typeof identityKit>;

/** `target()` once the suite's `beforeAll` ran; any use before is a test bug, said plainly. */
function late<T extends object>(target: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_, key) {
      const value = target();
      if (!value) throw new Error(`${what} used before the suite's beforeAll started the gateway`);
      return Reflect.get(value, key, value);
    },
  });
}

/**
 * The fixture every identity and red-team file shares: a local gateway on
 * the real emulators for the file (started in `beforeAll`, closed in
 * `afterAll`), its HTTP client and the identity kit. Call it once at the top
 * of a test file: `const { api, kit } = identitySuite();`.
 */
export function identitySuite(): { api: Api; kit: Kit } {
  let gw: TestGateway | undefined;
  let api: Api | undefined;
  let kit: Kit | undefined;
  beforeAll(async () => {
    gw = await startTestGateway();
    api = client(gw);
    kit = identityKit(api);
  });
  afterAll(async () => {
    await gw?.close();
  });
  return { api: late(() => api, 'api'), kit: late(() => kit, 'kit') };
}

/** A tenant whose owner signed in (`tenantWithOwner`). */
export type Tenant = Awaited<ReturnType<Api['tenantWithOwner']>>;

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** A member who accepted their invitation and signed in. */
export interface Person {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface AuditItem {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string };
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
}

/** A password an attacker chose; no legitimate step of the suite ever sets it. */
export const ATTACKER_PASSWORD = 'Att4cker!ChosenPw';

/** An address under the attacker's control. */
export const attackerAddress = () => `attacker-${unique()}@evil.e2e.test`;

/**
 * Tokens carry whole seconds (`auth_time`, `iat`): a credential change is
 * "after" a token only once the second the token was issued in is over.
 * Awaits that moment, so a revocation check cannot depend on the clock.
 */
export async function pastIssueSecond(token: string): Promise<void> {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    iat: number;
    auth_time?: number;
  };
  const issued = Math.max(payload.iat, payload.auth_time ?? 0);
  await expect.poll(() => Date.now(), { timeout: 5_000, interval: 50 }).toBeGreaterThanOrEqual((issued + 1) * 1000);
}

export function identityKit(api: Api) {
  const users = (t: { tenantId: string }) => `/v1/tenants/${t.tenantId}/users`;

  /** A successful sign-in with tokens (not a challenge). */
  async function signIn(email: string, password: string): Promise<Tokens> {
    const res = await api.call('POST', '/v1/auth/login', { body: { email, password } });
    expect(res.status, `${email} could not sign in: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.accessToken, `${email} got a challenge instead of tokens`).toEqual(expect.any(String));
    return res.body as Tokens;
  }

  /** The password opens nothing: neither tokens nor a new-password challenge. */
  async function expectNoSignIn(email: string, password: string): Promise<void> {
    const res = await api.call('POST', '/v1/auth/login', { body: { email, password } });
    expect(
      res.status,
      `${email} signed in with ${password}${res.body?.challenge ? ' (new-password challenge)' : ''}`,
    ).toBe(401);
  }

  /** A custom role over `permissions`, created by the owner; its id. */
  async function customRole(t: Tenant, permissions: string[]): Promise<string> {
    const res = await api.call('POST', `/v1/tenants/${t.tenantId}/roles`, {
      token: t.ownerToken,
      body: { name: `Role ${unique()}`, permissions },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  /** The owner invites `email`; the member view. */
  async function invite(
    t: Tenant,
    email: string,
    fields: { role?: string; roleId?: string; name?: string } = {},
  ): Promise<Res['body']> {
    const res = await api.call('POST', `/v1/tenants/${t.tenantId}/invitations`, {
      token: t.ownerToken,
      body: { email, role: 'agent', ...fields },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** A new member in `role` (built-in, or `{role: 'custom', roleId}`), invited by the owner, joined and signed in. */
  async function join(
    t: Tenant,
    label: string,
    choice: { role: string; roleId?: string } = { role: 'agent' },
    password = PASSWORD,
  ): Promise<Person> {
    const email = `${label}-${unique()}@e2e.test`;
    const member = await invite(t, email, { ...choice, name: `${label} person` });
    const token = await api.acceptAndLogin(email, `${label} person`, password);
    return { id: member.id, email, password, token };
  }

  /**
   * An existing login joins `t`: the owner invites its address and the person
   * accepts with their own password (the proof rule 3 asks for).
   */
  async function linkInto(t: Tenant, email: string, password = PASSWORD): Promise<string> {
    const member = await invite(t, email, { name: 'Linked person' });
    const res = await api.call('POST', '/v1/invitations/accept', {
      body: { token: await api.invitationToken(email), password },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', linked: true });
    return member.id;
  }

  /** The tenant's whole audit trail, newest first, read by `token` (default: the owner). */
  async function audit(t: { tenantId: string; ownerToken?: string }, token = t.ownerToken): Promise<AuditItem[]> {
    const items: AuditItem[] = [];
    let cursor: string | undefined;
    do {
      const query = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.call('GET', `/v1/tenants/${t.tenantId}/audit-events${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** Audit items of `action` about (target or actor) `id`. */
  async function auditOf(t: { tenantId: string; ownerToken?: string }, action: string, id: string, token?: string) {
    return (await audit(t, token)).filter((e) => e.action === action && (e.target.id === id || e.actor.id === id));
  }

  /** A member as its tenant's owner reads it: status, body and ETag. */
  async function read(t: Tenant, memberId: string) {
    const res = await api.call('GET', `${users(t)}/${memberId}`, { token: t.ownerToken });
    return { status: res.status, body: res.body, etag: res.headers.get('etag') };
  }

  /**
   * Remembers the members and the tenant's audit trail now; the returned check
   * asserts both are exactly as they were (a refused attempt writes nothing).
   */
  async function watch(t: Tenant, memberIds: string[]): Promise<() => Promise<void>> {
    const members = await Promise.all(memberIds.map((id) => read(t, id)));
    const trail = (await audit(t)).map((e) => `${e.action} ${e.id}`);
    return async () => {
      expect(await Promise.all(memberIds.map((id) => read(t, id))), 'a refused attempt changed a member').toEqual(
        members,
      );
      expect(
        (await audit(t)).map((e) => `${e.action} ${e.id}`),
        'a refused attempt left an audit item',
      ).toEqual(trail);
    };
  }

  /** Every session of these tokens is over: the access token and the refresh token are refused as revoked. */
  async function expectRevoked(tokens: Tokens, tenantId?: string): Promise<void> {
    const me = await api.call('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.status, `old access token still works: ${JSON.stringify(me.body)}`).toBe(401);
    expect(me.body?.code).toBe('session-revoked');
    if (tenantId) {
      const mine = await api.call('GET', `/v1/tenants/${tenantId}/me`, { token: tokens.accessToken });
      expect(mine.status, `old access token still works: ${JSON.stringify(mine.body)}`).toBe(401);
      expect(mine.body?.code).toBe('session-revoked');
    }
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.status, `old refresh token still works: ${JSON.stringify(refreshed.body)}`).toBe(401);
    expect(refreshed.body?.code).toBe('session-revoked');
  }

  /** A tenant whose owner was invited but has not accepted; the invitation mail is in SES. */
  async function pendingTenant(plan: string, label: string) {
    const ownerEmail = `${label}-owner-${unique()}@e2e.test`;
    const res = await api.call('POST', '/v1/platform/tenants', {
      headers: api.platform,
      body: { name: `${label} Co`, plan, owner: { email: ownerEmail, name: `${label} Owner` } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { tenantId: res.body.id as string, ownerId: res.body.ownerId as string, ownerEmail };
  }

  /** The newest invitation link mailed to `email` for tenant `tenantId` (tokens start with the tenant id). */
  async function linkFor(email: string, tenantId: string): Promise<string> {
    const tokens = (await sesMessages(undefined, email))
      .map((mail) => /accept-invitation\?token=([^\s"<&]+)/.exec(mail.body.text ?? '')?.[1])
      .filter((token): token is string => token !== undefined)
      .map((token) => decodeURIComponent(token))
      .filter((token) => token.startsWith(`${tenantId}.`));
    const token = tokens.at(-1);
    if (!token) throw new Error(`no invitation of ${tenantId} mailed to ${email}`);
    return token;
  }

  /**
   * "Forgot password" on `email` (always 202, asserted), then — when Cognito
   * issued a code, i.e. the address has a login — its confirmation with
   * `newPassword`. The caller asserts what it expects of both.
   */
  async function recover(email: string, newPassword: string): Promise<{ code?: string; confirmed?: Res }> {
    expect((await api.call('POST', '/v1/auth/forgot-password', { body: { email } })).status).toBe(202);
    const code = await cognitoCode(email);
    if (!code) return {};
    const confirmed = await api.call('POST', '/v1/auth/confirm-forgot-password', {
      body: { email, code, newPassword },
    });
    return { code, confirmed };
  }

  /** POST /v1/invitations/accept, with an optional bearer token. */
  const accept = (body: { token: string; name?: string; password?: string }, bearer?: string) =>
    api.call('POST', '/v1/invitations/accept', { body, token: bearer });

  return {
    users,
    signIn,
    expectNoSignIn,
    customRole,
    invite,
    join,
    linkInto,
    audit,
    auditOf,
    read,
    watch,
    expectRevoked,
    pendingTenant,
    linkFor,
    recover,
    accept,
  };
}
