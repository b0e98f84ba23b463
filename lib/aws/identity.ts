/**
 * Cognito adapter: one identity per person (username = email, id = `sub`),
 * the public sign-in flows, and Cognito errors turned into domain errors.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AuthenticationResultType,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { logger } from '../http/log.ts';
import { cognito } from './clients.ts';

const nameOf = (error: unknown) => (error as { name?: string } | null)?.name ?? '';

export interface Identity {
  id: string;
  email: string;
  /** Cognito's status: FORCE_CHANGE_PASSWORD, CONFIRMED, … */
  status: string;
  enabled: boolean;
  /** Set when this very call created the login (so a failed change can remove it again). */
  created?: true;
}

export async function findIdentity(email: string): Promise<Identity | undefined> {
  try {
    const out = await cognito().send(new AdminGetUserCommand({ UserPoolId: config().userPoolId, Username: email }));
    const sub = out.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new Error('Cognito user without sub');
    return { id: sub, email, status: out.UserStatus ?? 'UNKNOWN', enabled: out.Enabled ?? true };
  } catch (error) {
    if (nameOf(error) === 'UserNotFoundException') return undefined;
    throw error;
  }
}

/** The person's identity, created without a usable password and without Cognito's own email when new. */
export async function ensureIdentity(email: string): Promise<Identity> {
  const existing = await findIdentity(email);
  if (existing) return existing;
  try {
    const out = await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: config().userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new Error('Cognito created a user without sub');
    return { id: sub, email, status: out.User?.UserStatus ?? 'FORCE_CHANGE_PASSWORD', enabled: true, created: true };
  } catch (error) {
    // Created concurrently by another request: read it.
    if (nameOf(error) === 'UsernameExistsException') {
      const raced = await findIdentity(email);
      if (raced) return raced;
    }
    throw error;
  }
}

function passwordProblem(error: unknown): DomainError | undefined {
  if (nameOf(error) === 'InvalidPasswordException' || nameOf(error) === 'InvalidParameterException') {
    return new DomainError('validation-failed', 'The password does not meet the password policy.', {
      errors: [{ path: 'body.password', message: (error as Error).message }],
    });
  }
  return undefined;
}

export async function setPassword(email: string, password: string, permanent: boolean): Promise<void> {
  try {
    await cognito().send(
      new AdminSetUserPasswordCommand({
        UserPoolId: config().userPoolId,
        Username: email,
        Password: password,
        Permanent: permanent,
      }),
    );
  } catch (error) {
    throw passwordProblem(error) ?? error;
  }
}

export async function setName(email: string, name: string): Promise<void> {
  await cognito().send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: config().userPoolId,
      Username: email,
      UserAttributes: [{ Name: 'name', Value: name }],
    }),
  );
}

export type SignIn =
  | { accessToken: string; idToken: string; refreshToken?: string; expiresIn: number }
  | { challenge: 'NEW_PASSWORD_REQUIRED'; session: string };

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

export async function answerNewPassword(email: string, session: string, newPassword: string): Promise<SignIn> {
  try {
    const out = await cognito().send(
      new RespondToAuthChallengeCommand({
        ClientId: config().userPoolClientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
      }),
    );
    return tokens(out.AuthenticationResult);
  } catch (error) {
    if (nameOf(error) === 'NotAuthorizedException' || nameOf(error) === 'CodeMismatchException') {
      throw new DomainError('unauthenticated', 'The sign-in session is invalid or expired; sign in again.');
    }
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
export async function setEmail(currentEmail: string, nextEmail: string): Promise<void> {
  try {
    await cognito().send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: config().userPoolId,
        Username: currentEmail,
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

export async function deleteIdentity(email: string): Promise<void> {
  try {
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: config().userPoolId, Username: email }));
  } catch (error) {
    if (nameOf(error) !== 'UserNotFoundException') throw error;
  }
}

/**
 * Revokes the login's refresh tokens. Best effort: access is checked live on
 * every request anyway, and cognito-local does not implement the call.
 */
export async function signOutEverywhere(email: string): Promise<boolean> {
  try {
    await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId: config().userPoolId, Username: email }));
    return true;
  } catch (error) {
    if (nameOf(error) === 'UserNotFoundException') return false;
    logger.warn('refresh tokens not revoked', { error: error as Error });
    return false;
  }
}
