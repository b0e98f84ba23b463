/**
 * SES adapter: the invitation, welcome and auto-suspension digest emails, as
 * text and HTML. Links open a new window (`target="_blank"`): the pages refuse
 * to be framed, and a mail viewer (SES local's included) may show the mail in a frame.
 */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { config } from '../config.ts';
import { containsLink } from '../domain/identity.ts';
import { ses } from './ses-client.ts';

/**
 * The inviter as mail may name them: their own name, when they have one that
 * carries no link (DESIGN §2a rule 5). Never their address — an empty name
 * does not fall back to an email-shaped text — and never a name stored before
 * the filter that it would refuse now: the mail then names nobody.
 */
export function shownInviter(name: string | undefined | null): string | undefined {
  const trimmed = name?.trim();
  return trimmed && !containsLink(trimmed) ? trimmed : undefined;
}

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
  const inviter = shownInviter(mail.inviterName);
  const subject = inviter ? `${inviter} invited you to ${mail.tenantName}` : `You are invited to ${mail.tenantName}`;
  const invited = inviter ? `${inviter} invited you` : 'You are invited';
  const text = [
    `${invited} to join ${mail.tenantName} as ${mail.role}.`,
    '',
    `Accept the invitation: ${mail.link}`,
    '',
    `The link works once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this email.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(invited)} to join <strong>${escapeHtml(mail.tenantName)}</strong> as ${escapeHtml(mail.role)}.</p>
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
  const inviter = shownInviter(mail.inviterName);
  const given = inviter ? `the password ${inviter} gave you` : 'the password you were given';
  const how = mail.existingLogin
    ? 'Sign in with the email and password you already use.'
    : mail.temporaryPassword
      ? `Sign in with this email and ${given}; you will choose your own at first sign-in.`
      : `Sign in with this email and ${given}.`;
  const added = inviter ? `${inviter} added you` : 'You were added';
  const text = [
    `Hello ${mail.name},`,
    '',
    `${added} to ${mail.tenantName} as ${mail.role}.`,
    how,
    '',
    `Sign in: ${signIn}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${escapeHtml(mail.name)},</p>
<p>${escapeHtml(added)} to <strong>${escapeHtml(mail.tenantName)}</strong> as ${escapeHtml(mail.role)}.</p>
<p>${escapeHtml(how)}</p>
<p><a href="${escapeHtml(signIn)}" target="_blank" rel="noopener">Sign in</a></p>
</body></html>`;
  return { subject, text, html };
}

export async function sendWelcome(mail: WelcomeMail): Promise<void> {
  const { subject, text, html } = welcomeMessage(mail);
  await send(mail.to, subject, text, html);
}

export interface SuspensionDigestMail {
  /** The tenant's active admins. */
  to: string[];
  tenantName: string;
  days: number;
  /** How many were suspended. */
  total: number;
  /** Those listed by name (at most DIGEST_LISTED; `total` may be more). */
  suspended: { name: string; email: string; lastLoginAt: string | null; inactiveSince: string }[];
  /** The console's users screen, filtered to suspended members. */
  usersLink: string;
  /** The API route that undoes one suspension, with `{userId}`. */
  reactivateRoute: string;
}

/** A digest lists this many people by name; beyond that it gives the count and points at the audit trail. */
export const DIGEST_LISTED = 100;

const day = (iso: string) => iso.slice(0, 10);

export function suspensionDigestMessage(mail: SuspensionDigestMail) {
  const count = mail.total;
  const people = count === 1 ? '1 member' : `${count} members`;
  const subject = `${mail.tenantName}: ${people} suspended after ${mail.days} days without signing in`;
  const listed = mail.suspended.slice(0, DIGEST_LISTED);
  const line = (p: SuspensionDigestMail['suspended'][number]) =>
    `${p.name || p.email} <${p.email}> — ${p.lastLoginAt ? `last signed in ${day(p.lastLoginAt)}` : `never signed in (since ${day(p.inactiveSince)})`}`;
  const more =
    count > listed.length ? [`… and ${count - listed.length} more (see the audit trail: member.suspended).`] : [];
  const undo = [
    'Suspended members keep their seat, their settings and their history; they cannot sign in to this tenant until reactivated.',
    `To undo a suspension, reactivate the person: Settings → Users (${mail.usersLink}), or the API: ${mail.reactivateRoute}.`,
    `A reactivated person is not suspended again for another ${mail.days} days.`,
  ];
  const text = [
    `Roster suspended ${people} of ${mail.tenantName} who had not signed in for ${mail.days} days or more:`,
    '',
    ...listed.map((p) => `- ${line(p)}`),
    ...more,
    '',
    ...undo,
    '',
    `You receive this as an admin of ${mail.tenantName}; the setting is under the tenant's autoSuspendInactiveDays.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Roster suspended ${escapeHtml(people)} of <strong>${escapeHtml(mail.tenantName)}</strong> who had not signed in for ${mail.days} days or more:</p>
<ul>${listed.map((p) => `<li>${escapeHtml(line(p))}</li>`).join('')}</ul>
${more.map((m) => `<p>${escapeHtml(m)}</p>`).join('')}
<p>${escapeHtml(undo[0] as string)}</p>
<p>To undo a suspension, reactivate the person in <a href="${escapeHtml(mail.usersLink)}" target="_blank" rel="noopener">Settings → Users</a>, or through the API: <code>${escapeHtml(mail.reactivateRoute)}</code>.</p>
<p>${escapeHtml(undo[2] as string)}</p>
<p style="color:#666">You receive this as an admin of ${escapeHtml(mail.tenantName)}; the setting is under the tenant’s autoSuspendInactiveDays.</p>
</body></html>`;
  return { subject, text, html };
}

/** The same digest to each admin in a message of their own (one address bouncing never holds up the others). */
export async function sendSuspensionDigest(mail: SuspensionDigestMail): Promise<void> {
  const { subject, text, html } = suspensionDigestMessage(mail);
  for (const to of mail.to) await send(to, subject, text, html);
}

export function usersLink(status?: string): string {
  return `${config().appUrl}/users${status ? `?status=${encodeURIComponent(status)}` : ''}`;
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
