/**
 * SES adapter: the invitation email, as text and HTML. Links open a new
 * window (`target="_blank"`): the pages refuse to be framed, and a mail
 * viewer (SES local's included) may show the mail in a frame.
 */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { config } from '../config.ts';
import { ses } from './clients.ts';

export interface InvitationMail {
  to: string;
  tenantName: string;
  inviterName: string;
  role: string;
  link: string;
  expiresAt: string;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function invitationMessage(mail: InvitationMail) {
  const expires = new Date(mail.expiresAt).toUTCString();
  const subject = `${mail.inviterName} invited you to ${mail.tenantName}`;
  const text = [
    `${mail.inviterName} invited you to join ${mail.tenantName} as ${mail.role}.`,
    '',
    `Accept the invitation: ${mail.link}`,
    '',
    `The link works once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this email.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(mail.inviterName)} invited you to join <strong>${escapeHtml(mail.tenantName)}</strong> as ${escapeHtml(mail.role)}.</p>
<p><a href="${escapeHtml(mail.link)}" target="_blank" rel="noopener">Accept the invitation</a></p>
<p>The link works once and expires on ${escapeHtml(expires)}.</p>
<p style="color:#666">If you did not expect this invitation, ignore this email.</p>
</body></html>`;
  return { subject, text, html };
}

export async function sendInvitation(mail: InvitationMail): Promise<void> {
  const { subject, text, html } = invitationMessage(mail);
  await send(mail.to, subject, text, html);
}

export function invitationLink(token: string): string {
  return `${config().appUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}

export interface WelcomeMail {
  to: string;
  name: string;
  tenantName: string;
  inviterName: string;
  role: string;
  /** True when the person signs in with a login they already have. */
  existingLogin: boolean;
  /** True when the first sign-in asks for a new password. */
  temporaryPassword: boolean;
}

export function welcomeMessage(mail: WelcomeMail) {
  const signIn = `${config().appUrl}/sign-in?email=${encodeURIComponent(mail.to)}`;
  const subject = `Your ${mail.tenantName} account is ready`;
  const how = mail.existingLogin
    ? 'Sign in with the email and password you already use.'
    : mail.temporaryPassword
      ? `Sign in with this email and the password ${mail.inviterName} gave you; you will choose your own at first sign-in.`
      : `Sign in with this email and the password ${mail.inviterName} gave you.`;
  const text = [
    `Hello ${mail.name},`,
    '',
    `${mail.inviterName} added you to ${mail.tenantName} as ${mail.role}.`,
    how,
    '',
    `Sign in: ${signIn}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${escapeHtml(mail.name)},</p>
<p>${escapeHtml(mail.inviterName)} added you to <strong>${escapeHtml(mail.tenantName)}</strong> as ${escapeHtml(mail.role)}.</p>
<p>${escapeHtml(how)}</p>
<p><a href="${escapeHtml(signIn)}" target="_blank" rel="noopener">Sign in</a></p>
</body></html>`;
  return { subject, text, html };
}

export async function sendWelcome(mail: WelcomeMail): Promise<void> {
  const { subject, text, html } = welcomeMessage(mail);
  await send(mail.to, subject, text, html);
}

/** One email from Roster's sender address, as text and HTML. */
export async function send(to: string, subject: string, text: string, html: string): Promise<void> {
  await ses().send(
    new SendEmailCommand({
      Source: config().mailFrom,
      Destination: { ToAddresses: [to] },
      Message: {
        Subject: { Data: subject, Charset: 'UTF-8' },
        Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
      },
    }),
  );
}
