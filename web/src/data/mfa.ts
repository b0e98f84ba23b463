/**
 * Two-factor authentication (TOTP): setting it up for oneself, the sign-in's
 * code step, and an admin's reset of a member's. The tenant's MFA policy is a
 * field of the tenant settings (data/settings.ts).
 */
import { useMutation } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import { startSession } from '../api/session';
import type { LoginResult } from './auth';
import { useInvalidateMembers } from './users';

export async function startTotpSetup(): Promise<{ secret: string; otpauthUri: string }> {
  return ok(api.POST('/v1/auth/mfa/totp/setup', {}));
}

export async function verifyTotp(code: string): Promise<{ enrolledAt: string }> {
  return ok(api.POST('/v1/auth/mfa/totp/verify', { body: { code } }));
}

/** The sign-in's second step: tokens (signed in), or the new-password step that may follow it. */
export async function answerMfaChallenge(email: string, session: string, code: string): Promise<LoginResult> {
  const data = await ok(api.POST('/v1/auth/mfa/challenge', { body: { email, session, code } }));
  if ('challenge' in data) {
    return data.challenge === 'NEW_PASSWORD_REQUIRED'
      ? { challenge: data.challenge, session: data.session, reason: data.reason }
      : { challenge: data.challenge, session: data.session };
  }
  startSession(data);
  return { tokens: data };
}

export function useResetMfa(tenantId: string) {
  const invalidate = useInvalidateMembers(tenantId);
  return useMutation({
    mutationFn: (userId: string) =>
      ok(api.POST('/v1/tenants/{tenantId}/users/{userId}/reset-mfa', { params: { path: { tenantId, userId } } })),
    onSuccess: invalidate,
  });
}

/** Where the console sends a person a tenant's policy refuses: set it up, then back to `next`. */
export const setupPath = (next: string, required = false): string =>
  `/two-factor-setup?next=${encodeURIComponent(next)}${required ? '&required=1' : ''}`;
