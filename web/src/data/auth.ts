/** The public auth and invitation operations (no token needed) and the self-service ones. */
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { endSession, startSession, type Tokens } from '../api/session';

export type LoginResult =
  | { tokens: Tokens }
  | { challenge: 'NEW_PASSWORD_REQUIRED'; session: string; reason?: 'first-sign-in' | 'admin-reset' }
  | { challenge: 'SOFTWARE_TOKEN_MFA'; session: string };

export async function signIn(email: string, password: string): Promise<LoginResult> {
  const data = await ok(api.POST('/v1/auth/login', { body: { email, password } }));
  if ('challenge' in data) {
    return data.challenge === 'NEW_PASSWORD_REQUIRED'
      ? { challenge: data.challenge, session: data.session, reason: data.reason }
      : { challenge: data.challenge, session: data.session };
  }
  startSession(data);
  return { tokens: data };
}

export async function answerNewPassword(email: string, session: string, newPassword: string): Promise<void> {
  const data = await ok(api.POST('/v1/auth/new-password', { body: { email, session, newPassword } }));
  if ('challenge' in data) throw new Error('Sign-in asks for yet another step. Sign in again.');
  startSession(data);
}

export type SsoDiscovery = components['schemas']['SsoDiscovery'];

/** Home-realm discovery: the SSO connections of this email's verified domain (none: password only). */
export async function discoverSso(email: string): Promise<SsoDiscovery> {
  return ok(api.POST('/v1/auth/sso/discover', { body: { email } }));
}

/**
 * The confirm-password step of an SSO sign-in that met an existing login: its password (and two-factor code)
 * link single sign-on to it, and the person is signed in.
 */
export async function confirmSsoLink(linkToken: string, password: string, code?: string): Promise<void> {
  const data = await ok(api.POST('/v1/auth/sso/link', { body: { linkToken, password, ...(code ? { code } : {}) } }));
  if ('challenge' in data) throw new Error('Sign-in asks for another step. Continue with SSO again.');
  startSession(data);
}

export async function forgotPassword(email: string): Promise<void> {
  await ok(api.POST('/v1/auth/forgot-password', { body: { email } }));
}

export async function confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
  await ok(api.POST('/v1/auth/confirm-forgot-password', { body: { email, code, newPassword } }));
}

export type InvitationPreview = components['schemas']['InvitationPreview'];

export async function previewInvitation(token: string): Promise<InvitationPreview> {
  return ok(api.POST('/v1/invitations/preview', { body: { token } }));
}

export async function acceptInvitation(
  token: string,
  proof: { name?: string; password?: string; bearer?: string },
): Promise<components['schemas']['Acceptance']> {
  return ok(
    api.POST('/v1/invitations/accept', {
      body: {
        token,
        ...(proof.name ? { name: proof.name } : {}),
        ...(proof.password ? { password: proof.password } : {}),
      },
      headers: proof.bearer ? { authorization: `Bearer ${proof.bearer}` } : {},
    }),
  );
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const data = await ok(api.POST('/v1/auth/change-password', { body: { currentPassword, newPassword } }));
  if ('challenge' in data) throw new Error('Sign in again with your new password.');
  startSession(data);
}

/**
 * Signing out here always ends the session in this tab, whatever the API says.
 * "Everywhere" must reach the API: when it fails, the error is thrown and this
 * tab stays signed in, so the person sees that it did not happen.
 */
export async function signOut(everywhere = false): Promise<void> {
  if (everywhere) {
    await ok(api.POST('/v1/auth/sign-out', { body: { everywhere: true } }));
    endSession();
    return;
  }
  try {
    // Ends the session kept in this browser's cookie, and clears the cookie.
    await ok(api.POST('/v1/auth/sign-out', { body: { cookie: true } }));
  } catch {
    // The tokens are dropped here anyway; an unreachable API only leaves the refresh token to expire.
  } finally {
    endSession();
  }
}
