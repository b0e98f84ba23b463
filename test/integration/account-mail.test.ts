/**
 * Cognito's own emails in Roster's words: forgot-password through the
 * gateway → cognito-local → its custom email sender trigger (the deployed
 * handler, through the local Lambda service) → the code, wrapped by the
 * local key service and unwrapped by the trigger → SES local. The code in the
 * mail is the one cognito-local will accept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesMessages, startTestGateway, type TestGateway } from '../support/http.ts';
import { cognitoCode } from '../support/local-stack.ts';

const unique = () => Math.random().toString(36).slice(2, 10);

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function mailsTo(email: string, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = await sesMessages(undefined, email);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the forgot-password code', () => {
  it('arrives by email from Roster’s sender, in Roster’s template, and resets the password', async () => {
    const email = `forgot-${unique()}@integration.test`;
    const created = await post(
      '/v1/platform/tenants',
      { name: 'Mail Co', plan: 'starter', owner: { email, name: 'Mo Mail' } },
      { 'x-platform-key': gateway.platformKey },
    );
    expect(created.status).toBe(201);
    const [invitation] = await mailsTo(email, 1);
    const token = /accept-invitation\?token=([^\s"<&]+)/.exec(invitation?.body.text ?? '')?.[1] ?? '';
    expect(
      (
        await post('/v1/invitations/accept', {
          token: decodeURIComponent(token),
          name: 'Mo Mail',
          password: 'First-Passw0rd-1',
        })
      ).status,
    ).toBe(200);

    expect((await post('/v1/auth/forgot-password', { email })).status).toBe(202);
    const mails = await mailsTo(email, 2);
    expect(mails).toHaveLength(2);
    const mail = mails[1];
    expect(mail?.subject).toBe('Your Roster password reset code');
    expect(mail?.from).toBe('no-reply@roster.local');
    const code = await cognitoCode(email);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail?.body.text).toContain(code as string);
    expect(mail?.body.html).toContain(`>${code}</strong>`);
    expect(mail?.body.text).toContain(`/reset-password?email=${encodeURIComponent(email)}`);

    // The code from the mail is the one Cognito accepts.
    const confirmed = await post('/v1/auth/confirm-forgot-password', { email, code, newPassword: 'Second-Passw0rd-2' });
    expect(confirmed.status).toBe(204);
    expect((await post('/v1/auth/login', { email, password: 'Second-Passw0rd-2' })).status).toBe(200);
  });

  it('sends nothing for an address without a login (and still answers 202)', async () => {
    const email = `nobody-${unique()}@integration.test`;
    expect((await post('/v1/auth/forgot-password', { email })).status).toBe(202);
    expect(await sesMessages(undefined, email)).toEqual([]);
  });
});
