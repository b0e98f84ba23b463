/** Cognito's messages in Roster's words: each trigger source gets its subject, the code, and a link to the right page. */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountMessage } from '../../lib/aws/account-mail.ts';
import { resetConfig } from '../../lib/config.ts';

beforeAll(() => {
  Object.assign(process.env, { TABLE_NAME: 't', MAIL_FROM: 'no-reply@roster.test', APP_URL: 'https://roster.test/' });
  resetConfig();
});

describe('accountMessage', () => {
  it('sends the forgot-password code with a link to the reset page for that address', () => {
    const m = accountMessage({
      source: 'CustomEmailSender_ForgotPassword',
      to: 'ann+x@acme.test',
      name: 'Ann',
      code: '123456',
    });
    expect(m.subject).toBe('Your Roster password reset code');
    expect(m.text).toContain('Hello Ann,');
    expect(m.text).toContain('\n123456\n');
    expect(m.text).toContain('https://roster.test/reset-password?email=ann%2Bx%40acme.test');
    expect(m.html).toContain('>123456</strong>');
  });

  it('escapes names in HTML and falls back to a plain verification code for other sources', () => {
    const m = accountMessage({
      source: 'CustomEmailSender_VerifyUserAttribute',
      to: 'a@b.test',
      name: '<b>x</b>',
      code: '654321',
    });
    expect(m.subject).toBe('Your Roster verification code');
    expect(m.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(m.html).not.toContain('<b>x</b>');
    expect(m.text).toContain('654321');
  });

  it('gives an admin-created login its temporary password and the sign-in page', () => {
    const m = accountMessage({ source: 'CustomEmailSender_AdminCreateUser', to: 'a@b.test', code: 'Temp-Passw0rd' });
    expect(m.subject).toBe('Your Roster login');
    expect(m.text).toContain('Hello,');
    expect(m.text).toContain('https://roster.test/sign-in?email=a%40b.test');
  });
});
