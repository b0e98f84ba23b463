/** A tiny HTTP client for e2e flows: JSON in/out, problems kept, tokens from real sign-ins. */
import { expect } from 'vitest';
import { assertConformance } from '../support/conformance.ts';
import { sesMessages, type TestGateway } from '../support/http.ts';

export interface Res {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
  body: any;
}

export function client(gw: TestGateway) {
  async function call(
    method: string,
    path: string,
    init: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    // The gateway checked this response against openapi.json: a mismatch fails the test here.
    assertConformance();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  const platform = { 'x-platform-key': gw.platformKey };

  /** The token of the newest invitation email to `email`. */
  async function invitationToken(email: string): Promise<string> {
    const mail = (await sesMessages(undefined, email)).at(-1);
    const link = /(https?:\/\/\S+\/accept-invitation\?token=[^\s"<]+)/.exec(mail?.body.text ?? '')?.[1];
    if (!link) throw new Error(`no invitation email to ${email}`);
    return new URL(link).searchParams.get('token') as string;
  }

  async function login(email: string, password: string): Promise<string> {
    const res = await call('POST', '/v1/auth/login', { body: { email, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.accessToken;
  }

  async function acceptAndLogin(email: string, name: string, password: string): Promise<string> {
    const token = await invitationToken(email);
    const res = await call('POST', '/v1/invitations/accept', { body: { token, name, password } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return login(email, password);
  }

  /** A new tenant through the platform route, its owner signed in. */
  async function tenantWithOwner(plan: string, label: string) {
    const ownerEmail = `${label}-owner-${unique()}@e2e.test`;
    const created = await call('POST', '/v1/platform/tenants', {
      headers: platform,
      body: { name: `${label} Co`, plan, owner: { email: ownerEmail, name: `${label} Owner` } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ownerToken = await acceptAndLogin(ownerEmail, `${label} Owner`, PASSWORD);
    return { tenantId: created.body.id as string, ownerId: created.body.ownerId as string, ownerEmail, ownerToken };
  }

  return { call, platform, invitationToken, login, acceptAndLogin, tenantWithOwner };
}

export const PASSWORD = 'Corr3ctHorseBattery';
export const unique = () => Math.random().toString(36).slice(2, 10);
