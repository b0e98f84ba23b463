/**
 * cognito-local: the user pool and app client, created as the stack defines
 * them (infra/constructs/auth.ts) as far as cognito-local stores them, with
 * the Cognito triggers wired to the local Lambda service.
 *
 * What cognito-local 5.3 does (read from its source; other code depends on it):
 * - Issuer: `http://127.0.0.1:<port>/<userPoolId>` (from its HOST/PORT env);
 *   pool ids look like `local_AbC12345`. JWKS: `GET <issuer>/.well-known/jwks.json`,
 *   one fixed RS256 key (kid `CognitoLocal`). Its openid-configuration
 *   document hard-codes localhost:9229 — don't use it.
 * - Access token: sub, client_id, username (= the user's internal name, the
 *   `sub` when the pool signs in by email), token_use "access",
 *   scope "aws.cognito.signin.user.admin", auth_time, iat, exp, jti, event_id,
 *   cognito:groups; no `aud`. Id token: sub, aud (client id), email,
 *   email_verified (boolean), cognito:username, token_use "id", custom:*
 *   attributes only — NOT `name` or other standard attributes.
 *   The refresh token is a JWT too (same key and issuer, no aud/client_id).
 * - AuthenticationResult has AccessToken, IdToken, RefreshToken only: no
 *   ExpiresIn and no TokenType (read `exp` from the token instead).
 * - Works: AdminCreateUser (MessageAction SUPPRESS without TemporaryPassword
 *   → random temporary password, status FORCE_CHANGE_PASSWORD, Username
 *   becomes the sub), AdminGetUser / AdminSetUserPassword (Permanent true →
 *   CONFIRMED) / AdminUpdateUserAttributes / AdminDeleteUser by email or sub,
 *   InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (also REFRESH_TOKEN),
 *   RespondToAuthChallenge NEW_PASSWORD_REQUIRED (needs ChallengeResponses
 *   USERNAME and NEW_PASSWORD and any non-empty Session — it is not checked),
 *   ForgotPassword / ConfirmForgotPassword (the code is printed on its console
 *   and stored as `ConfirmationCode` in `<cognitoDir>/.cognito/db/<poolId>.json`;
 *   the env var CODE fixes every code and temporary password), RevokeToken,
 *   AdminInitiateAuth (partial), GetUser, ChangePassword.
 * - Differs from Cognito: a FORCE_CHANGE_PASSWORD user gets the
 *   NEW_PASSWORD_REQUIRED challenge whatever password is sent; a wrong password
 *   is `InvalidPasswordException` (Cognito: NotAuthorizedException); an unknown
 *   user is NotAuthorizedException from InitiateAuth but UserNotFoundException
 *   from ForgotPassword (PreventUserExistenceErrors is ignored); email lookup is
 *   case-sensitive (normalise emails before calling it); password policy and
 *   ExplicitAuthFlows are stored but never enforced; a disabled user can still
 *   sign in; the refresh token returned by RespondToAuthChallenge is not
 *   stored, so REFRESH_TOKEN_AUTH with it fails (only InitiateAuth's works).
 * - Not supported (500 `CognitoLocal#Unsupported`): AdminUserGlobalSignOut,
 *   GlobalSignOut, AdminResetUserPassword, AdminRespondToAuthChallenge,
 *   AdminCreateUser MessageAction RESEND, ResendConfirmationCode, SRP,
 *   user pool domains / hosted UI. The custom auth flow (CUSTOM_AUTH with the
 *   Define/Create/VerifyAuthChallenge triggers) is not in cognito-local: it is
 *   added by cognito-server.ts, which runs cognito-local in-process.
 * - State lives in files under its working directory (`.cognito/`); each start
 *   here gets a fresh temporary directory.
 *
 * Cognito triggers: cognito-local invokes the functions named in
 * `.cognito/config.json` `TriggerFunctions` through the Lambda API at its
 * `LambdaClient.endpoint`, and awaits them before answering (a failing trigger
 * is logged and ignored, where Cognito would refuse the sign-in). Here that
 * endpoint is the local Lambda service (infra/local/lambda.ts), a child process running
 * the TRIGGERS handlers with the environment the stack gives a trigger.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { TRIGGERS } from '../../../lib/http/routes.ts';
import { LOCAL_SENDER_KEY } from '../kms.ts';
import { type Child, CREDENTIALS, type EmulatorName, HOST, launch, REGION, resolveModule } from './process.ts';

const SERVER = fileURLToPath(new URL('./cognito-server.ts', import.meta.url));

/** Starts cognito-local on `port`, its state in `cognitoDir` (`.cognito/`). */
export function launchCognito(
  port: number,
  cognitoDir: string,
  env: NodeJS.ProcessEnv,
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  // cognito-local itself, plus Cognito's CUSTOM_AUTH flow (cognito-server.ts).
  return launch(
    'cognito',
    process.execPath,
    ['--import', pathToFileURL(resolveModule('tsx')).href, SERVER],
    { cwd: cognitoDir, env: { ...env, HOST, PORT: String(port) } },
    onLog,
  );
}

/**
 * cognito-local's config: every TRIGGERS row as its `TriggerFunctions` entry
 * (`PostAuthentication: "postAuthentication"`), invoked through `endpoint`.
 */
export async function writeCognitoConfig(cognitoDir: string, endpoint: string): Promise<void> {
  const triggerFunctions = Object.fromEntries(
    TRIGGERS.map((t) => [`${t.trigger.charAt(0).toUpperCase()}${t.trigger.slice(1)}`, t.id]),
  );
  const configDir = join(cognitoDir, '.cognito');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({
      LambdaClient: { endpoint, region: REGION, credentials: CREDENTIALS },
      TriggerFunctions: triggerFunctions,
      // The custom email sender's codes are wrapped with this key, by the same local service.
      KMSConfig: {
        KMSKeyId: LOCAL_SENDER_KEY.arn,
        KMSKeyAlias: LOCAL_SENDER_KEY.alias,
        endpoint,
        region: REGION,
        credentials: CREDENTIALS,
      },
    }),
  );
}

/** Mirrors infra/constructs/auth.ts as far as cognito-local stores it. */
export async function createUserPool(endpoint: string): Promise<[userPoolId: string, clientId: string]> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'roster-local',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: false,
            TemporaryPasswordValidityDays: 7,
          },
        },
      }),
    );
    const userPoolId = UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local returned no user pool id');
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'roster-local',
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    const clientId = UserPoolClient?.ClientId;
    if (!clientId) throw new Error('cognito-local returned no app client id');
    return [userPoolId, clientId];
  } finally {
    client.destroy();
  }
}
