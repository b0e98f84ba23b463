/**
 * Cognito adapter: one login per person, found by email once and from then on
 * addressed by its immutable `sub`; the public sign-in flows; Cognito errors
 * turned into domain errors. Decisions live in lib/domain/identity.ts.
 */

import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  type AuthenticationResultType,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { logger } from '../log.ts';
import { cognito } from './cognito-client.ts';

const nameOf = (error: unknown) => (error as { name?: string } | null)?.name ?? '';

/** A Cognito login: `id` is its immutable `sub`, the only name Roster addresses it by after lookup. */
export interface Login {
  id: string;
  /** Set when this very call created the login (so a refused change can remove it again). */
  created?: true;
}

const pool = () => config().userPoolId;

/** The login of an address, if there is one (the email is an alias; the answer is its `sub`). */
export async function findLogin(email: string): Promise<Login | undefined> {
  try {
    const out = await cognito().send(new AdminGetUserCommand({ UserPoolId: pool(), Username: email }));
    const sub = out.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new Error('Cognito user without sub');
    return { id: sub };
  } catch (error) {
    if (nameOf(error) === 'UserNotFoundException') return undefined;
    throw error;
  }
}

/**
 * The address's login, created when there is none: confirmed with a random
 * password nobody knows (never FORCE_CHANGE_PASSWORD, whose temporary password
 * some emulators do not check), so nobody can sign in until the person sets
 * their own through Roster.
 */
export async function ensureLogin(email: string): Promise<Login> {
  const existing = await findLogin(email);
  if (existing) return existing;
  let sub: string | undefined;
  try {
    const out = await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: pool(),
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  } catch (error) {
    // Created concurrently by another request: that one is the person's login.
    if (nameOf(error) === 'UsernameExistsException') {
      const raced = await findLogin(email);
      if (raced) return raced;
    }
    throw error;
  }
  if (!sub) throw new Error('Cognito created a user without sub');
  await setPassword(sub, unusablePassword());
  return { id: sub, created: true };
}

/** Puts a password nobody knows back on a login (undoing one a refused request set). */
export async function scramblePassword(id: string): Promise<void> {
  await setPassword(id, unusablePassword());
}

/** 256 random bits in a shape every password policy accepts; never stored, never shown. */
function unusablePassword(): string {
  return `Aa1-${randomBytes(32).toString('base64url')}`;
}

function passwordProblem(error: unknown): DomainError | undefined {
  if (nameOf(error) === 'InvalidPasswordException' || nameOf(error) === 'InvalidParameterException') {
    return new DomainError('validation-failed', 'The password does not meet the password policy.', {
      errors: [{ path: 'body.password', message: (error as Error).message }],
    });
  }
  return undefined;
}

/** Sets the login's password (always permanent: a required change is Roster's own flag, DESIGN §2a). */
export async function setPassword(id: string, password: string): Promise<void> {
  try {
    await cognito().send(
      new AdminSetUserPasswordCommand({ UserPoolId: pool(), Username: id, Password: password, Permanent: true }),
    );
  } catch (error) {
    throw passwordProblem(error) ?? error;
  }
}

export async function setName(id: string, name: string): Promise<void> {
  await cognito().send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: pool(),
      Username: id,
      UserAttributes: [{ Name: 'name', Value: name }],
    }),
  );
}

export type SignIn =
  | { accessToken: string; idToken: string; refreshToken?: string; expiresIn: number }
  | { challenge: 'NEW_PASSWORD_REQUIRED'; session: string; reason?: 'first-sign-in' | 'admin-reset' }
  | { challenge: 'SOFTWARE_TOKEN_MFA'; session: string };

function tokens(result: AuthenticationResultType | undefined, refreshToken?: string): SignIn {
  if (!result?.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? refreshToken,
    expiresIn: result.ExpiresIn ?? 3600,
  };
}

const badCredentials = () => new DomainError('unauthenticated', 'Incorrect email or password.');

function authProblem(error: unknown): DomainError | undefined {
  switch (nameOf(error)) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
      return badCredentials();
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new DomainError('too-many-requests', 'Too many attempts; wait a moment and try again.');
    default:
      return passwordProblem(error);
  }
}

export async function signIn(email: string, password: string): Promise<SignIn> {
  try {
    const out = await cognito().send(
      new InitiateAuthCommand({
        ClientId: config().userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && out.Session) {
      return { challenge: 'NEW_PASSWORD_REQUIRED', session: out.Session };
    }
    // The login has TOTP: the password was right, the code is the second step (lib/app/mfa.ts).
    if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && out.Session) {
      return { challenge: 'SOFTWARE_TOKEN_MFA', session: out.Session };
    }
    if (out.ChallengeName) throw new Error(`Unsupported Cognito challenge ${out.ChallengeName}`);
    return tokens(out.AuthenticationResult);
  } catch (error) {
    // A wrong password is never a policy problem at sign-in (cognito-local says InvalidPasswordException).
    if (nameOf(error) === 'InvalidPasswordException') throw badCredentials();
    throw authProblem(error) ?? error;
  }
}

export async function refreshTokens(refreshToken: string): Promise<SignIn> {
  try {
    const out = await cognito().send(
      new InitiateAuthCommand({
        ClientId: config().userPoolClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    return tokens(out.AuthenticationResult, refreshToken);
  } catch (error) {
    if (nameOf(error) === 'NotAuthorizedException') {
      throw new DomainError('unauthenticated', 'The refresh token is invalid or expired; sign in again.');
    }
    throw authProblem(error) ?? error;
  }
}

/**
 * Whether `password` is the login's current one (DESIGN §2a rule 3: proof
 * before linking). Only a completed sign-in counts; any challenge does not.
 */
export async function passwordMatches(id: string, password: string): Promise<boolean> {
  try {
    const out = await cognito().send(
      new InitiateAuthCommand({
        ClientId: config().userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: id, PASSWORD: password },
      }),
    );
    // Cognito asks a login with TOTP for its code only once the password was right: that proves the password.
    if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA') return true;
    return !out.ChallengeName && !!out.AuthenticationResult?.AccessToken;
  } catch (error) {
    const wrong = ['NotAuthorizedException', 'InvalidPasswordException', 'UserNotFoundException'];
    if (wrong.includes(nameOf(error))) return false;
    throw authProblem(error) ?? error;
  }
}

/** The signed-in person changes their own password (Cognito checks the current one). */
export async function changeOwnPassword(accessToken: string, current: string, next: string): Promise<void> {
  try {
    await cognito().send(
      new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: current, ProposedPassword: next }),
    );
  } catch (error) {
    // Cognito says NotAuthorized for a wrong current password (an emulator says InvalidPassword).
    if (nameOf(error) === 'NotAuthorizedException') throw wrongCurrentPassword();
    if (nameOf(error) === 'InvalidPasswordException' && !/polic|length|character/i.test(String(error))) {
      throw wrongCurrentPassword();
    }
    throw authProblem(error) ?? error;
  }
}

const wrongCurrentPassword = () =>
  new DomainError('validation-failed', 'The current password is not correct.', {
    errors: [{ path: 'body.currentPassword', message: 'Incorrect password' }],
  });

/** Ends one session: its refresh token stops working. */
export async function revokeRefreshToken(refreshToken: string): Promise<void> {
  try {
    await cognito().send(new RevokeTokenCommand({ ClientId: config().userPoolClientId, Token: refreshToken }));
  } catch (error) {
    // Already revoked, expired or not this client's: nothing left to end.
    if (nameOf(error) === 'NotAuthorizedException' || nameOf(error) === 'UnsupportedTokenTypeException') return;
    throw authProblem(error) ?? error;
  }
}

/** Sends a reset code when the login exists; says nothing either way (no enumeration). */
export async function startPasswordReset(email: string): Promise<void> {
  try {
    await cognito().send(new ForgotPasswordCommand({ ClientId: config().userPoolClientId, Username: email }));
  } catch (error) {
    const quiet = ['UserNotFoundException', 'NotAuthorizedException', 'InvalidParameterException'];
    if (quiet.includes(nameOf(error))) return;
    throw authProblem(error) ?? error;
  }
}

export async function confirmPasswordReset(email: string, code: string, password: string): Promise<void> {
  try {
    await cognito().send(
      new ConfirmForgotPasswordCommand({
        ClientId: config().userPoolClientId,
        Username: email,
        ConfirmationCode: code,
        Password: password,
      }),
    );
  } catch (error) {
    const invalidCode = [
      'CodeMismatchException',
      'ExpiredCodeException',
      'UserNotFoundException',
      'NotAuthorizedException',
    ];
    if (invalidCode.includes(nameOf(error))) {
      throw new DomainError('validation-failed', 'The code is invalid or expired; request a new one.', {
        errors: [{ path: 'body.code', message: 'Invalid or expired code' }],
      });
    }
    throw authProblem(error) ?? error;
  }
}

/** Changes the login's email (and so its sign-in name); the new address counts as verified. */
export async function setEmail(id: string, nextEmail: string): Promise<void> {
  try {
    await cognito().send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool(),
        Username: id,
        UserAttributes: [
          { Name: 'email', Value: nextEmail },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  } catch (error) {
    if (nameOf(error) === 'AliasExistsException' || nameOf(error) === 'UsernameExistsException') {
      throw new DomainError('email-taken', `${nextEmail} already belongs to another login.`);
    }
    throw error;
  }
}

export async function deleteLogin(id: string): Promise<void> {
  try {
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: pool(), Username: id }));
  } catch (error) {
    if (nameOf(error) !== 'UserNotFoundException') throw error;
  }
}

/**
 * Revokes the login's refresh tokens. Best effort: access is checked live on
 * every request anyway, and cognito-local does not implement the call.
 */
export async function signOutEverywhere(id: string): Promise<boolean> {
  try {
    await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool(), Username: id }));
    return true;
  } catch (error) {
    if (nameOf(error) === 'UserNotFoundException') return false;
    logger.warn('refresh tokens not revoked', { error: error as Error });
    return false;
  }
}

// ── two-factor authentication (TOTP, Cognito's software-token MFA) ──────

const wrongCode = () => new DomainError('mfa-required', 'The code is not correct or has expired; sign in again.');

/** A new TOTP secret for the signed-in login (replaces any unverified one). */
export async function associateTotp(accessToken: string): Promise<string> {
  try {
    const out = await cognito().send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    if (!out.SecretCode) throw new Error('Cognito returned no secret');
    return out.SecretCode;
  } catch (error) {
    if (nameOf(error) === 'NotAuthorizedException') {
      throw new DomainError('unauthenticated', 'Sign in again to set up two-factor authentication.');
    }
    throw authProblem(error) ?? error;
  }
}

/** Checks the app's first code against the associated secret, then makes TOTP the login's MFA. */
export async function verifyTotp(accessToken: string, code: string): Promise<void> {
  try {
    const out = await cognito().send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code, FriendlyDeviceName: 'Authenticator' }),
    );
    if (out.Status !== 'SUCCESS') throw new Error(`VerifySoftwareToken: ${out.Status}`);
  } catch (error) {
    const invalid = ['CodeMismatchException', 'EnableSoftwareTokenMFAException', 'InvalidParameterException'];
    if (invalid.includes(nameOf(error))) {
      throw new DomainError('validation-failed', 'That code is not correct; check the app and try again.', {
        errors: [{ path: 'body.code', message: 'Incorrect code' }],
      });
    }
    throw authProblem(error) ?? error;
  }
  await cognito().send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
}

/** Answers Cognito's SOFTWARE_TOKEN_MFA challenge: tokens only for the right code. */
export async function answerTotpChallenge(username: string, session: string, code: string): Promise<SignIn> {
  try {
    const out = await cognito().send(
      new RespondToAuthChallengeCommand({
        ClientId: config().userPoolClientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
    if (out.ChallengeName) throw new Error(`Unsupported Cognito challenge ${out.ChallengeName}`);
    return tokens(out.AuthenticationResult);
  } catch (error) {
    const invalid = ['CodeMismatchException', 'ExpiredCodeException', 'NotAuthorizedException'];
    if (invalid.includes(nameOf(error)) || nameOf(error) === 'InvalidParameterException') throw wrongCode();
    throw authProblem(error) ?? error;
  }
}

/** An admin turns the login's TOTP off (Roster's MFA reset); the person sets it up again. */
export async function clearTotp(id: string): Promise<void> {
  try {
    await cognito().send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: pool(),
        Username: id,
        SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
      }),
    );
  } catch (error) {
    if (nameOf(error) !== 'UserNotFoundException') throw error;
  }
}
/**
 * An SSO sign-in's last step (docs/architecture.md, "Single sign-on"):
 * Cognito's custom authentication with the one-time proof the callback stored
 * for this login — the pool issues its own tokens, exactly as for a password.
 */
export async function signInWithProof(id: string, proof: string): Promise<SignIn> {
  try {
    const started = await cognito().send(
      new InitiateAuthCommand({
        ClientId: config().userPoolClientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: id },
      }),
    );
    if (started.ChallengeName !== 'CUSTOM_CHALLENGE' || !started.Session) {
      throw new Error(`Unexpected Cognito answer to CUSTOM_AUTH: ${started.ChallengeName}`);
    }
    const answered = await cognito().send(
      new RespondToAuthChallengeCommand({
        ClientId: config().userPoolClientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: started.Session,
        ChallengeResponses: { USERNAME: started.ChallengeParameters?.USERNAME ?? id, ANSWER: proof },
      }),
    );
    return tokens(answered.AuthenticationResult);
  } catch (error) {
    if (nameOf(error) === 'NotAuthorizedException') {
      throw new DomainError('unauthenticated', 'The single sign-on could not be completed; start again.');
    }
    throw authProblem(error) ?? error;
  }
}
