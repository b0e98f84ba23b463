/**
 * The messages Cognito would send itself — the forgot-password code and the
 * other verification codes — in Roster's words, sent through Roster's SES
 * sender by the custom email sender trigger. Templates are pure; `sendAccountMail` sends.
 */
import { config } from '../config.ts';
import { escapeHtml, send } from './mail.ts';

/** Cognito's CustomEmailSender trigger sources. */
export type AccountMailSource =
  | 'CustomEmailSender_ForgotPassword'
  | 'CustomEmailSender_ResendCode'
  | 'CustomEmailSender_SignUp'
  | 'CustomEmailSender_UpdateUserAttribute'
  | 'CustomEmailSender_VerifyUserAttribute'
  | 'CustomEmailSender_AdminCreateUser'
  | 'CustomEmailSender_AccountTakeOverNotification';

export interface AccountMail {
  source: string;
  to: string;
  name?: string;
  /** The code (or, for AdminCreateUser, the temporary password), decrypted. */
  code: string;
}

export function accountMessage(mail: AccountMail): { subject: string; text: string; html: string } {
  const hello = mail.name ? `Hello ${mail.name},` : 'Hello,';
  const appUrl = config().appUrl;
  const { subject, lines, link } = content(mail, appUrl);
  const text = [hello, '', ...lines, ...(link ? ['', `${link.label}: ${link.href}`] : []), '', FOOTER].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(hello)}</p>
${lines.map((l) => `<p>${l === mail.code ? `<strong style="font-size:1.4em;letter-spacing:0.1em">${escapeHtml(l)}</strong>` : escapeHtml(l)}</p>`).join('\n')}
${link ? `<p><a href="${escapeHtml(link.href)}" target="_blank" rel="noopener">${escapeHtml(link.label)}</a></p>` : ''}
<p style="color:#666">${escapeHtml(FOOTER)}</p>
</body></html>`;
  return { subject, text, html };
}

const FOOTER = 'Roster. If you did not ask for this, ignore this email: nothing changes without the code.';

function content(mail: AccountMail, appUrl: string) {
  const email = encodeURIComponent(mail.to);
  switch (mail.source) {
    case 'CustomEmailSender_ForgotPassword':
      return {
        subject: 'Your Roster password reset code',
        lines: [
          'Someone asked to reset the password of your Roster login. Your code:',
          mail.code,
          'It works once, for one hour.',
        ],
        link: { label: 'Reset your password', href: `${appUrl}/reset-password?email=${email}` },
      };
    case 'CustomEmailSender_AdminCreateUser':
      return {
        subject: 'Your Roster login',
        lines: [
          'A Roster login was created for you. Your temporary password:',
          mail.code,
          'You choose your own at first sign-in.',
        ],
        link: { label: 'Sign in', href: `${appUrl}/sign-in?email=${email}` },
      };
    case 'CustomEmailSender_AccountTakeOverNotification':
      return {
        subject: 'Unusual sign-in to your Roster login',
        lines: ['We noticed an unusual sign-in to your Roster login. If it was not you, reset your password now.'],
        link: { label: 'Reset your password', href: `${appUrl}/forgot-password?email=${email}` },
      };
    default:
      return {
        subject: 'Your Roster verification code',
        lines: ['Your Roster verification code:', mail.code],
        link: undefined,
      };
  }
}

export async function sendAccountMail(mail: AccountMail): Promise<void> {
  const { subject, text, html } = accountMessage(mail);
  await send(mail.to, subject, text, html);
}
